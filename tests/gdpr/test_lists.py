"""The data asset, processing activity and agreement lists (kitos/lists.py,
gdpr/tables.py): the shared list tests (tests/harness.py) for each, then each list's
own filters."""

from __future__ import annotations

import datetime

from django.utils import timezone

from tests import lists_support as support
from tests.factories import AgreementFactory, DataAssetFactory, ProcessingActivityFactory
from tests.gdpr.cases import AGREEMENT, DATA_ASSET, PROCESSING_ACTIVITY
from tests.harness import ListViewTests


class TestDataAssetList(ListViewTests):
    case = DATA_ASSET


class TestProcessingActivityList(ListViewTests):
    case = PROCESSING_ACTIVITY


class TestAgreementList(ListViewTests):
    case = AGREEMENT


def test_data_assets_filter_by_classification(client, editor, org):
    DataAssetFactory(organisation=org, name="Fortroligt", classification="confidential")
    DataAssetFactory(organisation=org, name="Offentligt", classification="public")
    client.force_login(editor)
    response = client.get("/dataaktiver/", {"classification": "confidential"})
    assert response.context["paginator"].count == 1
    assert "Fortroligt" in support.row_labels(response)


def test_activities_filter_by_legal_basis(client, editor, org):
    ProcessingActivityFactory(organisation=org, name="Med hjemmel", legal_basis_art6="6.1.c")
    ProcessingActivityFactory(organisation=org, name="Uden hjemmel", legal_basis_art6="")
    client.force_login(editor)
    response = client.get("/behandlingsaktiviteter/", {"has_legal_basis": "false"})
    assert response.context["paginator"].count == 1
    assert "Uden hjemmel" in support.row_labels(response)


def test_agreements_filter_by_overdue_oversight(client, editor, org):
    today = timezone.localdate()
    AgreementFactory(organisation=org, name="Forsinket",
                     next_oversight_date=today - datetime.timedelta(days=3))
    AgreementFactory(organisation=org, name="I tide",
                     next_oversight_date=today + datetime.timedelta(days=300))
    client.force_login(editor)
    response = client.get("/databehandleraftaler/", {"oversight_overdue": "true"})
    assert response.context["paginator"].count == 1
    assert "Forsinket" in support.row_labels(response)
    assert response.context["rows"][0]["cells"][4].state == "overdue"
