"""Create / edit / delete forms of data assets, processing activities and data
processing agreements."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from gdpr.models import DataAsset, DataProcessingAgreement, ProcessingActivity
from tests.detail_helpers import FormChecks, FormSpec, form_data
from tests.factories import (
    AgreementFactory,
    DataAssetFactory,
    DataCategoryFactory,
    ProcessingActivityFactory,
    SupplierFactory,
    UnitFactory,
    UsageFactory,
)

pytestmark = pytest.mark.django_db


class TestDataAssetForms(FormChecks):
    spec = FormSpec(
        "dataasset",
        model=DataAsset,
        make=lambda org: DataAssetFactory(organisation=org),
        create_url=lambda org: reverse("dataasset_create"),
        valid=lambda org: {
            "name": "Elevdata",
            "classification": "confidential",
            "usages": [UsageFactory(organisation=org).pk],
        },
        change={"retention": "5 år efter skolegang"},
        changed=lambda asset: asset.retention == "5 år efter skolegang",
        cross_field="usages",
        cross_value=lambda other: [UsageFactory(organisation=other).pk],
        invalid={"classification": "ukendt"},
    )


class TestProcessingActivityForms(FormChecks):
    spec = FormSpec(
        "processingactivity",
        model=ProcessingActivity,
        make=lambda org: ProcessingActivityFactory(organisation=org),
        create_url=lambda org: reverse("processingactivity_create"),
        valid=lambda org: {
            "name": "Sagsbehandling af børnesager",
            "legal_basis_art6": "6.1.e",
            "dpia_needed": "yes",
            "data_categories": [DataCategoryFactory().pk],
            "usages": [UsageFactory(organisation=org).pk],
        },
        change={"purpose": "Myndighedsudøvelse", "dpia_done": "on", "dpia_date": "2026-02-01"},
        changed=lambda activity: activity.purpose == "Myndighedsudøvelse"
        and activity.dpia_done and activity.dpia_date == datetime.date(2026, 2, 1),
        cross_field="responsible_unit",
        cross_value=lambda other: UnitFactory(organisation=other).pk,
        # A DPIA date without a DPIA done is refused by the model's rule.
        invalid={"dpia_date": "2026-01-01"},
    )


class TestAgreementForms(FormChecks):
    spec = FormSpec(
        "agreement",
        model=DataProcessingAgreement,
        make=lambda org: AgreementFactory(organisation=org),
        create_url=lambda org: reverse("agreement_create"),
        valid=lambda org: {
            "name": "Databehandleraftale Hosting",
            "processor": SupplierFactory().pk,
            "concluded_on": "2025-03-01",
            "oversight_method": "isae3402_2",
            "oversight_interval": "12",
        },
        change={"oversight_interval": "6"},
        changed=lambda agreement: agreement.oversight_interval == "6",
        cross_field="processor",
        cross_value=lambda other: SupplierFactory(owner_organisation=other, is_local=True).pk,
        invalid={"ended_on": "2024-01-01"},
    )


def test_new_agreement_gets_its_first_oversight_date(client, org, editor):
    client.force_login(editor)
    response = client.post(reverse("agreement_create"), TestAgreementForms.spec.valid(org))
    assert response.status_code == 302
    agreement = DataProcessingAgreement.objects.get(name="Databehandleraftale Hosting")
    assert agreement.next_oversight_date == datetime.date(2026, 3, 1)


def test_changed_interval_moves_the_next_oversight(client, org, editor):
    agreement = AgreementFactory(
        organisation=org, concluded_on=datetime.date(2025, 1, 1), oversight_interval="12",
        next_oversight_date=datetime.date(2026, 1, 1),
    )
    client.force_login(editor)
    url = reverse("agreement_update", args=[agreement.uuid])
    data = {**form_data(client.get(url).context["form"]), "oversight_interval": "6"}
    assert client.post(url, data).status_code == 302
    agreement.refresh_from_db()
    assert agreement.next_oversight_date == datetime.date(2025, 7, 1)
