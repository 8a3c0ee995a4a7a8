"""import_workbook and export_workbook: exit codes, errors printed with where they are."""

from __future__ import annotations

import pathlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from contracts.models import Contract

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "kitos"


@pytest.mark.django_db
def test_valid_file_exits_zero_and_dry_run_writes_nothing(org, capsys):
    path = str(FIXTURES / "valid_it_contract_example.xlsx")
    call_command("import_workbook", path, "--organisation", org.slug, "--dry-run")
    assert "4 oprettet" in capsys.readouterr().out
    assert not Contract.objects.filter(organisation=org).exists()
    call_command("import_workbook", path, "--organisation", org.slug)
    assert Contract.objects.filter(organisation=org).count() == 4


@pytest.mark.django_db
def test_invalid_file_fails_with_sheet_row_and_column(org, capsys):
    path = str(FIXTURES / "invalid_contract_example.xlsx")
    with pytest.raises(CommandError) as raised:
        call_command("import_workbook", path, "--organisation", org.slug)
    assert raised.value.returncode == 1
    assert "ark »IT Kontrakter«, række 6, kolonne »IT Kontrakt Navn (påkrævet)«" in (
        capsys.readouterr().err)
    assert not Contract.objects.filter(organisation=org).exists()


@pytest.mark.django_db
def test_export_then_import_round_trips(org, tmp_path):
    call_command("import_workbook", str(FIXTURES / "valid_it_contract_example.xlsx"),
                 "--organisation", org.slug)
    target = tmp_path / "kontrakter.xlsx"
    call_command("export_workbook", str(target), "--organisation", org.slug,
                 "--entity", "contracts")
    call_command("import_workbook", str(target), "--organisation", org.slug, "--dry-run")


def test_template_needs_no_organisation(tmp_path):
    target = tmp_path / "skabelon.xlsx"
    call_command("export_workbook", str(target), "--template", "--entity", "units")
    assert target.stat().st_size > 0
