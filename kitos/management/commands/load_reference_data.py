"""Load the standard reference data: role types, disciplines, data categories and the
KLE taxonomy from KL's list (each app registers its loader in kitos.hooks). Safe to run
any number of times."""

from django.core.management.base import BaseCommand

from kitos import hooks


class Command(BaseCommand):
    help = "Indlæser standardroller, fagområder, datakategorier og KLE (idempotent)."

    def handle(self, *args, **options):
        notes = hooks.load_reference_data()
        details = f" ({'; '.join(notes)})" if notes else ""
        self.stdout.write(f"Referencedata på plads{details}.")
