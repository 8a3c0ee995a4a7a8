"""Celery tasks of the core: the worker ping, the heartbeat, and the retry policy every
task that sends mail uses. Tasks are thin wrappers that take plain values, reload and
call a service; all are idempotent (safe to run twice or retry)."""

from __future__ import annotations

import smtplib

from celery import shared_task

from . import health

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
    """Answered by any live worker: proves a task goes through the queue and back."""
    return "pong"


@shared_task(name="kitos.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Scheduled by beat (settings HEADER_BEAT_SCHEDULE), run by a worker: the time it ran,
    stored in Redis, tells /readyz that both are alive. Running it twice is harmless."""
    health.record_heartbeat()
