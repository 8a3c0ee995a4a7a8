"""The audit log: every write through the services leaves a field-level entry."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from contracts.services import contract_create, contract_delete, contract_update
from kitos.audit import AuditSource, audit_context
from kitos.models import AuditEntry
from portfolio.services import usage_create, usage_delete, usage_update
from tests.factories import (
    ContractFactory,
    CoverageFactory,
    IntegrationFactory,
    ItSystemFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


def test_create_records_every_field(org, editor):
    contract = contract_create(
        actor=editor, organisation=org, name="ESDH-kontrakt", notice_months=3
    )
    entry = AuditEntry.objects.get(object_id=contract.pk, action="create")
    assert entry.actor == editor
    assert entry.organisation == org
    assert entry.object_uuid == contract.uuid
    assert entry.changes["name"] == [None, "ESDH-kontrakt"]
    assert entry.changes["notice_months"] == [None, 3]


def test_update_records_only_changed_fields_with_before_and_after(org, editor):
    contract = ContractFactory(organisation=org, yearly_cost=Decimal("100000.00"))
    contract_update(
        actor=editor,
        contract=contract,
        data={"yearly_cost": Decimal("125000.50"), "expiry_date": datetime.date(2028, 6, 30)},
    )
    entry = AuditEntry.objects.get(object_id=contract.pk, action="update")
    assert entry.changes["expiry_date"] == ["2027-12-31", "2028-06-30"]
    assert entry.changes["yearly_cost"] == ["100000.00", "125000.50"]
    # The stored deadlines follow the new expiry, and the entry says so.
    assert entry.changes["next_end"] == ["2027-12-31", "2028-06-30"]
    assert set(entry.changes) <= {"expiry_date", "yearly_cost", "next_end", "retender_start"}


def test_update_without_changes_writes_nothing(org, editor):
    contract = ContractFactory(organisation=org)
    contract_update(actor=editor, contract=contract, data={"name": contract.name})
    assert not AuditEntry.objects.filter(object_id=contract.pk).exists()


def test_delete_records_the_last_state(org, editor):
    contract = ContractFactory(organisation=org, name="Udfaset")
    pk = contract.pk
    contract_delete(actor=editor, contract=contract)
    entry = AuditEntry.objects.get(object_id=pk, action="delete")
    assert entry.changes["name"] == ["Udfaset", None]
    assert entry.object_repr == "Udfaset"


def test_many_to_many_changes_are_diffed(org, editor):
    unit_a, unit_b = UnitFactory(organisation=org), UnitFactory(organisation=org)
    usage = usage_create(
        actor=editor, organisation=org, system=ItSystemFactory(), using_units=[unit_a]
    )
    usage_update(actor=editor, usage=usage, using_units=[unit_a, unit_b])
    entry = AuditEntry.objects.get(object_id=usage.pk, action="update")
    assert entry.changes == {"using_units": [[unit_a.pk], sorted([unit_a.pk, unit_b.pk])]}


def test_changes_in_one_context_share_a_group_id(org, editor):
    group = uuid.uuid4()
    with audit_context(source=AuditSource.IMPORT, group_id=group):
        contract_create(actor=editor, organisation=org, name="A")
        contract_create(actor=editor, organisation=org, name="B")
    entries = AuditEntry.objects.filter(group_id=group)
    assert entries.count() == 2
    assert set(entries.values_list("source", flat=True)) == {"import"}


def test_a_request_groups_its_changes(client, org, editor):
    """The middleware opens one context per request (checked through the home page)."""
    client.force_login(editor)
    response = client.get("/")
    assert isinstance(response.wsgi_request.audit_group_id, uuid.UUID)


def test_refused_writes_leave_no_entry(org, reader, outsider):
    with pytest.raises(PermissionDenied):
        contract_create(actor=reader, organisation=org, name="Nej")
    with pytest.raises(PermissionDenied):
        contract_create(actor=outsider, organisation=org, name="Nej")
    assert not AuditEntry.objects.exists()


def test_invalid_writes_roll_back_completely(org, editor):
    with pytest.raises(ValidationError):
        contract_create(
            actor=editor,
            organisation=org,
            name="Forkert",
            start_date=datetime.date(2026, 1, 1),
            expiry_date=datetime.date(2025, 1, 1),
        )
    assert not AuditEntry.objects.exists()


def test_delete_of_referenced_object_is_refused_with_a_message(org, editor):
    coverage = CoverageFactory(contract=ContractFactory(organisation=org))
    usage = coverage.usage
    # Coverage cascades, but an integration protects the usage.
    IntegrationFactory(organisation=org, source=usage)
    with pytest.raises(ValidationError) as error:
        usage_delete(actor=editor, usage=usage)
    assert "integration" in str(error.value)
    assert not AuditEntry.objects.filter(action="delete").exists()


def test_amounts_typed_without_decimals_are_not_a_change(org, editor):
    contract = ContractFactory(organisation=org, yearly_cost=Decimal("99.00"))
    contract_update(actor=editor, contract=contract, data={"yearly_cost": Decimal("99")})
    assert not AuditEntry.objects.filter(object_id=contract.pk).exists()
