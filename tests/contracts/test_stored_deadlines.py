"""The computed deadlines are stored on the contract and kept fresh."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.models import Contract
from contracts.services import contract_update, refresh_deadlines
from contracts.tasks import refresh_contract_deadlines
from kitos.models import AuditEntry
from portfolio.models import SystemUsage
from tests.factories import ContractFactory, CoverageFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def test_saving_stores_the_deadlines(org):
    contract = ContractFactory(
        organisation=org,
        start_date=D(2020, 1, 1),
        expiry_date=D(2099, 6, 30),
        notice_months=3,
        extension_months=12,
        extensions_total=1,
        lead_months=6,
    )
    contract.refresh_from_db()
    assert contract.status == "active"
    assert contract.next_end == D(2099, 6, 30)
    assert contract.notice_deadline == D(2099, 3, 31)
    assert contract.retender_start == D(2098, 9, 30)
    assert contract.terms().notice_months == 3


def test_changing_terms_recomputes_and_audits_the_new_deadline(org, editor):
    contract = ContractFactory(
        organisation=org, start_date=D(2020, 1, 1), expiry_date=D(2099, 6, 30),
        notice_months=3, extension_months=12, extensions_total=1,
    )
    contract_update(actor=editor, contract=contract, data={"expiry_date": D(2099, 12, 31)})
    contract.refresh_from_db()
    assert contract.notice_deadline == D(2099, 9, 30)
    changes = AuditEntry.objects.get(object_id=contract.pk, action="update").changes
    assert changes["notice_deadline"] == ["2099-03-31", "2099-09-30"]
    assert "deadlines_computed_on" not in changes


def test_refresh_moves_deadlines_with_the_calendar(org):
    contract = ContractFactory(
        organisation=org, start_date=D(2020, 1, 1), expiry_date=D(2026, 12, 31),
        renewal_months=12, notice_months=3,
    )
    assert refresh_deadlines(today=D(2026, 9, 1)) == 1
    contract.refresh_from_db()
    assert contract.next_end == D(2026, 12, 31)
    assert refresh_deadlines(today=D(2026, 9, 1)) == 0  # idempotent
    assert refresh_deadlines(today=D(2026, 10, 1)) == 1  # notice day passed: next year
    contract.refresh_from_db()
    assert (contract.next_end, contract.notice_deadline) == (D(2027, 12, 31), D(2027, 9, 30))
    assert contract.deadlines_computed_on == D(2026, 10, 1)


def test_refresh_query_count_does_not_grow_with_contracts(org):
    def queries_for(count):
        Contract.objects.all().delete()
        ContractFactory.create_batch(count, organisation=org, expiry_date=D(2026, 12, 31),
                                     start_date=D(2020, 1, 1))
        with CaptureQueriesContext(connection) as context:
            changed = refresh_deadlines(today=D(2027, 1, 1), batch_size=100)
        assert changed == count  # every one expired
        return len(context.captured_queries)

    assert queries_for(5) == queries_for(50)


def test_nightly_task_refreshes(org):
    contract = ContractFactory(organisation=org, start_date=D(2020, 1, 1),
                               expiry_date=D(2021, 1, 1))
    Contract.objects.filter(pk=contract.pk).update(status="active")  # stale
    refresh_contract_deadlines.delay()
    contract.refresh_from_db()
    assert contract.status == "expired"


def test_usage_is_inactive_when_its_main_contract_has_ended(org):
    link = CoverageFactory(
        contract=ContractFactory(organisation=org, start_date=D(2018, 1, 1),
                                 expiry_date=D(2020, 12, 31)),
        is_main=True,
    )
    today = datetime.date.today()
    assert not SystemUsage.objects.active(today).filter(pk=link.usage_id).exists()
    contract = Contract.objects.get(pk=link.contract_id)
    contract.expiry_date = D(2099, 12, 31)
    contract.save()
    assert SystemUsage.objects.active(today).filter(pk=link.usage_id).exists()
