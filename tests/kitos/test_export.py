"""Export writes the import's format: export → import of the demo data changes nothing,
for every entity; templates carry headers, help and dropdowns."""

from __future__ import annotations

import io

import openpyxl
import pytest

from kitos.excel.engine import run_import_file
from kitos.excel.exporter import ENTITY_KEYS, export_entities, export_queryset, template_workbook
from kitos.tenancy import SYSTEM


@pytest.mark.django_db
def test_export_then_import_changes_nothing_for_every_entity(demo):
    content = export_entities(user=SYSTEM, organisation=demo)
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    assert len([n for n in workbook.sheetnames if n not in ("Vejledning", "Lister")]) == len(
        ENTITY_KEYS)
    report = run_import_file(actor=SYSTEM, organisation=demo, content=content,
                             filename="export.xlsx", commit=False)
    assert report.errors == []
    assert report.counts["create"] == 0
    assert report.counts["update"] == 0, [r for r in report.rows][:5]
    # Every entity the demo organisation keeps itself came back unchanged (the shared
    # catalog's suppliers and systems are maintained by no demo organisation).
    assert {"units", "persons", "usages", "integrations", "contracts", "cost_lines",
            "role_assignments", "competencies", "data_assets", "processing_activities",
            "agreements", "steering_groups", "decisions", "competency_targets",
            "training_plan"} <= set(report.counts["entities"])


@pytest.mark.django_db
def test_export_queryset_writes_one_sheet(demo):
    from contracts.models import Contract

    content = export_queryset(entity="contracts",
                              queryset=Contract.objects.filter(organisation=demo)[:0].model
                              .objects.filter(organisation=demo))
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    rows = list(workbook["Kontrakter"].iter_rows(values_only=True))
    assert rows[0][0] == "Id" and rows[0][1] == "Navn"
    assert len(rows) - 1 == Contract.objects.filter(organisation=demo).count()


def test_template_has_headers_help_and_dropdowns():
    workbook = openpyxl.load_workbook(io.BytesIO(template_workbook("contracts")))
    sheet = workbook["Kontrakter"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:3] == ["Id", "Navn", "Kontraktnummer"]
    assert "Vejledning" in workbook.sheetnames
    assert sheet.data_validations.dataValidation


# (Text with a leading tab or CR is covered by tests/kitos/excel/test_writer.py: the
# import strips surrounding whitespace, so it cannot come back unchanged.)
HOSTILE = ["=HYPERLINK(\"https://evil.example\",\"klik\")", "+45 12 34 56 78", "-25 % rabat",
           "@SUM(A1:A2)", "-1+1", "=cmd|' /C calc'!A0"]


def _contracts(org, count: int) -> list:
    """`count` contracts with a supplier, a unit and two covered systems each."""
    from roles.models import OrganisationUnit
    from tests.factories import ContractFactory, CoverageFactory, UnitFactory, UsageFactory

    unit = (OrganisationUnit.objects.filter(organisation=org, name="Digitalisering").first()
            or UnitFactory(organisation=org, name="Digitalisering"))
    usages = [UsageFactory(organisation=org) for _ in range(2)]
    contracts = []
    for number in range(count):
        contract = ContractFactory(organisation=org, responsible_unit=unit,
                                   contract_type="service", notes=f"Note {number}")
        for usage in usages:
            CoverageFactory(contract=contract, usage=usage, is_main=number == 0)
        contracts.append(contract)
    return contracts


@pytest.mark.django_db
def test_export_queries_do_not_grow_with_the_number_of_rows(org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from contracts.models import Contract

    def queries_for(count: int) -> int:
        Contract.objects.filter(organisation=org).delete()
        _contracts(org, count)
        with CaptureQueriesContext(connection) as queries:
            content = export_queryset(entity="contracts",
                                      queryset=Contract.objects.filter(organisation=org),
                                      organisation=org)
        rows = list(openpyxl.load_workbook(io.BytesIO(content), read_only=True)
                    ["Kontrakter"].iter_rows(values_only=True))
        assert len(rows) == count + 1
        return len(queries.captured_queries)

    assert queries_for(5) == queries_for(50)


@pytest.mark.django_db
def test_exported_cells_are_what_the_import_reads_back(org, editor):
    """Hostile text stays text (never a formula), every value comes back as written, and
    importing the export changes nothing."""
    import zipfile

    from contracts.models import Contract
    from kitos.excel.engine import run_import_file
    from tests.factories import SupplierFactory

    contracts = _contracts(org, len(HOSTILE))
    supplier = SupplierFactory(name="=Leverandør A/S")
    for contract, text in zip(contracts, HOSTILE, strict=True):
        contract.name, contract.notes, contract.supplier = text, text, supplier
        contract.save()
    content = export_queryset(entity="contracts",
                              queryset=Contract.objects.filter(organisation=org).order_by("pk"),
                              organisation=org)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Kontrakter"]
    headers = [cell.value for cell in sheet[1]]
    assert all(cell.font.bold for cell in sheet[1]) and sheet.freeze_panes == "A2"
    column = {header: index for index, header in enumerate(headers)}
    for row, contract in zip(sheet.iter_rows(min_row=2), contracts, strict=True):
        name, notes = row[column["Navn"]], row[column["Noter"]]
        assert name.value == notes.value == contract.name
        assert name.data_type == "s" and name.quotePrefix
        assert row[column["Id"]].value == str(contract.uuid)
        assert row[column["Leverandør"]].value == "=Leverandør A/S"
        assert row[column["Ansvarlig enhed"]].value == "Digitalisering"
        assert row[column["Kontrakttype"]].value == "Serviceaftale"
        assert row[column["Startdato"]].number_format == "dd-mm-yyyy"
        assert row[column["Årlig driftsudgift"]].value == 100000
        systems = row[column["Systemer"]].value.split("; ")
        assert systems == sorted(systems) and len(systems) == 2
    assert sheet.data_validations.dataValidation
    report = run_import_file(actor=editor, organisation=org, content=content,
                             filename="export.xlsx", commit=False)
    assert report.errors == []
    assert report.counts["create"] == 0
    assert report.counts["update"] == 0, report.rows[:3]
