"""Load the standard reference data: role types, disciplines, data categories and the
KLE taxonomy from KL's list. Safe to run any number of times."""

from django.apps import apps
from django.core.management.base import BaseCommand

from gdpr.reference import ensure_data_categories
from portfolio.kle import load_kle
from roles.reference import ensure_disciplines_and_role_types


class Command(BaseCommand):
    help = "Indlæser standardroller, fagområder, datakategorier og KLE (idempotent)."

    def handle(self, *args, **options):
        ensure_disciplines_and_role_types(apps)
        ensure_data_categories(apps)
        created = load_kle()
        self.stdout.write(f"Referencedata på plads ({created} nye KLE-numre).")
