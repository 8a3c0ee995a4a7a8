"""GDPR services: data asset links and oversight scheduling."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gdpr.services import (
    data_asset_link_usage,
    oversight_record_create,
    oversight_record_delete,
    oversight_record_update,
)
from kitos.models import AuditEntry
from tests.factories import AgreementFactory, DataAssetFactory, UsageFactory

pytestmark = pytest.mark.django_db


def test_link_usage_to_asset_is_audited(org, editor):
    asset = DataAssetFactory(organisation=org)
    usage = UsageFactory(organisation=org)
    data_asset_link_usage(actor=editor, asset=asset, usage=usage, use="stores")
    assert list(asset.usages.all()) == [usage]
    entry = AuditEntry.objects.get(object_id=asset.pk)
    assert entry.changes["usages"][1] == {"usage": usage.pk, "use": "stores"}


def test_link_refuses_other_organisation_and_readers(org, other_org, editor, reader):
    asset = DataAssetFactory(organisation=org)
    with pytest.raises(ValidationError):
        data_asset_link_usage(
            actor=editor, asset=asset, usage=UsageFactory(organisation=other_org), use="uses"
        )
    with pytest.raises(PermissionDenied):
        data_asset_link_usage(
            actor=reader, asset=asset, usage=UsageFactory(organisation=org), use="uses"
        )
    assert not asset.usages.exists()


@pytest.mark.parametrize(
    "interval, last, expected",
    [
        ("12", datetime.date(2026, 3, 15), datetime.date(2027, 3, 15)),
        ("6", datetime.date(2026, 8, 31), datetime.date(2027, 2, 28)),
        ("24", datetime.date(2025, 1, 10), datetime.date(2027, 1, 10)),
    ],
)
def test_oversight_moves_the_next_due_date(org, editor, interval, last, expected):
    agreement = AgreementFactory(
        organisation=org, oversight_interval=interval, concluded_on=datetime.date(2024, 1, 1)
    )
    oversight_record_create(
        actor=editor, agreement=agreement, date=last, method="isae3402_2", result="no_remarks"
    )
    agreement.refresh_from_db()
    assert agreement.next_oversight_date == expected


def test_correcting_or_deleting_oversight_moves_the_due_date_back(org, editor):
    agreement = AgreementFactory(
        organisation=org, oversight_interval="12", concluded_on=datetime.date(2024, 1, 1)
    )
    first = oversight_record_create(
        actor=editor, agreement=agreement, date=datetime.date(2025, 3, 1), method="self"
    )
    second = oversight_record_create(
        actor=editor, agreement=agreement, date=datetime.date(2026, 3, 1), method="self"
    )
    oversight_record_update(actor=editor, record=second, data={"date": datetime.date(2026, 4, 1)})
    agreement.refresh_from_db()
    assert agreement.next_oversight_date == datetime.date(2027, 4, 1)
    oversight_record_delete(actor=editor, record=second)
    agreement.refresh_from_db()
    assert agreement.next_oversight_date == datetime.date(2026, 3, 1)
    oversight_record_delete(actor=editor, record=first)
    agreement.refresh_from_db()
    assert agreement.next_oversight_date == datetime.date(2025, 1, 1)  # from concluded_on
