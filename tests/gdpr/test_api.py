"""The gdpr API resources (gdpr/api/views.py): access per role and organisation, writes
through the audited services, the oversight date, query counts and filters."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from gdpr.models import (
    DataAsset,
    DataAssetUsage,
    DataCategory,
    DataProcessingAgreement,
    ProcessingActivity,
)
from kitos.models import AuditEntry
from portfolio.models import KleNumber
from tests.factories import (
    AgreementFactory,
    ContractFactory,
    DataAssetFactory,
    DataCategoryFactory,
    IntegrationFactory,
    MembershipFactory,
    OversightRecordFactory,
    ProcessingActivityFactory,
    SubProcessorFactory,
    SupplierFactory,
    UnitFactory,
    UsageFactory,
)
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def url(resource, obj=None):
    return f"/api/v1/{resource}/" + (f"{obj.uuid}/" if obj is not None else "")


@pytest.fixture
def api():
    return APIClient()


def as_user(api, user):
    api.force_login(user)
    return api


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def kle(number):
    parent = number.rpartition(".")[0]
    return KleNumber.objects.get_or_create(
        number=number,
        defaults={"title": f"Emne {number}", "parent": kle(parent) if parent else None},
    )[0]


# One fully linked object per resource, so that a missing select/prefetch shows up in the
# query counts.


def _category(org):
    return DataCategoryFactory(organisation=org, parent=DataCategory.objects.get(code="helbred"))


def _asset(org):
    asset = DataAssetFactory(organisation=org, owning_unit=UnitFactory(organisation=org))
    asset.categories.set([DataCategory.objects.get(code="cpr")])
    asset.integrations.set([IntegrationFactory(organisation=org)])
    DataAssetUsage.objects.create(asset=asset, usage=UsageFactory(organisation=org))
    return asset


def _activity(org):
    activity = ProcessingActivityFactory(
        organisation=org, responsible_unit=UnitFactory(organisation=org)
    )
    activity.data_categories.set([DataCategory.objects.get(code="helbred")])
    activity.usages.set([UsageFactory(organisation=org)])
    activity.data_assets.set([DataAssetFactory(organisation=org)])
    activity.kle_numbers.set([kle("27.24.00")])
    return activity


def _agreement(org):
    agreement = AgreementFactory(organisation=org, contract=ContractFactory(organisation=org))
    agreement.usages.set([UsageFactory(organisation=org)])
    SubProcessorFactory(agreement=agreement, country="US", transfer_basis="dpf")
    return agreement


def _sub_processor(org):
    return SubProcessorFactory(agreement=AgreementFactory(organisation=org))


def _oversight_record(org):
    return OversightRecordFactory(agreement=AgreementFactory(organisation=org))


BUILD = {
    "data-categories": _category,
    "data-assets": _asset,
    "processing-activities": _activity,
    "data-processing-agreements": _agreement,
    "sub-processors": _sub_processor,
    "oversight-records": _oversight_record,
}
# A harmless change per resource.
CHANGE = {
    "data-categories": {"name": "Ny kategori"},
    "data-assets": {"name": "Nyt navn"},
    "processing-activities": {"name": "Nyt navn"},
    "data-processing-agreements": {"name": "Nyt navn"},
    "sub-processors": {"service": "Backup"},
    "oversight-records": {"notes": "Rapport modtaget"},
}
resources = pytest.mark.parametrize("resource", BUILD)


class TestAccess:
    @resources
    def test_anonymous_is_401(self, api, org, resource):
        obj = BUILD[resource](org)
        assert api.get(url(resource)).status_code == 401
        assert api.get(url(resource, obj)).status_code == 401
        assert api.patch(url(resource, obj), CHANGE[resource]).status_code == 401

    @resources
    def test_other_organisation_sees_nothing(self, api, org, outsider, resource):
        obj = BUILD[resource](org)
        as_user(api, outsider)
        assert api.get(url(resource, obj)).status_code == 404
        assert str(obj.uuid) not in ids(api.get(url(resource)))
        assert api.patch(url(resource, obj), CHANGE[resource]).status_code == 404
        assert api.delete(url(resource, obj)).status_code == 404

    @resources
    def test_reader_reads_but_does_not_write(self, api, org, reader, resource):
        obj = BUILD[resource](org)
        as_user(api, reader)
        assert api.get(url(resource, obj)).status_code == 200
        assert str(obj.uuid) in ids(api.get(url(resource)))
        assert api.patch(url(resource, obj), CHANGE[resource]).status_code == 403
        assert api.delete(url(resource, obj)).status_code == 403

    @pytest.mark.parametrize(
        "resource, payload",
        [
            ("sub-processors", lambda org: {"supplier": str(SupplierFactory().uuid)}),
            ("oversight-records", lambda org: {"date": "2026-02-01", "method": "self"}),
        ],
    )
    def test_reader_cannot_add_to_an_agreement(self, api, org, reader, resource, payload):
        agreement = AgreementFactory(organisation=org)
        as_user(api, reader)
        response = api.post(url(resource), {"agreement": str(agreement.uuid), **payload(org)})
        assert response.status_code == 403

    @pytest.mark.parametrize("resource, payload", [
        ("processing-activities", {"name": "Løn"}),
        ("data-assets", {"name": "Lønsedler"}),
        ("data-processing-agreements", {"name": "DBA Løn"}),
    ])
    def test_reader_cannot_create_in_the_organisation(self, api, org, reader, resource,
                                                      payload):
        if resource == "data-processing-agreements":
            payload = {**payload, "processor": str(SupplierFactory().uuid)}
        as_user(api, reader)
        response = api.post(url(resource), {"organisation": str(org.uuid), **payload})
        assert response.status_code == 403

    def test_standard_categories_are_visible_to_every_member(self, api, org, outsider):
        own = DataCategoryFactory(organisation=org)
        as_user(api, outsider)
        listed = ids(api.get(url("data-categories"), {"page_size": 250}))
        standard = DataCategory.objects.filter(organisation=None)
        assert {str(uuid) for uuid in standard.values_list("uuid", flat=True)} <= listed
        assert str(own.uuid) not in listed
        assert api.get(url("data-categories", standard.first())).status_code == 200

    def test_editors_cannot_change_standard_categories(self, api, editor):
        as_user(api, editor)
        standard = DataCategory.objects.get(code="cpr")
        assert api.patch(url("data-categories", standard), {"name": "X"}).status_code == 403

    def test_own_categories_are_kept_by_admins(self, api, org, editor, admin_user):
        payload = {"organisation": str(org.uuid), "code": "elevplaner", "name": "Elevplaner",
                   "kind": "ordinary",
                   "parent": str(DataCategory.objects.get(code="almindelige").uuid)}
        assert as_user(api, editor).post(url("data-categories"), payload).status_code == 403
        response = as_user(api, admin_user).post(url("data-categories"), payload)
        assert response.status_code == 201, response.content
        assert DataCategory.objects.get(uuid=response.json()["id"]).organisation == org


def audit_actions(obj):
    return list(
        AuditEntry.objects.filter(object_id=obj.pk, content_type__model=obj._meta.model_name)
        .order_by("pk")
        .values_list("action", "source")
    )


class TestEditorWrites:
    def test_processing_activity(self, api, org, editor):
        unit = UnitFactory(organisation=org)
        usage = UsageFactory(organisation=org)
        asset = DataAssetFactory(organisation=org)
        own = DataCategoryFactory(organisation=org)
        as_user(api, editor)
        response = api.post(url("processing-activities"), {
            "organisation": str(org.uuid),
            "name": "Elevadministration",
            "purpose": "Skolegang",
            "legal_basis_art6": "6.1.e",
            "legal_basis_art9": "9.2.g",
            "data_categories": [str(DataCategory.objects.get(code="helbred").uuid),
                                str(own.uuid)],
            "usages": [str(usage.uuid)],
            "data_assets": [str(asset.uuid)],
            "kle_numbers": [kle("17.01.00").number],
            "responsible_unit": str(unit.uuid),
            "dpia_needed": "yes",
            "dpia_done": True,
            "dpia_date": "2025-06-01",
        })
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["kle_numbers"] == ["17.01.00"]
        assert body["usages"] == [str(usage.uuid)] and body["responsible_unit"] == str(unit.uuid)
        activity = ProcessingActivity.objects.get(uuid=body["id"])
        assert set(activity.data_categories.all()) == {
            DataCategory.objects.get(code="helbred"), own
        }

        detail = url("processing-activities", activity)
        response = api.patch(detail, {"name": "Elevdata", "usages": []})
        assert response.status_code == 200, response.content
        assert response.json()["usages"] == []
        assert response.json()["data_assets"] == [str(asset.uuid)]
        assert api.delete(detail).status_code == 204
        assert not ProcessingActivity.objects.exists()
        assert audit_actions(activity) == [("create", "api"), ("update", "api"),
                                           ("delete", "api")]

    def test_agreement(self, api, org, editor):
        supplier = SupplierFactory()
        contract = ContractFactory(organisation=org)
        usage = UsageFactory(organisation=org)
        as_user(api, editor)
        response = api.post(url("data-processing-agreements"), {
            "organisation": str(org.uuid),
            "name": "DBA Hosting",
            "processor": str(supplier.uuid),
            "contract": str(contract.uuid),
            "usages": [str(usage.uuid)],
            "concluded_on": "2025-03-01",
            "oversight_method": "isae3402_2",
            "oversight_interval": "12",
            "next_oversight_date": "2030-01-01",  # read-only: ignored
        })
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["next_oversight_date"] == "2026-03-01"
        assert body["sub_processors"] == []
        agreement = DataProcessingAgreement.objects.get(uuid=body["id"])
        SubProcessorFactory(agreement=agreement, supplier=SupplierFactory(name="Cloud Inc."),
                            country="US", transfer_basis="dpf")

        detail = url("data-processing-agreements", agreement)
        response = api.patch(detail, {"oversight_interval": "24", "contract": None})
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["next_oversight_date"] == "2027-03-01"
        assert body["contract"] is None
        assert [(s["country"], s["transfer_basis"]) for s in body["sub_processors"]] == [
            ("US", "dpf")
        ]
        assert api.delete(detail).status_code == 204
        assert audit_actions(agreement) == [("create", "api"), ("update", "api"),
                                            ("delete", "api")]

    def test_data_asset_usage_links(self, api, org, editor):
        stores, uses = UsageFactory(organisation=org), UsageFactory(organisation=org)
        as_user(api, editor)
        response = api.post(url("data-assets"), {
            "organisation": str(org.uuid),
            "name": "Elevdata",
            "categories": [str(DataCategory.objects.get(code="cpr").uuid)],
            "usages": [{"usage": str(stores.uuid)}, {"usage": str(uses.uuid), "use": "uses"}],
        })
        assert response.status_code == 201, response.content
        assert sorted(response.json()["usages"], key=lambda link: link["use"]) == [
            {"usage": str(stores.uuid), "use": "stores"},
            {"usage": str(uses.uuid), "use": "uses"},
        ]
        asset = DataAsset.objects.get(uuid=response.json()["id"])

        response = api.patch(url("data-assets", asset),
                             {"usages": [{"usage": str(stores.uuid), "use": "exposes"}]})
        assert response.status_code == 200, response.content
        # The ETag answered is current: it passes If-Match on the next write.
        assert api.patch(url("data-assets", asset), {"description": "Elever"},
                         headers={"If-Match": response["ETag"]}).status_code == 200
        assert response.json()["usages"] == [{"usage": str(stores.uuid), "use": "exposes"}]
        assert list(asset.usage_links.values_list("usage", "use")) == [(stores.pk, "exposes")]
        removed = AuditEntry.objects.filter(content_type__model="dataassetusage", source="api")
        assert removed.filter(action="delete").count() == 2

        # Other fields leave the links alone.
        response = api.patch(url("data-assets", asset), {"retention": "5 år"})
        assert response.json()["usages"] == [{"usage": str(stores.uuid), "use": "exposes"}]

    def test_oversight_record_moves_the_next_oversight_date(self, api, org, editor):
        agreement = AgreementFactory(
            organisation=org, concluded_on=datetime.date(2023, 5, 1), oversight_interval="12",
            next_oversight_date=datetime.date(2024, 5, 1),
        )
        as_user(api, editor)
        response = api.post(url("oversight-records"), {
            "agreement": str(agreement.uuid), "date": "2026-01-15", "method": "isae3402_2",
            "result": "minor", "report_url": "https://example.dk/rapport.pdf",
        })
        assert response.status_code == 201, response.content
        agreement.refresh_from_db()
        assert agreement.next_oversight_date == datetime.date(2027, 1, 15)
        assert agreement.oversight_records.get().result == "minor"
        assert audit_actions(agreement) == [("update", "api")]
        response = api.get(url("data-processing-agreements", agreement))
        assert response.json()["next_oversight_date"] == "2027-01-15"

    def test_sub_processor(self, api, org, editor):
        agreement = AgreementFactory(organisation=org)
        as_user(api, editor)
        response = api.post(url("sub-processors"), {
            "agreement": str(agreement.uuid), "supplier": str(SupplierFactory().uuid),
            "country": "US", "transfer_basis": "scc", "service": "Drift",
        })
        assert response.status_code == 201, response.content
        assert agreement.sub_processors.get().country == "US"


class TestOtherOrganisationsObjects:
    """References must stay inside the organisation: unknown to a member of one
    organisation, refused by the services for a member of both."""

    @pytest.fixture(params=["member_of_one", "member_of_both"])
    def user(self, request, editor, other_org):
        if request.param == "member_of_both":
            MembershipFactory(organisation=other_org, user=editor, role="reader")
        return editor

    @pytest.mark.parametrize("field", ["data_categories", "usages", "data_assets"])
    def test_processing_activity(self, api, org, other_org, user, field):
        foreign = {
            "data_categories": lambda: DataCategoryFactory(organisation=other_org),
            "usages": lambda: UsageFactory(organisation=other_org),
            "data_assets": lambda: DataAssetFactory(organisation=other_org),
        }[field]()
        as_user(api, user)
        response = api.post(url("processing-activities"), {
            "organisation": str(org.uuid), "name": "Løn", field: [str(foreign.uuid)],
        })
        assert response.status_code == 400
        errors = response.json()["errors"]
        assert any(key.split(".")[0] == field for key in errors), errors
        assert not ProcessingActivity.objects.exists()

    def test_data_asset(self, api, org, other_org, user):
        activity = _asset(org)
        as_user(api, user)
        for payload in (
            {"categories": [str(DataCategoryFactory(organisation=other_org).uuid)]},
            {"usages": [{"usage": str(UsageFactory(organisation=other_org).uuid)}]},
            {"owning_unit": str(UnitFactory(organisation=other_org).uuid)},
        ):
            response = api.patch(url("data-assets", activity), payload)
            assert response.status_code == 400, payload

    def test_agreement(self, api, org, other_org, user):
        agreement = AgreementFactory(organisation=org)
        as_user(api, user)
        for payload in (
            {"usages": [str(UsageFactory(organisation=other_org).uuid)]},
            {"contract": str(ContractFactory(organisation=other_org).uuid)},
        ):
            response = api.patch(url("data-processing-agreements", agreement), payload)
            assert response.status_code == 400, payload


@resources
def test_list_query_count_is_constant(api, org, reader, resource):
    build = BUILD[resource]
    for _ in range(5):
        build(org)
    as_user(api, reader)
    few = count_queries(api, url(resource) + "?page_size=250")
    for _ in range(245):
        build(org)
    assert count_queries(api, url(resource) + "?page_size=250") == few


class TestFilters:
    def test_changed_since(self, api, org, reader):
        old, new = _activity(org), _activity(org)
        moment = timezone.now() - DAY
        ProcessingActivity.objects.filter(pk=old.pk).update(updated_at=moment - DAY)
        as_user(api, reader)
        assert ids(api.get(url("processing-activities"), {"changed_since": moment.isoformat()})
                   ) == {str(new.uuid)}

    def test_oversight_overdue(self, api, org, reader):
        today = timezone.localdate()
        overdue = AgreementFactory(organisation=org, next_oversight_date=today - DAY)
        due = AgreementFactory(organisation=org, next_oversight_date=today)
        unplanned = AgreementFactory(organisation=org)
        ended = AgreementFactory(organisation=org, next_oversight_date=today - 9 * DAY,
                                 concluded_on=today - 900 * DAY, ended_on=today - 2 * DAY)
        as_user(api, reader)
        listed = url("data-processing-agreements")
        assert ids(api.get(listed, {"oversight_overdue": "true"})) == {str(overdue.uuid)}
        assert ids(api.get(listed, {"oversight_overdue": "false"})) == {
            str(due.uuid), str(unplanned.uuid), str(ended.uuid)
        }

    def test_agreement_references(self, api, org, reader):
        agreement, other = _agreement(org), _agreement(org)
        as_user(api, reader)
        listed = url("data-processing-agreements")
        for name, value in (("processor", agreement.processor.uuid),
                            ("contract", agreement.contract.uuid),
                            ("organisation", f"{org.uuid},{other.organisation.uuid}")):
            expected = {str(agreement.uuid)} if name != "organisation" else {
                str(agreement.uuid), str(other.uuid)
            }
            assert ids(api.get(listed, {name: value})) == expected, name

    def test_processing_activity_filters(self, api, org, reader):
        top = UnitFactory(organisation=org)
        team = UnitFactory(organisation=org, parent=top)
        elsewhere = UnitFactory(organisation=org)
        usage = UsageFactory(organisation=org)
        school = ProcessingActivityFactory(
            organisation=org, responsible_unit=team, legal_basis_art6="6.1.e",
            third_country_transfer=True, dpia_needed="yes", dpia_done=True,
        )
        school.usages.set([usage])
        school.kle_numbers.set([kle("17.01.00"), kle("17.02.00")])
        payroll = ProcessingActivityFactory(organisation=org, responsible_unit=elsewhere,
                                            name="Lønudbetaling")
        payroll.kle_numbers.set([kle("81.03.00")])
        as_user(api, reader)
        listed = url("processing-activities")
        for query, expected in (
            ({"within": top.uuid}, {school}),
            ({"within": elsewhere.uuid}, {payroll}),
            ({"responsible_unit": team.uuid}, {school}),
            ({"usage": usage.uuid}, {school}),
            ({"has_legal_basis": "true"}, {school}),
            ({"has_legal_basis": "false"}, {payroll}),
            ({"third_country_transfer": "true"}, {school}),
            ({"dpia_needed": "yes", "dpia_done": "true"}, {school}),
            ({"kle": "17"}, {school}),
            ({"kle": "81.03"}, {payroll}),
            ({"q": "lønud"}, {payroll}),
        ):
            assert ids(api.get(listed, query)) == {str(a.uuid) for a in expected}, query
