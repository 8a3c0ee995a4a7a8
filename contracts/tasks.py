"""Celery tasks of the contracts app: thin wrappers around the services."""

from celery import shared_task

from .services import refresh_deadlines


@shared_task(name="contracts.refresh_deadlines", acks_late=True)
def refresh_contract_deadlines() -> int:
    """Nightly: move every contract's stored deadlines to today. Idempotent."""
    return refresh_deadlines()
