"""The interface sheet's "Data" column: one data row per line, "Data; Datatype", written
by the export and read back by the import through the services."""

from __future__ import annotations

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
