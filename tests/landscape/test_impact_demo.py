"""Acceptance (issue #18): on the demo, retiring KMD Momentum lists its integrations
(both directions, transitive), its processing activities, units, contracts and role
holders; the API returns the same, valid against the API's own schema. The demo is
seeded once for the module."""

from __future__ import annotations

import datetime
import json

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from openapi_core import Config, OpenAPI
from rest_framework.test import APIClient

from contracts.models import ContractCoverage
from gdpr.models import ProcessingActivity
from landscape import impact
from portfolio.models import Integration, SystemUsage
from roles.models import RoleAssignment
from tests.api.test_schema_conformance import _is_uri, _problems, _strict

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.fixture(scope="module")
def momentum(demo, django_db_blocker):
    with django_db_blocker.unblock():
        return SystemUsage.objects.select_related("system__rights_holder").get(
            organisation=demo, system__name="KMD Momentum")


@pytest.fixture
def chef():
    return get_user_model().objects.get(username="chef")


def expected_reach(usage, depth):
    """The usages within `depth` integrations of `usage`, either way, by a plain walk
    over every integration of its organisation."""
    edges = list(Integration.objects.filter(organisation=usage.organisation_id)
                 .values_list("source_id", "target_id"))
    seen, frontier, found = {usage.pk}, {usage.pk}, {}
    for level in range(1, depth + 1):
        step = {t for s, t in edges if s in frontier} | {s for s, t in edges if t in frontier}
        frontier = step - seen
        seen |= frontier
        found.update({pk: level for pk in frontier})
    return found


def test_retiring_kmd_momentum_lists_what_depends_on_it(client, chef, momentum):
    client.force_login(chef)
    response = client.get(reverse("impact_usage", args=[momentum.uuid]))
    assert response.status_code == 200
    result = response.context["impact"]
    html = response.content.decode()

    # Integrations both ways, and the systems beyond them.
    direct = set(Integration.objects.filter(Q(source=momentum) | Q(target=momentum)))
    assert direct <= {hop.integration for hop in result.hops}
    directions = {hop.direction for hop in result.hops if hop.depth == 1}
    assert {impact.OUTGOING, impact.INCOMING} <= directions
    reached = {r.usage.pk: r.depth for r in result.reached}
    assert reached == expected_reach(momentum, impact.DEFAULT_DEPTH)
    assert max(reached.values()) >= 2  # transitive

    activities = set(ProcessingActivity.objects.filter(usages=momentum))
    assert activities and set(result.processing_activities) == activities

    units = {momentum.responsible_unit, *momentum.using_units.all()} - {None}
    assert units and {row.unit for row in result.units} == units

    contracts = {link.contract for link in ContractCoverage.objects.filter(usage=momentum)}
    assert contracts and {row.contract for row in result.contracts} == contracts

    holders = set(RoleAssignment.objects.on(momentum).current(TODAY))
    assert holders and holders <= {h.assignment for h in result.role_holders}

    for obj in (*direct, *activities, *units, *contracts):
        assert str(obj.uuid) in html, obj


def test_the_api_returns_what_the_page_shows(client, chef, momentum):
    client.force_login(chef)
    page = client.get(reverse("impact_usage", args=[momentum.uuid])).context["impact"]
    api = APIClient()
    api.force_authenticate(chef)
    body = api.get(f"/api/v1/impact/usages/{momentum.uuid}/").json()

    def ids(rows):
        return {str(obj.uuid) for obj in rows}

    assert {i["id"] for i in body["integrations"]} == ids(h.integration for h in page.hops)
    assert {u["id"] for u in body["dependent_usages"]} == ids(r.usage for r in page.reached)
    assert {a["id"] for a in body["processing_activities"]} == ids(page.processing_activities)
    assert {a["id"] for a in body["data_assets"]} == ids(r.asset for r in page.data_assets)
    assert {u["id"] for u in body["units"]} == ids(r.unit for r in page.units)
    assert {c["id"] for c in body["contracts"]} == ids(r.contract for r in page.contracts)
    assert {r["id"] for r in body["role_holders"]} == ids(h.assignment for h in page.role_holders)
    assert {p["id"] for p in body["projects"]} == ids(r.project for r in page.projects)
    contract = next(c for c in body["contracts"] if c["next_end"] or c["notice_deadline"])
    assert contract["current_deadline"] in (contract["notice_deadline"], contract["next_end"])


def test_the_answers_match_the_api_schema(chef, momentum):
    api = APIClient()
    api.force_authenticate(chef)
    schema = json.loads(api.get("/api/schema/?format=json").content)
    openapi = OpenAPI.from_dict(_strict(schema), config=Config(
        extra_format_validators={"uri": _is_uri}))
    contract = ContractCoverage.objects.filter(usage=momentum).first().contract
    problems = []
    for url in (f"/api/v1/impact/usages/{momentum.uuid}/?depth=4",
                f"/api/v1/impact/suppliers/{momentum.system.rights_holder.uuid}/",
                f"/api/v1/impact/contracts/{contract.uuid}/?depth=1"):
        response = api.get(url)
        assert response.status_code == 200, url
        problems += _problems(openapi, url, response)
    assert not problems, "\n".join(problems)


def test_the_excel_report_of_the_demo(client, chef, momentum):
    client.force_login(chef)
    response = client.get(reverse("impact_usage", args=[momentum.uuid]) + "?format=xlsx")
    assert response.status_code == 200
    assert "konsekvensanalyse-kmd-momentum" in response["Content-Disposition"]
