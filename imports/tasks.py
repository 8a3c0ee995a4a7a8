"""Celery tasks of the imports. The task name keeps its ``kitos.`` prefix so that runs
queued before an upgrade still run."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="kitos.run_import", acks_late=True)
def run_import(run_id: int) -> str | None:
    """Preview or commit one uploaded workbook (imports.services). A run that is no
    longer queued (already done, or running elsewhere) is skipped."""
    from imports.services import import_execute

    run = import_execute(run_id=run_id)
    return run.status if run else None


@shared_task(name="imports.reap_stale_runs")
def reap_stale_runs() -> int:
    """Fail import runs whose worker died (no heartbeat); see import_reap_stale."""
    from imports.services import import_reap_stale

    return import_reap_stale()
