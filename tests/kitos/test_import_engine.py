"""The import engine against the spreadsheets people really have (issue #4): a messy
Danish workbook imports correctly, a file with one bad cell writes nothing and says where
the error is, organisations stay apart, a commit is audited under its run id, importing
again writes nothing, and the number of queries does not grow with the number of rows."""

from __future__ import annotations

import datetime
import io
import sqlite3
import uuid
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl.styles import Font, PatternFill

from contracts.models import Contract
from kitos.excel.engine import run_import_file
from kitos.models import AuditEntry
from portfolio.models import SystemUsage
from tests.factories import (
    ContractFactory,
    ItSystemFactory,
    SupplierFactory,
    UnitFactory,
)

TITLE = "Systemoversigt – Børn og Unge 2026"


def workbook(sheets: dict[str, list[list]]) -> bytes:
    """An .xlsx with one sheet per entry, the rows written from row 1 (None: empty)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(org, user, content, *, commit=True, import_id=None):
    return run_import_file(actor=user, organisation=org, content=content,
                           filename="import.xlsx", commit=commit, import_id=import_id)


def excel_serial(day: datetime.date) -> int:
    return (day - datetime.date(1899, 12, 30)).days


def messy_workbook() -> bytes:
    """What a forvaltning keeps by hand: title rows, merged cells, blank rows, a used range
    that runs on below the data, dates and amounts typed every way."""
    book = openpyxl.Workbook()
    usages = book.active
    usages.title = "Systemoversigt"
    usages["A1"] = TITLE
    usages["A1"].font = Font(bold=True, size=16)
    usages.merge_cells("A1:G1")
    usages.append([])
    usages.append(["System (påkrævet)", "  ANSVARLIG   enhed ", "Livscyklus", "Kritikalitet",
                   "Samfundskritisk", "Ibrugtagningsdato", "Farve på tavlen"])
    usages.append(["Aula", "Børn og Unge", "I drift", "high", "Ja", "31-12-2027", "grøn"])
    usages.append([])
    usages.append([])
    usages.append(["  elevadministration ", "børn og unge", "under INDFASNING", "Kritisk", "nej",
                   excel_serial(datetime.date(2027, 12, 31)), None])
    usages.append(["Skoleintra", None, "phasing_out", None, "JA",
                   datetime.datetime(2027, 12, 31), None])
    # The used range runs on: formatted cells below the data, without a value.
    grey = PatternFill("solid", fgColor="DDDDDD")
    for row in range(20, 60):
        for column in range(1, 8):
            usages.cell(row, column).fill = grey
            usages.cell(row, column).number_format = "dd-mm-yyyy"

    contracts = book.create_sheet("Kontrakter")
    contracts["A1"] = TITLE
    contracts.merge_cells("A1:H2")
    contracts.append([])
    contracts.append(["Kontraktnavn (påkrævet)", " kontraktNUMMER", "Leverandør", "Startdato",
                      "Udløbsdato", "Årlig driftsudgift (kr.)", None, "Anskaffelsespris",
                      "Kontrakttype", "Udbudsform", "Systemer"])
    # A header merged over two columns: the value sits in the first.
    contracts.merge_cells("F3:G3")
    contracts.append(["Aula-kontrakten", "K-1", "12345678", "01-01-2024", "31-12-2027",
                      "1.234.567,50", None, "1,234.50", "Hovedkontrakt", "ski",
                      "Aula; Elevadministration"])
    contracts.append([None] * 11)
    contracts.append(["Elevadministration drift", "K-2", "Skolesoft A/S", "1.1.2024",
                      "31.12.2027", 99500, None, "12.500", "DRIFT", "  EU-udbud ", None])
    contracts.append(["Skoleintra licens", "K-3", "skolesoft a/s",
                      datetime.date(2024, 1, 1), "2027-12-31", "kr. 2.000,-", None, None,
                      "licence", "Direkte tildeling", "Skoleintra"])
    for row in range(10, 40):
        contracts.cell(row, 1).fill = grey
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def catalog(org):
    """Shared catalog entries and a unit the messy workbook refers to."""
    return {
        "unit": UnitFactory(organisation=org, name="Børn og Unge"),
        "supplier": SupplierFactory(name="Skolesoft A/S", cvr="12345678"),
        "systems": [ItSystemFactory(name=name)
                    for name in ("Aula", "Elevadministration", "Skoleintra")],
    }


@pytest.mark.django_db
def test_messy_danish_workbook_imports_correctly(org, editor, catalog):
    report = run(org, editor, messy_workbook())
    assert report.ok, report.errors
    assert report.counts["entities"]["usages"]["create"] == 3
    assert report.counts["entities"]["contracts"]["create"] == 3
    [warning] = report.warnings
    assert (warning.sheet, warning.row, warning.column) == (
        "Systemoversigt", 3, "Farve på tavlen")
    assert "Ukendt kolonne" in warning.message

    aula = SystemUsage.objects.get(organisation=org, system__name="Aula")
    assert (aula.responsible_unit, aula.lifecycle, aula.criticality) == (
        catalog["unit"], "operational", "high")
    assert aula.socially_critical == "yes"
    assert aula.go_live_date == datetime.date(2027, 12, 31)
    elev = SystemUsage.objects.get(organisation=org, system__name="Elevadministration")
    assert (elev.responsible_unit, elev.lifecycle, elev.criticality) == (
        catalog["unit"], "phasing_in", "critical")
    assert elev.socially_critical == "no"
    assert elev.go_live_date == datetime.date(2027, 12, 31)  # an Excel serial number
    intra = SystemUsage.objects.get(organisation=org, system__name="Skoleintra")
    assert (intra.lifecycle, intra.go_live_date, intra.socially_critical) == (
        "phasing_out", datetime.date(2027, 12, 31), "yes")

    first = Contract.objects.get(organisation=org, name="Aula-kontrakten")
    assert first.supplier == catalog["supplier"]  # by CVR
    assert (first.start_date, first.expiry_date) == (
        datetime.date(2024, 1, 1), datetime.date(2027, 12, 31))
    assert first.yearly_cost == Decimal("1234567.50")
    assert first.acquisition_cost == Decimal("1234.50")
    assert (first.contract_type, first.procurement_form) == ("main", "ski")
    assert set(first.usages.values_list("system__name", flat=True)) == {
        "Aula", "Elevadministration"}
    second = Contract.objects.get(organisation=org, contract_number="K-2")
    assert second.supplier == catalog["supplier"]  # by name
    assert (second.start_date, second.expiry_date) == (
        datetime.date(2024, 1, 1), datetime.date(2027, 12, 31))
    assert (second.yearly_cost, second.acquisition_cost) == (Decimal("99500"), Decimal("12500"))
    assert (second.contract_type, second.procurement_form) == ("operation", "eu_tender")
    third = Contract.objects.get(organisation=org, contract_number="K-3")
    assert (third.start_date, third.expiry_date, third.yearly_cost) == (
        datetime.date(2024, 1, 1), datetime.date(2027, 12, 31), Decimal("2000"))
    assert (third.contract_type, third.procurement_form) == ("licence", "direct")
    assert third.notice_deadline is not None or third.next_end is not None


@pytest.mark.django_db
def test_the_messy_workbook_reimports_without_changes(org, editor, catalog):
    content = messy_workbook()
    assert run(org, editor, content).ok
    entries = AuditEntry.objects.count()
    with CaptureQueriesContext(connection) as queries:
        report = run(org, editor, content)
    assert report.ok, report.errors
    assert (report.counts["create"], report.counts["update"]) == (0, 0)
    assert report.counts["unchanged"] == 6
    assert AuditEntry.objects.count() == entries
    writes = [q["sql"] for q in queries.captured_queries
              if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []


def contract_rows(count: int, *, bad_row: int | None = None) -> list[list]:
    """A contracts sheet: header in row 1, so data row n is Excel row n + 1."""
    rows = [["Navn", "Kontraktnummer", "Leverandør", "Startdato", "Udløbsdato",
             "Årlig driftsudgift", "Ansvarlig enhed"]]
    for number in range(count):
        excel_row = number + 2
        rows.append([
            f"Kontrakt {number:04d}", f"K-{number:04d}", "Skolesoft A/S", "01-01-2024",
            "31-13-2027" if excel_row == bad_row else "31-12-2027",
            f"{1000 + number},50", "Børn og Unge",
        ])
    return rows


@pytest.mark.django_db
def test_one_bad_date_in_500_rows_writes_nothing_and_names_sheet_row_and_column(
    org, editor, catalog
):
    content = workbook({"Kontrakter": contract_rows(500, bad_row=321)})
    audit_before = AuditEntry.objects.count()
    report = run(org, editor, content)
    assert not report.ok
    [error] = report.errors
    assert (error.sheet, error.row, error.column) == ("Kontrakter", 321, "Udløbsdato")
    assert "31-13-2027" in error.message
    assert report.counts["error"] == 1 and report.counts["create"] == 499
    assert not Contract.objects.filter(organisation=org).exists()
    assert AuditEntry.objects.count() == audit_before


@pytest.mark.django_db
def test_duplicate_natural_keys_name_both_rows(org, editor):
    content = workbook({"Kontrakter": [
        ["Navn", "Kontraktnummer"],
        ["Aula-kontrakten", "K-1"],
        ["Noget andet", "K-2"],
        ["  AULA-kontrakten ", "K-3"],
    ]})
    report = run(org, editor, content)
    assert not report.ok
    [error] = report.errors
    assert (error.sheet, error.row, error.column) == ("Kontrakter", 4, "Navn")
    assert "række 2" in error.message
    assert not Contract.objects.filter(organisation=org).exists()


@pytest.mark.django_db
def test_a_missing_required_column_is_named(org, editor):
    content = workbook({"Kontrakter": [
        ["Kontraktnummer", "Udløbsdato"],
        ["K-1", "31-12-2027"],
    ]})
    report = run(org, editor, content)
    assert not report.ok
    assert any(e.sheet == "Kontrakter" and "»Navn« mangler" in e.message for e in report.errors)
    assert not Contract.objects.filter(organisation=org).exists()


@pytest.mark.django_db
def test_an_import_cannot_reference_another_organisations_objects(org, other_org, editor):
    UnitFactory(organisation=other_org, name="Nabos enhed")
    content = workbook({"Kontrakter": [
        ["Navn", "Ansvarlig enhed"],
        ["Aula-kontrakten", "Nabos enhed"],
    ]})
    report = run(org, editor, content)
    assert not report.ok
    [error] = report.errors
    assert (error.row, error.column) == (2, "Ansvarlig enhed")
    assert "findes ikke" in error.message
    assert not Contract.objects.filter(organisation=org).exists()


@pytest.mark.django_db
def test_an_import_cannot_update_another_organisations_objects(org, other_org, editor):
    theirs = ContractFactory(organisation=other_org, name="Fælles navn", contract_number="N-1")
    # By natural key: the same name in this organisation is a new contract of its own.
    report = run(org, editor, workbook({"Kontrakter": [
        ["Navn", "Kontraktnummer"],
        ["Fælles navn", "EGET-1"],
    ]}))
    assert report.ok and report.counts["create"] == 1
    theirs.refresh_from_db()
    assert theirs.contract_number == "N-1"
    assert Contract.objects.get(organisation=org).contract_number == "EGET-1"
    # By Id: another organisation's id is not found, and nothing is written.
    report = run(org, editor, workbook({"Kontrakter": [
        ["Id", "Navn", "Kontraktnummer"],
        [str(theirs.uuid), "Overtaget", "X-1"],
    ]}))
    assert not report.ok
    [error] = report.errors
    assert (error.row, error.column) == (2, "Id")
    assert "findes ikke i organisationen" in error.message
    theirs.refresh_from_db()
    assert (theirs.name, theirs.contract_number, theirs.organisation) == (
        "Fælles navn", "N-1", other_org)
    assert not Contract.objects.filter(name="Overtaget").exists()


@pytest.mark.django_db
def test_a_commit_is_audited_under_its_run_id(org, editor, catalog):
    run_id = uuid.uuid4()
    report = run(org, editor, workbook({"Kontrakter": contract_rows(3)}), import_id=run_id)
    assert report.ok
    entries = AuditEntry.objects.filter(group_id=run_id)
    assert entries.count() == 3
    assert set(entries.values_list("source", "action", "actor")) == {
        ("import", "create", editor.pk)}
    assert set(entries.values_list("object_uuid", flat=True)) == set(
        Contract.objects.filter(organisation=org).values_list("uuid", flat=True))
    # An update is grouped the same way, with the old and the new value.
    second_id = uuid.uuid4()
    rows = contract_rows(3)
    rows[1][5] = "5.000,00"
    assert run(org, editor, workbook({"Kontrakter": rows}), import_id=second_id).ok
    [update] = AuditEntry.objects.filter(group_id=second_id)
    assert update.action == "update" and update.source == "import"
    assert update.changes["yearly_cost"] == ["1000.50", "5000.00"]


@pytest.mark.django_db
@pytest.mark.parametrize("commit", [False, True], ids=["preview", "commit"])
def test_queries_do_not_grow_with_the_number_of_rows(org, editor, catalog, commit, monkeypatch):
    if connection.vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 32):
        # Django splits SQLite inserts at 999 parameters, the limit of SQLite before 3.32;
        # with the real limit (32766) the batches are the engine's own, as on PostgreSQL.
        monkeypatch.setattr(type(connection.features), "max_query_params", 32766)

    def queries_for(count: int) -> int:
        # A fresh organisation each time: every row creates a contract.
        Contract.objects.filter(organisation=org).delete()
        AuditEntry.objects.all().delete()
        content = workbook({"Kontrakter": contract_rows(count)})
        with CaptureQueriesContext(connection) as queries:
            report = run(org, editor, content, commit=commit)
        assert report.ok, report.errors
        return len(queries.captured_queries)

    queries_for(5)  # warms the per-process caches (content types)
    small, large = queries_for(20), queries_for(200)
    assert large == small


def test_every_default_of_an_imported_model_is_valid():
    """The engine does not clean a required field that a new row leaves at its model
    default (kitos.excel.engine._is_default): so every such default must be valid."""
    from kitos.excel.registry import ENTITY_SPECS

    checked = 0
    for spec in ENTITY_SPECS:
        model = spec.model
        for field in model._meta.concrete_fields:
            if field.has_default() and not callable(field.default) and not field.many_to_one:
                field.clean(field.default, model())
                checked += 1
    assert checked > 20


@pytest.mark.parametrize("commit", [False, True])
def test_check_constraints_checked_per_batch_report_each_row(org, editor, monkeypatch, commit):
    """Check constraints are evaluated over batches of rows (and before each streamed
    insert on PostgreSQL): each breaking row still gets its own error, with the field
    errors it also has, and nothing is written."""
    from kitos.excel import engine

    monkeypatch.setattr(engine, "STREAM_ROWS", 3)
    sheet = [["Navn", "Startdato", "Udløbsdato", "Opsigelsesvarsel (måneder)"]]
    for number in range(12):
        expiry = "01-01-2023" if number in (4, 8) else "31-12-2027"
        sheet.append([f"Kontrakt {number:02d}", "01-01-2024", expiry,
                      200 if number == 8 else 3])
    report = run(org, editor, workbook({"Kontrakter": sheet}), commit=commit)
    errors = sorted((issue.row, issue.column, issue.message) for issue in report.errors)
    assert errors == [
        (6, "Udløbsdato", "Udløbsdatoen skal ligge efter startdatoen."),
        (10, "Opsigelsesvarsel (måneder)", "Denne værdi skal være mindre end eller lig 120."),
        (10, "Udløbsdato", "Udløbsdatoen skal ligge efter startdatoen."),
    ]
    assert not Contract.objects.filter(organisation=org).exists()
    assert not AuditEntry.objects.filter(source="import").exists()
