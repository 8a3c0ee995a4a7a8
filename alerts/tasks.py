"""Celery tasks of the alerts: the daily scan and one digest per recipient. Task names
keep their ``kitos.`` prefix so that messages queued before an upgrade still run."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from kitos.tasks import MAIL_RETRY

from . import advice
from . import services as alerts


@shared_task(name="kitos.scan_alerts", acks_late=True)
def scan_alerts(today: str | None = None) -> dict:
    """Daily (beat, 06:00): record due alerts exactly once, then queue one digest per
    recipient. Running it twice records and sends nothing more."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    result = alerts.scan(today=day)
    for email in result.recipients:
        send_alert_digest.delay_on_commit(email, day.isoformat())
    return {"due": len(result.due), "recorded": result.recorded,
            "recipients": len(result.recipients)}


@shared_task(name="kitos.send_alert_digest", **MAIL_RETRY)
def send_alert_digest(email: str, today: str) -> bool:
    """One recipient's digest for the day (at most one e-mail per day)."""
    return alerts.send_digest(email=email, today=datetime.date.fromisoformat(today)) is not None


@shared_task(name="alerts.send_due_advice", acks_late=True)
def send_due_advice(now: str | None = None) -> dict:
    """Every five minutes (beat), and when an advice is due at once: send each advice
    whose time has come, each due time exactly once (alerts.advice)."""
    return advice.send_due_advice(datetime.datetime.fromisoformat(now) if now else None)
