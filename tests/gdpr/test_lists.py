"""The data asset, processing activity and agreement lists (kitos/lists.py,
gdpr/tables.py)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from gdpr import tables
from gdpr.models import DataAssetUsage
from tests import lists_support as support
from tests.factories import (
    AgreementFactory,
    DataAssetFactory,
    DataCategoryFactory,
    ProcessingActivityFactory,
    SubProcessorFactory,
    UnitFactory,
    UsageFactory,
)
from tests.lists_support import ListCase, hold_role


def make_asset(org, label):
    asset = DataAssetFactory(organisation=org, name=label,
                             owning_unit=UnitFactory(organisation=org))
    asset.categories.add(DataCategoryFactory())
    DataAssetUsage.objects.create(asset=asset, usage=UsageFactory(organisation=org),
                                  organisation=org)
    return asset


def make_activity(org, label):
    activity = ProcessingActivityFactory(organisation=org, name=label,
                                         responsible_unit=UnitFactory(organisation=org))
    activity.usages.add(UsageFactory(organisation=org))
    activity.data_categories.add(DataCategoryFactory())
    hold_role(activity, "behandlingsansvarlig")
    return activity


def make_agreement(org, label):
    agreement = AgreementFactory(organisation=org, name=label)
    agreement.usages.add(UsageFactory(organisation=org))
    SubProcessorFactory(agreement=agreement)
    hold_role(agreement, "dba-ansvarlig")
    return agreement


CASES = {
    "data_assets": (ListCase("dataasset_list", make_asset), tables.DATA_ASSET_COLUMNS),
    "activities": (
        ListCase("processingactivity_list", make_activity), tables.PROCESSING_ACTIVITY_COLUMNS
    ),
    "agreements": (ListCase("agreement_list", make_agreement), tables.AGREEMENT_COLUMNS),
}


@pytest.fixture(params=list(CASES))
def case(request):
    return CASES[request.param]


def test_anonymous_is_sent_to_login(client, db, case):
    support.check_anonymous_redirected(client, case[0])


def test_other_organisation_rows_never_appear(client, editor, org, other_org, case):
    support.check_other_organisation_hidden(client, editor, org, other_org, case[0])


def test_reader_sees_no_create_button(client, reader, editor, org, case):
    support.check_create_button(client, reader, editor, org, case[0])


def test_query_count_is_the_same_for_5_and_50_rows(client, editor, org, case):
    list_case, columns = case
    support.check_query_count_constant(client, editor, org, list_case, columns)


def test_search_and_export_hold_exactly_the_filtered_rows(client, editor, org, case):
    support.check_search_and_export(client, editor, org, case[0])


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
