"""Run the daily alert scan now, synchronously (the same code as the beat task)."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from alerts import services as alerts
from alerts.choices import AlertKind


class Command(BaseCommand):
    help = (
        "Finder frister der skal varsles (kontrakter og tilsyn med databehandlere), "
        "registrerer varslerne én gang og sender dagens mails."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Vis hvad der ville blive sendt; intet registreres og intet sendes.",
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="Kør som om det var denne dato (YYYY-MM-DD).",
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help=(
                "Gennemgå alle frister, ikke kun dem der kan være nye siden sidste "
                "kørsel (registrerer det samme; tager længere tid)."
            ),
        )

    def handle(self, *args, dry_run=False, today=None, full=False, **options):
        today = today or timezone.localdate()
        result = alerts.scan(today=today, dry_run=dry_run, full=full)
        if dry_run:
            for alert in result.due:
                owner = " (ingen ansvarlig: til administrator)" if alert.without_owner else ""
                self.stdout.write(
                    f"{alert.email}: {AlertKind(alert.kind).label} {alert.deadline:%d-%m-%Y} "
                    f"({alert.days_before} dage før) – {alert.object_repr}{owner}"
                )
            self.stdout.write(
                self.style.WARNING(
                    f"Tørkørsel {today:%d-%m-%Y}: {len(result.due)} varsler til "
                    f"{len(result.recipients)} modtagere. Intet er sendt."
                )
            )
            return
        sent = sum(
            1 for email in result.recipients if alerts.send_digest(email=email, today=today)
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{today:%d-%m-%Y}: {result.recorded} nye varsler registreret, "
                f"{sent} mails sendt."
            )
        )
