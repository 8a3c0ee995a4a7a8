"""The OS2KITOS templates and examples import as they are: KITOS's Id becomes the
external reference, the invalid example (a duplicate contract name) is refused with the
row named and nothing written, and importing twice changes nothing."""

from __future__ import annotations

import io
import pathlib

import openpyxl
import pytest

from contracts.models import Contract
from kitos.excel.engine import run_import_file
from kitos.models import AuditEntry
from roles.models import OrganisationUnit, Person

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "kitos"


def _import(org, user, name_or_bytes, *, commit=True):
    content = (
        name_or_bytes if isinstance(name_or_bytes, bytes)
        else (FIXTURES / name_or_bytes).read_bytes()
    )
    return run_import_file(actor=user, organisation=org, content=content,
                           filename="fil.xlsx", commit=commit)


def _filled(template: str, rows: list[list]) -> bytes:
    workbook = openpyxl.load_workbook(FIXTURES / template)
    sheet = workbook.worksheets[0]
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_valid_contract_example_imports_with_kitos_ids_as_external_references(org, editor):
    report = _import(org, editor, "valid_it_contract_example.xlsx")
    assert report.ok and report.counts["create"] == 4
    contract = Contract.objects.get(organisation=org, name="endnu en testkontrakt")
    assert contract.external_reference == "33937"
    assert str(contract.concluded_on) == "2022-03-01"
    assert str(contract.expiry_date) == "2022-03-02"
    terminated = Contract.objects.get(organisation=org, name="test-kommune testkontrakt1")
    assert terminated.contract_number == "testkontrakt1"
    assert terminated.notes == "bm1"
    assert terminated.status == "terminated"  # deadlines computed for imported contracts
    assert AuditEntry.objects.filter(object_uuid=contract.uuid, source="import").count() == 1


@pytest.mark.django_db
def test_reimporting_the_example_changes_nothing(org, editor):
    _import(org, editor, "valid_it_contract_example.xlsx")
    entries = AuditEntry.objects.count()
    report = _import(org, editor, "valid_it_contract_example.xlsx")
    assert report.ok
    assert report.counts["unchanged"] == 4 and report.counts["create"] == 0
    assert report.counts["update"] == 0
    assert AuditEntry.objects.count() == entries


@pytest.mark.django_db
def test_invalid_example_is_refused_with_the_row_named_and_nothing_written(org, editor):
    report = _import(org, editor, "invalid_contract_example.xlsx")
    assert not report.ok
    assert Contract.objects.filter(organisation=org).count() == 0
    [error] = report.errors
    assert (error.sheet, error.row, error.column) == (
        "IT Kontrakter", 6, "IT Kontrakt Navn (påkrævet)")
    assert "række 4" in error.message


@pytest.mark.django_db
@pytest.mark.parametrize("template", [
    "OS2KITOS Brugere.xlsx", "OS2KITOS IT Kontrakter.xlsx", "OS2KITOS Organisationsenheder.xlsx",
])
def test_empty_templates_are_valid(org, editor, template):
    report = _import(org, editor, template)
    assert report.ok and report.counts["create"] == 0


@pytest.mark.django_db
def test_units_template_with_parent_by_name_and_ean(org, editor):
    content = _filled("OS2KITOS Organisationsenheder.xlsx", [
        # Children before their parent, and the organisation itself as the top parent.
        [None, "Børn og Unge", "Dagtilbud", "5798000123456"],
        [1001, org.name, "Børn og Unge", None],
        [None, "Dagtilbud", "Vuggestuen Mælkebøtten", None],
    ])
    report = _import(org, editor, content)
    assert report.ok, report.errors
    leaf = OrganisationUnit.objects.get(organisation=org, name="Vuggestuen Mælkebøtten")
    assert [u.name for u in OrganisationUnit.objects.filter(
        pk__in=[int(p) for p in leaf.path.strip("/").split("/")]).order_by("depth")] == [
        "Børn og Unge", "Dagtilbud", "Vuggestuen Mælkebøtten"]
    assert OrganisationUnit.objects.get(name="Dagtilbud").ean == "5798000123456"
    assert OrganisationUnit.objects.get(name="Børn og Unge").external_reference == "1001"


@pytest.mark.django_db
def test_users_template_becomes_persons(org, editor):
    content = _filled("OS2KITOS Brugere.xlsx", [
        [None, "Mette", "Hansen", "mette@kommune.dk", "12345678"],
        [None, "Lars", "Berg", "lars@kommune.dk", None],
    ])
    report = _import(org, editor, content)
    assert report.ok, report.errors
    person = Person.objects.get(organisation=org, email="mette@kommune.dk")
    assert (person.name, person.phone) == ("Mette Hansen", "12345678")
