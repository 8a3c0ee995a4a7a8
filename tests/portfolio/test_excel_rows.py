"""The interface sheet's "Data" column: one data row per line, "Data; Datatype", written
by the export and read back by the import through the services."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest

from kitos.excel.engine import run_import_file
from kitos.excel.exporter import export_queryset
from kitos.models import AuditEntry, Option
from portfolio.models import Interface
from portfolio.services import interface_update
from tests.factories import InterfaceFactory, ItSystemFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def option(code):
    return Option.objects.get(kind="interface_data_type", code=code)


@pytest.fixture
def interface(org, admin_user):
    interface = InterfaceFactory(name="Sagsservice", owner_organisation=org, is_local=True,
                                 exposed_by=ItSystemFactory(owner_organisation=org,
                                                            is_local=True))
    interface_update(actor=admin_user, interface=interface, data_rows=[
        ("Sagsnummer", option("text")), ("Fritekst", None)])
    return interface


def _export(org, interface) -> openpyxl.Workbook:
    content = export_queryset(entity="interfaces",
                              queryset=Interface.objects.filter(pk=interface.pk),
                              organisation=org)
    return openpyxl.load_workbook(io.BytesIO(content))


def _data_cell(book):
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    return sheet.cell(row=2, column=headers.index("Data") + 1)


def _import(book, org, user, commit=True):
    buffer = io.BytesIO()
    book.save(buffer)
    return run_import_file(actor=user, organisation=org, content=buffer.getvalue(),
                           filename="snitflader.xlsx", commit=commit)


def _rows(interface):
    return list(interface.data_rows.values_list("description", "data_type__code"))


def test_export_writes_the_rows_one_per_line(org, interface):
    assert _data_cell(_export(org, interface)).value == "Sagsnummer; Tekst\nFritekst"


def test_unchanged_round_trip_changes_nothing(org, admin_user, interface):
    book = _export(org, interface)
    audit = AuditEntry.objects.count()
    rows_before = list(interface.data_rows.values_list("pk", flat=True))
    report = _import(book, org, admin_user)
    assert report.ok, report.errors
    assert AuditEntry.objects.count() == audit
    assert list(interface.data_rows.values_list("pk", flat=True)) == rows_before


def test_edited_cell_replaces_the_rows_audited(org, admin_user, interface):
    book = _export(org, interface)
    _data_cell(book).value = "CPR-nummer; personal_data\nSagsnummer; Tal"
    # The preview shows the edited cell as the row's change, and writes nothing.
    preview = _import(book, org, admin_user, commit=False)
    assert preview.counts["entities"]["interfaces"]["update"] == 1
    (row,) = [row for row in preview.rows if row.action == "update"]
    assert ("Data", "Sagsnummer; Tekst\nFritekst",
            "CPR-nummer; Personoplysninger\nSagsnummer; Tal") in row.changes
    assert _rows(interface) == [("Sagsnummer", "text"), ("Fritekst", None)]
    report = _import(book, org, admin_user)
    assert report.ok, report.errors
    assert _rows(interface) == [("CPR-nummer", "personal_data"), ("Sagsnummer", "number")]
    entry = AuditEntry.objects.filter(object_id=str(interface.pk)).latest("pk")
    assert "data_rows" in entry.changes


def test_unknown_type_is_a_row_error_and_nothing_written(org, admin_user, interface):
    book = _export(org, interface)
    _data_cell(book).value = "CPR-nummer; Hemmelig"
    report = _import(book, org, admin_user)
    assert not report.ok
    assert any("»Hemmelig« findes ikke" in issue.message for issue in report.errors)
    assert _rows(interface) == [("Sagsnummer", "text"), ("Fritekst", None)]


# -- journal periods on the usage sheet ----------------------------------------------------


@pytest.fixture
def usage(org, editor):
    from portfolio.services import journal_period_create
    from tests.factories import UsageFactory

    usage = UsageFactory(organisation=org)
    journal_period_create(actor=editor, usage=usage, start_date=D(2015, 1, 1),
                          end_date=D(2019, 12, 31), archive_id="AVID.SA.1", approved=True)
    journal_period_create(actor=editor, usage=usage, start_date=D(2020, 1, 1),
                          end_date=D(2024, 12, 31), archive_id="AVID.SA.2")
    return usage


def _export_usage(org, usage):
    from portfolio.models import SystemUsage

    content = export_queryset(entity="usages",
                              queryset=SystemUsage.objects.filter(pk=usage.pk),
                              organisation=org)
    return openpyxl.load_workbook(io.BytesIO(content))


def _cell(book, header):
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    return sheet.cell(row=2, column=headers.index(header) + 1)


def _periods(usage):
    return list(usage.journal_periods.order_by("archive_id").values_list(
        "archive_id", "start_date", "end_date", "approved"))


def test_usage_export_writes_the_journal_periods(org, usage):
    assert _cell(_export_usage(org, usage), "Journalperioder").value == (
        "AVID.SA.1; 01-01-2015; 31-12-2019; Ja\nAVID.SA.2; 01-01-2020; 31-12-2024; Nej")


def test_usage_round_trip_changes_no_period(org, editor, usage):
    book = _export_usage(org, usage)
    audit = AuditEntry.objects.count()
    before = list(usage.journal_periods.values_list("pk", "uuid"))
    report = _import(book, org, editor)
    assert report.ok, report.errors
    assert AuditEntry.objects.count() == audit
    assert list(usage.journal_periods.values_list("pk", "uuid")) == before


def test_edited_periods_are_written_audited(org, editor, usage):
    book = _export_usage(org, usage)
    _cell(book, "Journalperioder").value = (
        "AVID.SA.1; 01-01-2015; 31-12-2019; Nej\nAVID.SA.3; 2025-01-01; 2025-12-31; Ja")
    preview = _import(book, org, editor, commit=False)
    assert preview.counts["entities"]["usages"]["update"] == 1
    (row,) = [row for row in preview.rows if row.action == "update"]
    assert any(header == "Journalperioder" and "AVID.SA.3; 01-01-2025; 31-12-2025; Ja" in new
               for header, _old, new in row.changes)
    report = _import(book, org, editor)
    assert report.ok, report.errors
    assert _periods(usage) == [
        ("AVID.SA.1", D(2015, 1, 1), D(2019, 12, 31), False),
        ("AVID.SA.3", D(2025, 1, 1), D(2025, 12, 31), True),
    ]
    actions = set(AuditEntry.objects.filter(
        content_type__model="usagejournalperiod", actor=editor).values_list("action", flat=True))
    assert {"create", "update", "delete"} <= actions


@pytest.mark.parametrize(("line", "message"), [
    ("AVID.SA.9; 2025-13-01; 2025-12-31; Ja", "Linje 1: datoerne"),
    ("AVID.SA.9; 01-01-2026; 01-01-2025; Ja", "Linje 1: slutdatoen"),
    ("AVID.SA.9; 01-01-2025", "Linje 1: skriv"),
    ("AVID.SA.9; 01-01-2025; 01-02-2025; Måske", "Linje 1: godkendt"),
])
def test_bad_period_line_is_a_row_error(org, editor, usage, line, message):
    book = _export_usage(org, usage)
    _cell(book, "Journalperioder").value = line
    before = _periods(usage)
    report = _import(book, org, editor)
    assert not report.ok
    assert any(message in issue.message for issue in report.errors), report.errors
    assert _periods(usage) == before
