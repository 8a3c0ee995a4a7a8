"""Project-level Celery tasks: thin wrappers that take plain values, reload and call a
service; all are idempotent (safe to run twice or retry)."""

from __future__ import annotations

import datetime
import smtplib

from celery import shared_task
from django.utils import timezone

from . import alerts

# Errors worth retrying: the mail server or the network hiccupped.
TRANSIENT = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)
# How every task that sends mail retries: backing off from 30 s to 30 min, 8 times.
MAIL_RETRY = {
    "acks_late": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": 30,
    "retry_backoff_max": 30 * 60,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(name="kitos.ping", acks_late=True, ignore_result=False)
def ping() -> str:
    """Answered by any live worker: `/healthz?worker=1` uses it to prove the queue works."""
    return "pong"


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


@shared_task(name="kitos.run_import", acks_late=True)
def run_import(run_id: int) -> str | None:
    """Preview or commit one uploaded workbook (kitos.excel.services). A run that is no
    longer queued (already done, or running elsewhere) is skipped."""
    from .excel.services import import_execute

    run = import_execute(run_id=run_id)
    return run.status if run else None
