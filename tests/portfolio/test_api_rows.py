"""Writing a usage's journal periods and an interface's data rows through the API: the
whole list is replaced through the services (audited), and one bad entry fails the whole
request with nothing written."""

from __future__ import annotations

import datetime

import pytest
from rest_framework.test import APIClient

from kitos.models import AuditEntry, Option
from portfolio.models import UsageJournalPeriod
from portfolio.services import interface_update, journal_period_create
from tests.factories import InterfaceFactory, ItSystemFactory, UsageFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
D = datetime.date


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def usage(org, editor):
    usage = UsageFactory(organisation=org)
    journal_period_create(actor=editor, usage=usage, start_date=D(2015, 1, 1),
                          end_date=D(2019, 12, 31), archive_id="AVID.SA.1")
    journal_period_create(actor=editor, usage=usage, start_date=D(2020, 1, 1),
                          end_date=D(2024, 12, 31), archive_id="AVID.SA.2")
    return usage


def _periods(usage):
    return list(usage.journal_periods.order_by("archive_id").values_list(
        "archive_id", "start_date", "end_date", "approved"))


def test_usage_reads_its_journal_periods(editor, usage):
    body = api_for(editor).get(f"{API}/usages/{usage.uuid}/").json()
    first = usage.journal_periods.get(archive_id="AVID.SA.1")
    assert body["journal_periods"][0] == {
        "id": str(first.uuid), "start_date": "2015-01-01", "end_date": "2019-12-31",
        "archive_id": "AVID.SA.1", "approved": False,
    }
    listed = api_for(editor).get(f"{API}/usages/").json()["results"]
    assert listed[0]["journal_periods"] == body["journal_periods"]


def test_patch_replaces_the_journal_periods_audited(editor, usage):
    kept = usage.journal_periods.get(archive_id="AVID.SA.1")
    response = api_for(editor).patch(f"{API}/usages/{usage.uuid}/", {"journal_periods": [
        {"archive_id": "AVID.SA.1", "start_date": "2015-01-01", "end_date": "2019-12-31",
         "approved": True},
        {"archive_id": "AVID.SA.3", "start_date": "2025-01-01", "end_date": "2025-12-31"},
    ]}, format="json")
    assert response.status_code == 200, response.content
    assert _periods(usage) == [
        ("AVID.SA.1", D(2015, 1, 1), D(2019, 12, 31), True),
        ("AVID.SA.3", D(2025, 1, 1), D(2025, 12, 31), False),
    ]
    # Changed in place: the same period, its id kept.
    assert usage.journal_periods.get(archive_id="AVID.SA.1").uuid == kept.uuid
    assert [row["archive_id"] for row in response.json()["journal_periods"]] == [
        "AVID.SA.1", "AVID.SA.3"]
    entries = AuditEntry.objects.filter(content_type__model="usagejournalperiod")
    assert set(entries.values_list("action", flat=True)) >= {"create", "update", "delete"}


def test_a_bad_period_fails_the_whole_request(editor, usage):
    before = _periods(usage)
    response = api_for(editor).patch(f"{API}/usages/{usage.uuid}/", {
        "notes": "Skal ikke gemmes",
        "journal_periods": [
            {"archive_id": "AVID.SA.1", "start_date": "2015-01-01", "end_date": "2019-12-31"},
            {"archive_id": "AVID.SA.9", "start_date": "2025-01-01", "end_date": "2024-01-01"},
        ],
    }, format="json")
    assert response.status_code == 400, response.content
    message = " ".join(response.json()["errors"]["journal_periods"])
    assert "Journalperiode 2 (AVID.SA.9)" in message
    assert "Slutdatoen" in message
    assert _periods(usage) == before
    usage.refresh_from_db()
    assert usage.notes != "Skal ikke gemmes"


def test_duplicate_archive_ids_are_refused(editor, usage):
    period = {"archive_id": "X", "start_date": "2015-01-01", "end_date": "2019-12-31"}
    response = api_for(editor).patch(f"{API}/usages/{usage.uuid}/", {
        "journal_periods": [period, period]}, format="json")
    assert response.status_code == 400
    assert "Journalperiode 2 (X)" in " ".join(response.json()["errors"]["journal_periods"])
    assert len(_periods(usage)) == 2


def test_other_organisation_gets_404(outsider, usage):
    response = api_for(outsider).patch(f"{API}/usages/{usage.uuid}/", {
        "journal_periods": []}, format="json")
    assert response.status_code == 404
    assert len(_periods(usage)) == 2


def test_usage_created_with_journal_periods(org, editor):
    system = ItSystemFactory()
    response = api_for(editor).post(f"{API}/usages/", {
        "organisation": str(org.uuid), "system": str(system.uuid),
        "journal_periods": [{"archive_id": "A", "start_date": "2020-01-01",
                             "end_date": "2020-12-31", "approved": True}],
    }, format="json")
    assert response.status_code == 201, response.content
    assert UsageJournalPeriod.objects.get(archive_id="A").usage.uuid.hex == \
        response.json()["id"].replace("-", "")


# -- interface data rows -------------------------------------------------------------------


def option(code):
    return Option.objects.get(kind="interface_data_type", code=code)


@pytest.fixture
def interface(org, admin_user):
    interface = InterfaceFactory(owner_organisation=org, is_local=True,
                                 exposed_by=ItSystemFactory(owner_organisation=org,
                                                            is_local=True))
    interface_update(actor=admin_user, interface=interface,
                     data_rows=[("Sagsnummer", option("text"))])
    return interface


def test_patch_replaces_the_data_rows_audited(admin_user, interface):
    url = f"{API}/interfaces/{interface.uuid}/"
    response = api_for(admin_user).patch(url, {"data_rows": [
        {"description": "CPR-nummer", "data_type": "personal_data"},
        {"description": "Fritekst", "data_type": None},
    ]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["data_rows"] == [
        {"description": "CPR-nummer", "data_type": "personal_data"},
        {"description": "Fritekst", "data_type": None},
    ]
    assert list(interface.data_rows.values_list("description", "data_type__code")) == [
        ("CPR-nummer", "personal_data"), ("Fritekst", None)]
    entry = AuditEntry.objects.filter(object_id=str(interface.pk)).latest("pk")
    assert "data_rows" in entry.changes


def test_bad_data_row_fails_the_whole_request(admin_user, interface):
    url = f"{API}/interfaces/{interface.uuid}/"
    unknown = api_for(admin_user).patch(url, {"version": "9", "data_rows": [
        {"description": "CPR-nummer", "data_type": "hemmelig"}]}, format="json")
    assert unknown.status_code == 400
    empty = api_for(admin_user).patch(url, {"version": "9", "data_rows": [
        {"description": "Ok", "data_type": "text"},
        {"description": "", "data_type": "text"}]}, format="json")
    assert empty.status_code == 400, empty.content
    assert any(key.startswith("data_rows") for key in empty.json()["errors"])
    interface.refresh_from_db()
    assert interface.version != "9"
    assert list(interface.data_rows.values_list("description", flat=True)) == ["Sagsnummer"]


def test_other_organisations_interface_rows_404(outsider, interface):
    response = api_for(outsider).patch(f"{API}/interfaces/{interface.uuid}/", {
        "data_rows": []}, format="json")
    assert response.status_code == 404
    assert interface.data_rows.count() == 1
