"""Create the demo municipalities Demo Kommune and Nabo Kommune (idempotent)."""

import datetime

from django.core.management.base import BaseCommand

from demo.seed import DEMO_PASSWORD, LOGINS, Seeder


class Command(BaseCommand):
    help = "Opretter demodata for Demo Kommune og Nabo Kommune. Kan køres flere gange."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="Dato som demoens datoer regnes ud fra (YYYY-MM-DD). Standard: i dag.",
        )

    def handle(self, *args, today=None, **options):
        seeder = Seeder(today=today or datetime.date.today())
        for line in seeder.run():
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo-logins (adgangskode: {DEMO_PASSWORD}):"))
        for username, (slug, role, title, _staff) in LOGINS.items():
            self.stdout.write(f"  {username:<12} {title} i {slug} ({role})")
        self.stdout.write(f"  {'leverandoer':<12} leverandør med rettighedshaveradgang "
                          "(kun leverandørens katalogposter)")
