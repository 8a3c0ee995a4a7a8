"""Export an organisation's data (or empty templates) to .xlsx in the import's format:
``export_workbook FILE --organisation SLUG [--entity KEY ...] [--template]``."""

from __future__ import annotations

import pathlib

from django.core.management.base import BaseCommand, CommandError

from kitos.excel.exporter import ENTITY_KEYS, export_entities, template_workbook
from kitos.models import Organisation
from kitos.tenancy import SYSTEM


class Command(BaseCommand):
    help = "Eksportér en organisations data (eller skabeloner) til Excel (.xlsx)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--organisation", help="organisationens slug")
        parser.add_argument("--entity", action="append", choices=ENTITY_KEYS,
                            help="kun disse (kan gentages)")
        parser.add_argument("--template", action="store_true", help="tomme skabeloner")

    def handle(self, *args, file, organisation, entity, template, **options):
        if template:
            if entity and len(entity) > 1:
                raise CommandError("--template tager højst én --entity.")
            content = template_workbook(entity[0] if entity else None)
        else:
            if not organisation:
                raise CommandError("--organisation er påkrævet (undtagen med --template).")
            try:
                organisation = Organisation.objects.get(slug=organisation)
            except Organisation.DoesNotExist:
                raise CommandError(f"Organisationen {organisation!r} findes ikke.") from None
            entities = {key: None for key in entity} if entity else None
            content = export_entities(user=SYSTEM, organisation=organisation, entities=entities)
        pathlib.Path(file).write_bytes(content)
        self.stdout.write(f"Skrev {file} ({len(content)} bytes).")
