"""Celery tasks of the connectors: thin, the work is in integrations.connectors and each
connector's run()."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="integrations.run_connector")
def run_connector(*, connector_id: int, mode: str, trigger: str, user_id: int | None = None,
                  file_id: int | None = None) -> str | None:
    """One run of one connector; a second one while it runs is refused, so a duplicate
    message does no harm."""
    from .connectors import execute

    run = execute(connector_id=connector_id, mode=mode, trigger=trigger, user_id=user_id,
                  file_id=file_id)
    return run.status if run else None


@shared_task(name="integrations.run_scheduled")
def run_scheduled() -> int:
    """Start the connectors whose schedule is due."""
    from .connectors import run_scheduled as start_due

    return start_due()
