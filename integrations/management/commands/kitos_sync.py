"""Sync an organisation from OS2KITOS API v2: ``kitos_sync --organisation SLUG
--preview|--apply [--full]`` (README "OS2KITOS API v2")."""

from __future__ import annotations

import uuid

from django.core.management.base import BaseCommand, CommandError

from integrations.kitos_api.sync import run
from integrations.models import Connector, ConnectorKind, RunMode, RunStatus, RunTrigger
from integrations.runs import RunRefused
from kitos.models import Organisation


class Command(BaseCommand):
    help = "Synkronisér en organisation fra OS2KITOS API v2 (gennemse eller opdatér)."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True,
                            help="organisationens slug eller uuid")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--preview", action="store_true",
                          help="vis hvad der ville ændres (standard)")
        mode.add_argument("--apply", action="store_true", help="skriv ændringerne")
        parser.add_argument("--full", action="store_true",
                            help="læs alt i stedet for ændringerne siden sidste kørsel")

    def handle(self, *args, organisation, preview, apply, full, **options):
        lookup = {"slug": organisation}
        try:
            lookup = {"uuid": uuid.UUID(organisation)}
        except ValueError:
            pass
        found = Organisation.objects.filter(**lookup).first()
        if found is None:
            raise CommandError(f"Organisationen {organisation!r} findes ikke.")
        connector = Connector.objects.filter(
            organisation=found, kind=ConnectorKind.KITOS).first()
        if connector is None:
            raise CommandError(
                f"{found} har ingen forbindelse til OS2KITOS API v2 (opret den under "
                "/admin/integrations/connector/).")
        try:
            result = run(connector=connector,
                         mode=RunMode.APPLY if apply else RunMode.PREVIEW,
                         trigger=RunTrigger.COMMAND, full=full)
        except RunRefused as error:
            raise CommandError(str(error)) from None
        counts = result.counts
        self.stdout.write(
            f"{result.get_mode_display()}: {counts.get('created', 0)} oprettet, "
            f"{counts.get('updated', 0)} ændret, {counts.get('removed', 0)} fjernet, "
            f"{counts.get('unchanged', 0)} uændret, {counts.get('errors', 0)} fejl.")
        for change in result.changes:
            fields = ", ".join(change["fields"])
            self.stdout.write(f"  {change['action']} {change['kind']} {change['name']}"
                              + (f" ({fields})" if fields else ""))
        for error in result.errors:
            self.stderr.write(f"  Fejl: {error['object']}: {error['message']}")
        if result.status != RunStatus.SUCCEEDED:
            raise CommandError(result.message or "Kørslen fejlede.")
