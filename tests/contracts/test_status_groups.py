"""The named groups of contract statuses (contracts/choices.py, ContractQuerySet) and
the code below the contracts app that reaches them through the model."""

from __future__ import annotations

import datetime

import pytest

from contracts.choices import (
    ACTIONABLE_STATUSES,
    ENDED_STATUSES,
    IN_FORCE_STATUSES,
    RUNNING_STATUSES,
    ContractStatus,
)
from contracts.models import Contract
from portfolio.models import SystemUsage
from roles import responsibilities
from tests.factories import ContractFactory, CoverageFactory, UsageFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2025, 6, 1)


@pytest.fixture
def by_status(org):
    contracts = {}
    for status in ContractStatus:
        contract = ContractFactory(organisation=org)
        Contract.objects.filter(pk=contract.pk).update(status=status)
        contracts[status] = contract
    return contracts


def test_the_groups(by_status):
    assert set(RUNNING_STATUSES) | set(ENDED_STATUSES) == set(ContractStatus)
    assert not set(RUNNING_STATUSES) & set(ENDED_STATUSES)
    assert set(IN_FORCE_STATUSES) <= set(RUNNING_STATUSES)
    assert set(ACTIONABLE_STATUSES) <= set(RUNNING_STATUSES)
    assert ContractStatus.IN_NOTICE not in ACTIONABLE_STATUSES
    for method, statuses in (
        ("running", RUNNING_STATUSES),
        ("ended", ENDED_STATUSES),
        ("in_force", IN_FORCE_STATUSES),
        ("actionable", ACTIONABLE_STATUSES),
    ):
        found = set(getattr(Contract.objects, method)().values_list("pk", flat=True))
        assert found == {by_status[s].pk for s in statuses}, method


def test_a_usage_is_active_only_while_its_main_contract_is_in_force(org, by_status):
    for status, contract in by_status.items():
        usage = UsageFactory(organisation=org, lifecycle="operational")
        CoverageFactory(contract=contract, usage=usage, is_main=True)
        active = SystemUsage.objects.active(TODAY).filter(pk=usage.pk).exists()
        assert active == (status in IN_FORCE_STATUSES), status


def test_ended_contracts_need_no_roles(org, by_status):
    live = responsibilities._objects_in_scope(Contract, org, today=TODAY, within=None)
    assert {c.pk for c in live} == {by_status[s].pk for s in RUNNING_STATUSES}
