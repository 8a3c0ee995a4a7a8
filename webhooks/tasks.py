"""Celery tasks of the webhooks: one attempt of one delivery, the sweep of due
deliveries (retries, and sends whose task was lost) and the gap scan."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="webhooks.deliver", acks_late=True, ignore_result=True)
def deliver(delivery_id: int) -> str | None:
    """One attempt, if the delivery is still due and no other worker has taken it."""
    return services.deliver(delivery_id)


@shared_task(name="webhooks.deliver_due", acks_late=True, ignore_result=True)
def deliver_due() -> int:
    """Every minute (beat): the retries whose time has come and anything left behind."""
    return services.deliver_due()


@shared_task(name="webhooks.scan_gaps", acks_late=True, ignore_result=True)
def scan_gaps() -> int:
    """Every 15 minutes (beat): gap.opened / gap.closed for the subscribed organisations."""
    return services.scan_gaps()
