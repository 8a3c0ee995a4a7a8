"""Creating and changing a contract with the systems it covers: one service each
(contracts.services.contract_create / contract_update), which the form, the API, the admin
and the demo data call."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from contracts.models import Contract, ContractCoverage
from contracts.services import contract_create, contract_update
from kitos.models import AuditEntry
from tests.factories import ContractFactory, CoverageFactory, UsageFactory

pytestmark = pytest.mark.django_db


def test_create_with_coverage_in_one_call(org, editor):
    first, second = UsageFactory(organisation=org), UsageFactory(organisation=org)
    other = ContractFactory(organisation=org)
    CoverageFactory(contract=other, usage=first, is_main=True)
    contract = contract_create(
        actor=editor, organisation=org, name="Drift", usages=[first, second], main_for=[first]
    )
    links = {link.usage_id: link.is_main for link in contract.coverage.all()}
    assert links == {first.pk: True, second.pk: False}
    # The usage has one main contract: the new one took over.
    assert not ContractCoverage.objects.get(contract=other, usage=first).is_main
    actions = list(
        AuditEntry.objects.filter(object_id=contract.pk).order_by("pk").values_list(
            "action", flat=True
        )
    )
    assert actions == ["create", "update"]  # the contract, then its coverage


def test_nothing_is_written_when_the_coverage_is_refused(org, other_org, editor):
    foreign = UsageFactory(organisation=other_org)
    with pytest.raises(ValidationError):
        contract_create(actor=editor, organisation=org, name="Nej", usages=[foreign])
    assert not Contract.objects.filter(name="Nej").exists()
    with pytest.raises(ValidationError):
        contract_create(actor=editor, organisation=org, name="Nej", main_for=[foreign])
    assert not Contract.objects.filter(name="Nej").exists()


def test_update_leaves_what_is_not_given(org, editor, reader):
    usage = UsageFactory(organisation=org)
    contract = contract_create(actor=editor, organisation=org, name="A", usages=[usage])
    contract_update(actor=editor, contract=contract, data={"notes": "ny"})
    assert list(contract.coverage.values_list("usage_id", flat=True)) == [usage.pk]
    contract_update(actor=editor, contract=contract, usages=[usage], main_for=[usage])
    assert contract.coverage.get().is_main
    contract_update(actor=editor, contract=contract, usages=[])
    assert not contract.coverage.exists()
    with pytest.raises(PermissionDenied):
        contract_update(actor=reader, contract=contract, usages=[usage])
