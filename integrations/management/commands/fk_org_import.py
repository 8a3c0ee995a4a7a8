"""Bring an FK Organisation export into one organisation: ``fk_org_import --organisation
SLUG [--file EXPORT.json] --preview|--apply [--user USERNAME]``. Without ``--file`` the
export is read as a scheduled run reads it (the connector's address in
FK_ORG_EXPORT_DIR). Prints the counts and the errors; exit code 1 when the run failed."""

from __future__ import annotations

import pathlib
import uuid

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from integrations.fk_org import reader
from integrations.fk_org.sync import run
from integrations.models import Connector, ConnectorKind, RunMode, RunStatus, RunTrigger
from kitos.models import Organisation
from kitos.tenancy import SYSTEM


class Command(BaseCommand):
    help = "Indlæs organisationens enheder og personer fra en FK Organisation-eksport."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True,
                            help="organisationens slug eller UUID")
        parser.add_argument("--file", help="eksportfilen (JSON); ellers forbindelsens fil i "
                                           "FK_ORG_EXPORT_DIR")
        mode = parser.add_mutually_exclusive_group(required=True)
        mode.add_argument("--preview", action="store_true", help="gennemse uden at gemme")
        mode.add_argument("--apply", action="store_true", help="opdater kitos")
        parser.add_argument("--user", help="brugernavn der står som ændret af (ellers system)")

    def handle(self, *args, organisation, file, preview, apply, user, **options):
        organisation = _organisation(organisation)
        actor = SYSTEM
        if user:
            try:
                actor = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"Brugeren {user!r} findes ikke.") from None
        content = None
        if file:
            path = pathlib.Path(file)
            if not path.is_file():
                raise CommandError(f"Filen {file} findes ikke.")
            with path.open("rb") as handle:
                content = handle.read(reader.MAX_BYTES + 1)
        connector, created = Connector.objects.get_or_create(
            organisation=organisation, kind=ConnectorKind.FK_ORGANISATION,
            defaults={"name": "FK Organisation"})
        if created:
            self.stdout.write(f"Forbindelsen »{connector}« er oprettet.")
        sync_run = run(connector=connector, mode=RunMode.APPLY if apply else RunMode.PREVIEW,
                       trigger=RunTrigger.COMMAND,
                       actor=None if actor is SYSTEM else actor, content=content)
        counts = sync_run.counts
        for error in sync_run.errors:
            self.stderr.write(f"Fejl: {error['object']}: {error['message']}")
        self.stdout.write(
            f"{counts.get('created', 0)} oprettet, {counts.get('updated', 0)} ændret, "
            f"{counts.get('removed', 0)} lukket/fratrådt, {counts.get('unchanged', 0)} "
            f"uændret, {counts.get('errors', 0)} med fejl"
            + ("" if apply else " (gennemsyn: intet gemt)"))
        if sync_run.status != RunStatus.SUCCEEDED:
            raise CommandError(f"Kørslen fejlede: {sync_run.message}", returncode=1)


def _organisation(value: str) -> Organisation:
    try:
        lookup = {"uuid": uuid.UUID(value)}
    except ValueError:
        lookup = {"slug": value}
    try:
        return Organisation.objects.get(**lookup)
    except Organisation.DoesNotExist:
        raise CommandError(f"Organisationen {value!r} findes ikke.") from None
