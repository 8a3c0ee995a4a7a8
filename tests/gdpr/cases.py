"""The gdpr app's models, declared once for the shared list, detail and form tests
(tests/harness.py): data assets, processing activities and data processing agreements."""

from __future__ import annotations

import datetime

from gdpr import tables
from gdpr.models import DataAsset, DataAssetUsage, DataProcessingAgreement, ProcessingActivity
from tests.detail_helpers import add_history
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
    SupplierFactory,
    UnitFactory,
    UsageFactory,
)
from tests.harness import ModelCase
from tests.lists_support import hold_role

# -- data assets -------------------------------------------------------------------------


def asset_row(org, label):
    asset = DataAssetFactory(organisation=org, name=label,
                             owning_unit=UnitFactory(organisation=org))
    asset.categories.add(DataCategoryFactory())
    DataAssetUsage.objects.create(asset=asset, usage=UsageFactory(organisation=org),
                                  organisation=org)
    return asset


def add_asset_rows(asset, count):
    org = asset.organisation
    for _ in range(count):
        asset.categories.add(DataCategoryFactory())
        asset.integrations.add(IntegrationFactory(organisation=org))
        DataAssetUsage.objects.create(asset=asset, usage=UsageFactory(organisation=org))
        ProcessingActivityFactory(organisation=org).data_assets.add(asset)
    add_history(asset, count)


DATA_ASSET = ModelCase(
    model=DataAsset,
    make=lambda org: DataAssetFactory(organisation=org),
    make_row=asset_row,
    columns=tables.DATA_ASSET_COLUMNS,
    tabs=("overblik", "systemer", "roller", "historik"),
    add_rows=add_asset_rows,
    form_data=lambda org: {
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


# -- processing activities ---------------------------------------------------------------


def activity_row(org, label):
    activity = ProcessingActivityFactory(organisation=org, name=label,
                                         responsible_unit=UnitFactory(organisation=org))
    activity.usages.add(UsageFactory(organisation=org))
    activity.data_categories.add(DataCategoryFactory())
    hold_role(activity, "behandlingsansvarlig")
    return activity


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


PROCESSING_ACTIVITY = ModelCase(
    model=ProcessingActivity,
    make=lambda org: ProcessingActivityFactory(organisation=org),
    make_row=activity_row,
    columns=tables.PROCESSING_ACTIVITY_COLUMNS,
    tabs=("overblik", "systemer", "roller", "historik"),
    add_rows=add_activity_rows,
    form_data=lambda org: {
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


# -- data processing agreements ----------------------------------------------------------


def agreement_row(org, label):
    agreement = AgreementFactory(organisation=org, name=label)
    agreement.usages.add(UsageFactory(organisation=org))
    SubProcessorFactory(agreement=agreement)
    hold_role(agreement, "dba-ansvarlig")
    return agreement


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


def agreement_data(org):
    return {
        "name": "Databehandleraftale Hosting",
        "processor": SupplierFactory().pk,
        "concluded_on": "2025-03-01",
        "oversight_method": "isae3402_2",
        "oversight_interval": "12",
    }


AGREEMENT = ModelCase(
    model=DataProcessingAgreement,
    make=lambda org: AgreementFactory(organisation=org),
    make_row=agreement_row,
    columns=tables.AGREEMENT_COLUMNS,
    tabs=("overblik", "roller", "historik"),
    add_rows=add_agreement_rows,
    form_data=agreement_data,
    change={"oversight_interval": "6"},
    changed=lambda agreement: agreement.oversight_interval == "6",
    cross_field="processor",
    cross_value=lambda other: SupplierFactory(owner_organisation=other, is_local=True).pk,
    invalid={"ended_on": "2024-01-01"},
)
