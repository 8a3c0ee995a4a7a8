"""The usage record OS2KITOS users keep (issue #20): socially critical, web accessibility
and user-count bands; archiving with journal periods; the GDPR registration with its
rules; local KLE deviations — on the usage's page, through the services, in the list,
the API and the Excel round trip, and the migration of the old values."""

from __future__ import annotations

import datetime
import importlib
import io

import openpyxl
import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from gdpr.models import DataAssetUsage
from kitos import options
from kitos.excel.engine import run_import_file
from kitos.excel.exporter import export_queryset
from kitos.models import AuditEntry, Option
from portfolio.kle import usage_kle
from portfolio.models import KleNumber, SystemUsage, UsageJournalPeriod
from portfolio.services import (
    journal_period_create,
    usage_create,
    usage_update,
)
from tests.factories import (
    DataAssetFactory,
    ItSystemFactory,
    SupplierFactory,
    UsageFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def option(kind, code):
    return Option.objects.get(kind=kind, code=code)


def kle(number, title="Opgave"):
    parent = None
    if "." in number:
        parent = KleNumber.objects.get_or_create(
            number=number.rsplit(".", 1)[0], defaults={"title": "Gruppe"})[0]
    return KleNumber.objects.get_or_create(number=number,
                                           defaults={"title": title, "parent": parent})[0]


@pytest.fixture
def system():
    catalog = ItSystemFactory(name="Sagssystemet")
    catalog.kle_numbers.set([kle("27.12.04", "Pension"), kle("27.12.06", "Boligstøtte")])
    return catalog


@pytest.fixture
def recorded(org, editor, system):
    """A usage with every part of the record filled in, written by the services."""
    usage = usage_create(
        actor=editor, organisation=org, system=system, socially_critical="yes",
        user_count="100_499", web_accessibility="partially",
        web_accessibility_checked_on=D(2026, 5, 1),
        archive_duty="BD", archive_type=option("archive_type", "archival_version"),
        archive_location=option("archive_location", "rigsarkivet"),
        archive_test_location=option("archive_test_location", "supplier"),
        archive_supplier=SupplierFactory(name="Arkivfirmaet A/S"), archive_active=True,
        archive_frequency_years=5, document_bearing=True, archive_notes="Aflevering 2027",
        purpose="Ydelser til borgerne", ordinary_personal_data=True, cpr_numbers=True,
        sensitive_personal_data=True,
        sensitive_data_types=[option("sensitive_personal_data_type", "health")],
        technical_precautions="yes", precaution_encryption=True, precaution_logging=True,
        risk_assessment="yes", risk_assessment_on=D(2026, 2, 1),
        risk_assessment_result="medium", dpia="no", retention_period="yes",
        retention_next_evaluation_on=D(2027, 1, 1), retention_evaluation_months=12,
        kle_removed=[kle("27.12.06")], kle_added=[kle("27.24.02", "Kontanthjælp")],
    )
    journal_period_create(actor=editor, usage=usage, start_date=D(2015, 1, 1),
                          end_date=D(2019, 12, 31), archive_id="AVID.SA.18001",
                          approved=True)
    return usage


def tab(client, usage, slug) -> str:
    return client.get(reverse("systemusage_detail", args=[usage.uuid]) + f"?tab={slug}"
                      ).content.decode()


# -- the migration of the old values ---------------------------------------------------------


def test_the_migration_converts_the_old_values(org):
    usages = [UsageFactory(organisation=org) for _ in range(3)]
    old = [("true", "lt10", "partial"), ("false", "10-50", "none"), ("true", "gt500", "undecided")]
    for usage, (critical, count, duty) in zip(usages, old, strict=True):
        SystemUsage.objects.filter(pk=usage.pk).update(
            socially_critical=critical, user_count=count, archive_duty=duty)
    migration = importlib.import_module("portfolio.migrations.0008_usage_record_values")
    migration.convert_values(apps, None)
    assert [SystemUsage.objects.values_list("socially_critical", "user_count", "archive_duty")
            .get(pk=u.pk) for u in usages] == [
        ("yes", "below_10", "DD"), ("", "10_49", "K"), ("yes", "500_plus", "")]


# -- the page ---------------------------------------------------------------------------------


def test_the_usage_page_shows_the_record_and_keeps_the_data_assets(client, org, reader,
                                                                   recorded):
    asset = DataAssetFactory(organisation=org, name="Pensionssager")
    DataAssetUsage.objects.create(asset=asset, usage=recorded)
    client.force_login(reader)
    overview = tab(client, recorded, "overblik")
    for text in ("Samfundskritisk", "100–499", "Delvist"):
        assert text in overview, text
    data = tab(client, recorded, "data")
    for text in ("Ydelser til borgerne", "Helbredsoplysninger", "Kryptering", "Mellem risiko",
                 "01.02.2026", "Pensionssager"):
        assert text in data or text.replace(".", "-") in data or "1. feb" in data, text
    assert "Dato for seneste DPIA" not in data  # DPIA answered Nej: no details
    archiving = tab(client, recorded, "arkivering")
    for text in ("Data bevares, men en delmængde af dokumenter kan kasseres (B+D)",
                 "Arkiveringsversion", "Rigsarkivet", "Leverandøren", "Arkivfirmaet A/S",
                 "Aflevering 2027", "AVID.SA.18001"):
        assert text in archiving, text
    tasks = tab(client, recorded, "kle")
    assert "<del>27.12.06 Boligstøtte</del>" in tasks
    assert "Lokale tilknyttede opgaver" in tasks and "27.24.02 Kontanthjælp" in tasks
    effective = tasks[tasks.index("Gældende opgaver"):]
    assert "27.12.04" in effective and "27.24.02" in effective
    assert "27.12.06" not in effective


# -- the rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"risk_assessment": "no", "risk_assessment_on": D(2026, 1, 1)}, "risk_assessment_on",
     "besvaret med Ja"),
    ({"dpia": "unknown", "dpia_url": "https://example.org/dpia"}, "dpia_url",
     "besvaret med Ja"),
    ({"technical_precautions": "", "precaution_logging": True}, "precaution_logging",
     "besvaret med Ja"),
    ({"cpr_numbers": True}, "cpr_numbers", "almindelige personoplysninger"),
    ({"no_personal_data": True, "sensitive_personal_data": True}, "no_personal_data",
     "Ingen personoplysninger"),
    ({"sensitive_data_types": "health"}, "sensitive_data_types", "følsomme"),
    ({"archive_frequency_years": 0}, "archive_frequency_years", ""),
])
def test_the_gdpr_rules_refuse_details_without_their_answer(org, editor, system, fields,
                                                            field, message):
    if fields.get("sensitive_data_types"):
        fields = {**fields, "sensitive_data_types": [
            option("sensitive_personal_data_type", fields["sensitive_data_types"])]}
    with pytest.raises(ValidationError) as error:
        usage_create(actor=editor, organisation=org, system=system, **fields)
    assert field in error.value.message_dict
    assert message in " ".join(error.value.message_dict[field])
    assert not SystemUsage.objects.filter(organisation=org).exists()


def test_turning_off_sensitive_data_needs_the_types_removed(editor, recorded):
    with pytest.raises(ValidationError) as error:
        usage_update(actor=editor, usage=recorded, data={"sensitive_personal_data": False})
    assert "sensitive_data_types" in error.value.message_dict
    usage_update(actor=editor, usage=SystemUsage.objects.get(pk=recorded.pk),
                 data={"sensitive_personal_data": False}, sensitive_data_types=[])


def test_kle_deviations_must_deviate_from_the_system(editor, recorded):
    with pytest.raises(ValidationError) as error:
        usage_update(actor=editor, usage=recorded, kle_added=[kle("27.12.04")],
                     kle_removed=[kle("27.24.02")])
    assert set(error.value.message_dict) == {"kle_added", "kle_removed"}
    assert "27.12.04" in error.value.message_dict["kle_added"][0]
    assert [k.number for k in usage_kle(recorded)] == ["27.12.04", "27.24.02"]


def test_a_switched_off_sensitive_data_type_is_refused_as_a_new_value(org, editor, admin_user,
                                                                      recorded):
    options.adapt_options(actor=admin_user, organisation=org,
                          key="sensitive_personal_data_type", adaptations={
                              option("sensitive_personal_data_type", "genetic"):
                              options.Adaptation(is_active=False)})
    with pytest.raises(ValidationError) as error:
        usage_update(actor=editor, usage=recorded, sensitive_data_types=[
            option("sensitive_personal_data_type", "health"),
            option("sensitive_personal_data_type", "genetic")])
    assert "slået fra" in error.value.message_dict["sensitive_data_types"][0]


# -- journal periods ----------------------------------------------------------------------------


def test_journal_periods_are_edited_on_the_usage_and_audited(client, editor, recorded):
    client.force_login(editor)
    create = reverse("usagejournalperiod_create", args=[recorded.uuid])
    wrong = client.post(create, {"start_date": "01-01-2021", "end_date": "31-12-2020",
                                 "archive_id": "AVID.SA.18002"})
    assert wrong.status_code == 200
    assert "Slutdatoen må ikke ligge før startdatoen." in wrong.content.decode()
    made = client.post(create, {"start_date": "01-01-2020", "end_date": "31-12-2024",
                                "archive_id": "AVID.SA.18002", "approved": "on"})
    assert made.status_code == 302 and made.url.endswith("?tab=arkivering")
    period = UsageJournalPeriod.objects.get(archive_id="AVID.SA.18002")
    assert AuditEntry.objects.filter(object_uuid=period.uuid, action="create").exists()
    edited = client.post(reverse("usagejournalperiod_update", args=[period.uuid]), {
        "start_date": "01-01-2020", "end_date": "30-06-2025", "archive_id": "AVID.SA.18002"})
    assert edited.status_code == 302
    period.refresh_from_db()
    assert (period.end_date, period.approved) == (D(2025, 6, 30), False)
    duplicate = client.post(create, {"start_date": "01-01-2026", "end_date": "31-12-2026",
                                     "archive_id": "AVID.SA.18002"})
    assert "allerede en journalperiode" in duplicate.content.decode()
    client.post(reverse("usagejournalperiod_delete", args=[period.uuid]))
    assert not UsageJournalPeriod.objects.filter(pk=period.pk).exists()
    assert AuditEntry.objects.filter(object_uuid=period.uuid).count() == 3


def test_another_organisation_cannot_see_or_touch_the_periods(client, outsider, reader,
                                                              recorded):
    period = recorded.journal_periods.get()
    client.force_login(outsider)
    for url in (reverse("usagejournalperiod_create", args=[recorded.uuid]),
                reverse("usagejournalperiod_update", args=[period.uuid]),
                reverse("usagejournalperiod_delete", args=[period.uuid])):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url
    client.force_login(reader)
    assert client.post(reverse("usagejournalperiod_delete", args=[period.uuid])
                       ).status_code == 403
    assert UsageJournalPeriod.objects.filter(pk=period.pk).exists()


# -- API -------------------------------------------------------------------------------------------


def test_the_api_reads_writes_and_filters_the_record(org, editor, recorded):
    api = APIClient()
    api.force_authenticate(editor)
    url = f"/api/v1/usages/{recorded.uuid}/"
    body = api.get(url).json()
    assert (body["socially_critical"], body["user_count"], body["archive_duty"]) == (
        "yes", "100_499", "BD")
    assert body["archive_type"] == "archival_version"
    assert body["sensitive_data_types"] == ["health"]
    assert (body["kle_added"], body["kle_removed"]) == (["27.24.02"], ["27.12.06"])
    assert body["kle_effective"] == ["27.12.04", "27.24.02"]
    listed = api.get("/api/v1/usages/").json()["results"]
    assert listed[0]["kle_effective"] == ["27.12.04", "27.24.02"]
    for filters, count in (({"archive_duty": ["BD", "B"]}, 1), ({"archive_duty": "K"}, 0),
                           ({"sensitive_personal_data": "true"}, 1),
                           ({"sensitive_data_types": "health"}, 1), ({"dpia": "yes"}, 0),
                           ({"risk_assessment_result": "medium"}, 1),
                           ({"socially_critical": "yes"}, 1),
                           ({"kle_effective": "27.24"}, 1), ({"kle_effective": "27.12.06"}, 0)):
        response = api.get("/api/v1/usages/", filters)
        assert response.status_code == 200, (filters, response.content)
        assert len(response.json()["results"]) == count, filters

    response = api.patch(url, {"kle_removed": [], "kle_added": ["27.24.02"],
                               "dpia": "yes", "dpia_on": "2026-03-01"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["kle_effective"] == ["27.12.04", "27.12.06", "27.24.02"]
    entry = AuditEntry.objects.filter(object_uuid=recorded.uuid).latest("pk")
    assert set(entry.changes) == {"kle_removed", "dpia", "dpia_on"}
    refused = api.patch(url, {"kle_added": ["27.12.04"]}, format="json")
    assert refused.status_code == 400 and "kle_added" in refused.json()["errors"]
    assert api.patch(url, {"dpia": "no"}, format="json").status_code == 400


# -- Excel ---------------------------------------------------------------------------------------


def _export(org) -> bytes:
    return export_queryset(entity="usages", queryset=SystemUsage.objects.filter(
        organisation=org), organisation=org)


def _edit(content: bytes, edits: dict) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    for header, value in edits.items():
        sheet.cell(2, headers.index(header) + 1).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_unchanged_export_is_no_change_and_each_edited_group_is_audited(org, editor,
                                                                          recorded):
    content = _export(org)
    headers = [cell.value for cell in openpyxl.load_workbook(io.BytesIO(content)
                                                             ).worksheets[0][1]]
    assert "Gældende KLE-numre" in headers
    report = run_import_file(actor=editor, organisation=org, content=content,
                             filename="systemer.xlsx", commit=True)
    assert report.errors == []
    assert report.counts["update"] == 0 and report.counts["create"] == 0
    edits = [
        ({"Samfundskritisk": "Ved ikke", "Antal brugere": "500 eller flere",
          "Webtilgængelighed": "Ja"}, {"socially_critical", "user_count",
                                       "web_accessibility"}),
        ({"Arkiveringspligt": "Data og dokumenter bevares (B)", "Arkivtype": "Løbende aflevering",
          "Arkiveringssted": "municipal_archive", "Er der arkiveret fra systemet": "Nej",
          "Arkiveringsfrekvens (antal år)": 10},
         {"archive_duty", "archive_type", "archive_location", "archive_active",
          "archive_frequency_years"}),
        ({"Typer af følsomme personoplysninger": "Helbredsoplysninger; Genetiske data",
          "CPR-numre": "Nej", "Foretaget risikovurdering": "Ja",
          "Resultat af seneste risikovurdering": "Høj risiko"},
         {"sensitive_data_types", "cpr_numbers", "risk_assessment_result"}),
        ({"Fravalgte KLE-numre": "", "Lokalt tilknyttede KLE-numre": "27.24.02; 27.24.03"},
         {"kle_removed", "kle_added"}),
    ]
    kle("27.24.03", "Uddannelseshjælp")
    for cells, changed in edits:
        before = AuditEntry.objects.filter(object_uuid=recorded.uuid).count()
        report = run_import_file(actor=editor, organisation=org, content=_edit(content, cells),
                                 filename="systemer.xlsx", commit=True)
        assert report.errors == [], (cells, report.errors)
        assert report.counts["update"] == 1, cells
        entries = AuditEntry.objects.filter(object_uuid=recorded.uuid).order_by("pk")
        assert entries.count() == before + 1, cells
        assert set(entries.last().changes) == changed, (cells, entries.last().changes)
        content = _export(org)
    assert [k.number for k in usage_kle(recorded)] == [
        "27.12.04", "27.12.06", "27.24.02", "27.24.03"]


def test_an_import_keeps_the_gdpr_rules(org, editor, recorded):
    content = _edit(_export(org), {"Foretaget risikovurdering": "Nej"})
    report = run_import_file(actor=editor, organisation=org, content=content,
                             filename="systemer.xlsx", commit=True)
    assert any("besvaret med Ja" in issue.message for issue in report.errors), report.errors
    recorded.refresh_from_db()
    assert recorded.risk_assessment == "yes"
    for cells, message in (
        ({"Følsomme personoplysninger": "Nej"}, "kun vælges, når systemet indeholder"),
        ({"Lokalt tilknyttede KLE-numre": "27.24.02; 27.12.04"}, "nedarves derfor"),
        ({"Fravalgte KLE-numre": "27.24.02"}, "kan ikke fravælges"),
    ):
        report = run_import_file(actor=editor, organisation=org,
                                 content=_edit(_export(org), cells),
                                 filename="systemer.xlsx", commit=True)
        assert any(message in issue.message for issue in report.errors), (cells, report.errors)
    recorded.refresh_from_db()
    assert recorded.sensitive_personal_data is True
    assert [k.number for k in usage_kle(recorded)] == ["27.12.04", "27.24.02"]


# -- the list ---------------------------------------------------------------------------------


def test_the_list_shows_and_filters_the_record_in_a_fixed_number_of_queries(
        client, org, reader, editor, system, recorded):
    from kitos.models import ListPreference
    from tests.helpers import count_queries

    client.force_login(reader)
    ListPreference.objects.create(user=reader, list_key="systemusage_list", columns=[
        "system", "socially_critical", "user_count", "archive_duty", "archive_type",
        "archive_supplier", "sensitive_personal_data", "sensitive_data_types",
        "risk_assessment_result", "dpia", "kle_effective"])
    url = reverse("systemusage_list") + "?archive_duty=BD&sensitive_personal_data=true"
    html = client.get(url).content.decode()
    for text in ("Sagssystemet", "100–499", "(B+D)", "Arkiveringsversion", "Arkivfirmaet A/S",
                 "Helbredsoplysninger", "Mellem risiko", "27.24.02"):
        assert text in html, text
    count_queries(client, url)
    few = count_queries(client, url)
    for number in range(5):
        usage_create(actor=editor, organisation=org,
                     system=ItSystemFactory(name=f"Flere {number}"), archive_duty="BD",
                     sensitive_personal_data=True, sensitive_data_types=[
                         option("sensitive_personal_data_type", "health")],
                     archive_type=option("archive_type", "continuous"))
    assert count_queries(client, url) == few

