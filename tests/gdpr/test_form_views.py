"""Create / edit / delete forms of data assets, processing activities and data
processing agreements."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from gdpr.models import DataProcessingAgreement
from tests.detail_helpers import form_data
from tests.factories import AgreementFactory
from tests.gdpr.cases import AGREEMENT, DATA_ASSET, PROCESSING_ACTIVITY, agreement_data
from tests.harness import FormViewTests

pytestmark = pytest.mark.django_db


class TestDataAssetForms(FormViewTests):
    case = DATA_ASSET


class TestProcessingActivityForms(FormViewTests):
    case = PROCESSING_ACTIVITY


class TestAgreementForms(FormViewTests):
    case = AGREEMENT


def test_new_agreement_gets_its_first_oversight_date(client, org, editor):
    client.force_login(editor)
    response = client.post(reverse("dataprocessingagreement_create"), agreement_data(org))
    assert response.status_code == 302
    agreement = DataProcessingAgreement.objects.get(name="Databehandleraftale Hosting")
    assert agreement.next_oversight_date == datetime.date(2026, 3, 1)


def test_changed_interval_moves_the_next_oversight(client, org, editor):
    agreement = AgreementFactory(
        organisation=org, concluded_on=datetime.date(2025, 1, 1), oversight_interval="12",
        next_oversight_date=datetime.date(2026, 1, 1),
    )
    client.force_login(editor)
    url = reverse("dataprocessingagreement_update", args=[agreement.uuid])
    data = {**form_data(client.get(url).context["form"]), "oversight_interval": "6"}
    assert client.post(url, data).status_code == 302
    agreement.refresh_from_db()
    assert agreement.next_oversight_date == datetime.date(2025, 7, 1)
