"""Detail pages of data assets, processing activities and the agreement page's tabs."""

from __future__ import annotations

import datetime

import pytest

from gdpr.models import DataAssetUsage
from tests.detail_helpers import DetailChecks, DetailSpec, add_history, tab_url
from tests.factories import (
    AgreementFactory,
    DataAssetFactory,
    DataCategoryFactory,
    IntegrationFactory,
    OversightRecordFactory,
    ProcessingActivityFactory,
    RoleAssignmentFactory,
    RoleTypeFactory,
    SubProcessorFactory,
    UsageFactory,
)

pytestmark = pytest.mark.django_db


def add_asset_rows(asset, count):
    org = asset.organisation
    for _ in range(count):
        asset.categories.add(DataCategoryFactory())
        asset.integrations.add(IntegrationFactory(organisation=org))
        DataAssetUsage.objects.create(asset=asset, usage=UsageFactory(organisation=org))
        ProcessingActivityFactory(organisation=org).data_assets.add(asset)
    add_history(asset, count)


def add_activity_rows(activity, count):
    org = activity.organisation
    role_type = RoleTypeFactory(applies_to="processing_activity")
    for _ in range(count):
        activity.data_categories.add(DataCategoryFactory())
        activity.usages.add(UsageFactory(organisation=org))
        asset = DataAssetFactory(organisation=org)
        asset.categories.add(DataCategoryFactory())
        activity.data_assets.add(asset)
        RoleAssignmentFactory(target=activity, role_type=role_type)
    add_history(activity, count)


def add_agreement_rows(agreement, count):
    org = agreement.organisation
    role_type = RoleTypeFactory(applies_to="data_processing_agreement")
    start = agreement.oversight_records.count()
    for i in range(count):
        SubProcessorFactory(agreement=agreement)
        OversightRecordFactory(
            agreement=agreement, date=datetime.date(2000, 1, 1) + datetime.timedelta(start + i)
        )
        RoleAssignmentFactory(target=agreement, role_type=role_type)
        agreement.usages.add(UsageFactory(organisation=org))
    add_history(agreement, count)


class TestDataAssetDetail(DetailChecks):
    spec = DetailSpec(
        "dataasset",
        make=lambda org: DataAssetFactory(organisation=org, name="Elevdata"),
        add_rows=add_asset_rows,
        tabs=("overblik", "systemer", "historik"),
    )


class TestProcessingActivityDetail(DetailChecks):
    spec = DetailSpec(
        "processingactivity",
        make=lambda org: ProcessingActivityFactory(organisation=org),
        add_rows=add_activity_rows,
        tabs=("overblik", "systemer", "roller", "historik"),
    )


class TestAgreementTabs(DetailChecks):
    spec = DetailSpec(
        "agreement",
        make=lambda org: AgreementFactory(organisation=org),
        add_rows=add_agreement_rows,
        tabs=("overblik", "roller", "historik"),
    )


def test_asset_page_names_its_systems_and_use(client, org, reader):
    asset = DataAssetFactory(organisation=org, name="Elevdata")
    DataAssetUsage.objects.create(
        asset=asset, usage=UsageFactory(organisation=org, local_name="Aula"), use="exposes"
    )
    client.force_login(reader)
    html = client.get(tab_url(asset, "systemer")).content.decode()
    assert "Aula" in html and "Udstiller" in html
