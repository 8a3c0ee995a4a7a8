"""Import an .xlsx into one organisation: ``import_workbook FILE --organisation SLUG
[--dry-run] [--user USERNAME]``. Exit code 0 only when the file was valid."""

from __future__ import annotations

import pathlib

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kitos.excel.engine import run_import_file
from kitos.excel.safety import WorkbookRejected
from kitos.models import Organisation
from kitos.tenancy import SYSTEM


class Command(BaseCommand):
    help = "Importér en Excel-fil (.xlsx) i en organisation (alt eller intet)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--organisation", required=True, help="organisationens slug")
        parser.add_argument("--dry-run", action="store_true", help="gennemse uden at gemme")
        parser.add_argument("--user", help="brugernavn der står som ændret af (ellers system)")

    def handle(self, *args, file, organisation, dry_run, user, **options):
        try:
            organisation = Organisation.objects.get(slug=organisation)
        except Organisation.DoesNotExist:
            raise CommandError(f"Organisationen {organisation!r} findes ikke.") from None
        actor = SYSTEM
        if user:
            try:
                actor = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"Brugeren {user!r} findes ikke.") from None
        path = pathlib.Path(file)
        if not path.is_file():
            raise CommandError(f"Filen {file} findes ikke.")
        try:
            report = run_import_file(actor=actor, organisation=organisation,
                                     content=path.read_bytes(), filename=path.name,
                                     commit=not dry_run)
        except WorkbookRejected as rejected:
            raise CommandError(str(rejected.message)) from None
        for warning in report.warnings:
            self.stderr.write(f"Advarsel: {_where(warning)}{warning.message}")
        for error in report.errors:
            self.stderr.write(f"Fejl: {_where(error)}{error.message}")
        counts = report.counts
        self.stdout.write(
            f"{counts['create']} oprettet, {counts['update']} ændret, "
            f"{counts['unchanged']} uændret, {counts['error']} med fejl"
            + (" (gennemsyn: intet gemt)" if dry_run or not report.ok else "")
        )
        if not report.ok:
            raise CommandError(f"{report.error_count} fejl. Intet er gemt.", returncode=1)


def _where(issue) -> str:
    parts = [f"ark »{issue.sheet}«"] if issue.sheet else []
    if issue.row:
        parts.append(f"række {issue.row}")
    if issue.column:
        parts.append(f"kolonne »{issue.column}«")
    return (", ".join(parts) + ": ") if parts else ""
