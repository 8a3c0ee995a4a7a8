"""Generate synthetic municipalities at national scale, in seconds (demo.scale).

    manage.py generate_scale --organisations 20 --usages 1500 --contracts 2000
    manage.py generate_scale --organisation-slug demo --usages 100 --contracts 40000
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from demo.scale import ScaleError, ScaleGenerator, Sizes


class Command(BaseCommand):
    help = ("Opretter syntetiske kommuner i national skala (organisationer, enheder, "
            "personer, systemanvendelser, kontrakter med frister, integrationer, "
            "behandlingsaktiviteter og roller) til at dimensionere en server og måle "
            "sidernes hastighed. En ny kørsel tilføjer nye organisationer.")

    def add_arguments(self, parser):
        parser.add_argument("--organisations", type=int, default=1,
                            help="Antal nye organisationer (standard: 1).")
        parser.add_argument("--usages", type=int, required=True,
                            help="Systemanvendelser pr. organisation.")
        parser.add_argument("--contracts", type=int, required=True,
                            help="Kontrakter pr. organisation.")
        parser.add_argument("--persons", type=int, default=0,
                            help="Personer pr. organisation (standard: efter størrelsen).")
        parser.add_argument("--seed", type=int, default=1,
                            help="Startværdi for tilfældighederne (samme værdi, samme data).")
        parser.add_argument("--prefix", default="skala",
                            help="Begyndelsen af de nye organisationers korte navn "
                                 "(standard: skala → skala-001, skala-002 …).")
        parser.add_argument("--organisation-slug", default=None,
                            help="Tilføj til denne eksisterende organisation i stedet.")
        parser.add_argument("--logins", action="store_true",
                            help="Opret <kort navn>-laeser og <kort navn>-redaktoer med "
                                 "demoens adgangskode i hver organisation.")
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None,
                            help="Dato som fristerne regnes ud fra (YYYY-MM-DD).")

    def handle(self, *args, **options):
        generator = ScaleGenerator(
            sizes=Sizes(usages=options["usages"], contracts=options["contracts"],
                        persons=options["persons"]),
            organisations=options["organisations"],
            seed=options["seed"],
            today=options["today"] or datetime.date.today(),
            prefix=options["prefix"],
            organisation_slug=options["organisation_slug"],
            logins=options["logins"],
        )
        try:
            report = generator.run()
        except ScaleError as error:
            raise CommandError(str(error)) from error
        names = report.organisations
        shown = ", ".join(names[:5]) + (f" … {names[-1]}" if len(names) > 5 else "")
        self.stdout.write(f"Organisationer: {shown}")
        for key, count in report.counts.items():
            if not count:
                continue
            self.stdout.write(f"  {count:>9,} {key}".replace(",", "."))
        self.stdout.write(self.style.SUCCESS(f"Færdig på {report.seconds:.1f} s."))
