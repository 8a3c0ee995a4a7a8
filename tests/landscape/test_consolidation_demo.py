"""On the demo: every number on the duplicates and KLE coverage pages agrees with the
list it links to (the issue's acceptance criterion). Seeded in the test database, the
demo's systems carry no KLE numbers and each business type sits in one forvaltning,
so the test first tags two systems of different forvaltninger with the same task and
lets a third forvaltning use one of them."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from contracts.filtersets import ContractFilterSet
from contracts.models import Contract
from portfolio.filtersets import SystemUsageFilterSet
from portfolio.models import KleNumber, SystemUsage, SystemUsageUnit
from tests.governance.request_cases import kle
from tests.landscape.test_consolidation import _filter_count

pytestmark = pytest.mark.django_db


def test_demo_numbers_agree_with_their_lists(client, demo):
    admin = get_user_model().objects.get(username="admin")
    usages = list(SystemUsage.objects.filter(organisation=demo, lifecycle="operational")
                  .exclude(responsible_unit=None).select_related("responsible_unit")
                  .order_by("pk"))
    first = usages[0]
    second = next(u for u in usages if u.responsible_unit.path.split("/")[2]
                  != first.responsible_unit.path.split("/")[2])
    third = next(u for u in usages if u.responsible_unit.path.split("/")[2] not in {
        first.responsible_unit.path.split("/")[2], second.responsible_unit.path.split("/")[2]})
    for usage in (first, second):
        usage.system.kle_numbers.add(kle("27.12.04"))
    SystemUsageUnit.objects.create(usage=first, unit=third.responsible_unit,
                                   organisation=demo)
    client.force_login(admin)
    analysis = client.get("/landskab/dubletter/").context["analysis"]
    kinds = {group.kind for group in analysis.groups}
    assert {"kle", "system"} <= kinds
    for group in analysis.groups:
        assert _filter_count(group.usage_url, SystemUsageFilterSet, SystemUsage,
                             admin) == group.usage_count, group.label
        for share in group.forvaltninger:
            assert _filter_count(share.url, SystemUsageFilterSet, SystemUsage,
                                 admin) == share.count, (group.label, share.unit.name)
        assert _filter_count(group.contract_url, ContractFilterSet, Contract,
                             admin) == group.contract_count, group.label
        assert _filter_count(group.contract_url, ContractFilterSet, Contract, admin,
                             total=True) == group.yearly_cost, group.label
    for pair in analysis.pairs:
        assert _filter_count(pair.usage_url, SystemUsageFilterSet, SystemUsage,
                             admin) == pair.usage_count
    for forvaltning in analysis.forvaltninger:
        response = client.get("/landskab/dubletter/", {"unit": forvaltning.uuid})
        assert response.status_code == 200

    main_group = KleNumber.objects.filter(parent__isnull=True,
                                          children__children__systems__usages__organisation=demo
                                          ).order_by("number").first()
    for params in ({}, {"main_group": main_group.number} if main_group else {}):
        coverage = client.get("/landskab/kle-daekning/", params).context["coverage"]
        for task in coverage.tasks:
            assert _filter_count(task.usage_url, SystemUsageFilterSet, SystemUsage,
                                 admin) == task.usage_count, task.kle.number
        for bar in coverage.chart:
            assert len(client.get(bar.url).context["coverage"].shown) == bar.value
