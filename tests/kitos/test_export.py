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
