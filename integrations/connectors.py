"""Which code runs which kind of connector, and starting a run from a page, a command
or the schedule. Every start goes through ``start_run``: the run itself happens in the
worker (``integrations.run_connector``), or at once where Celery runs eagerly."""

from __future__ import annotations

import datetime
import hashlib
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Connector, ConnectorFile, ConnectorKind, RunMode, RunTrigger, SyncRun

logger = logging.getLogger(__name__)

# kind → the connector's entry point (integrations.runs: the contract every one keeps).
RUNNERS = {
    ConnectorKind.KITOS: "integrations.kitos_api.sync.run",
    ConnectorKind.FK_ORGANISATION: "integrations.fk_org.sync.run",
}

# Kinds that read an uploaded file rather than a server.
FILE_KINDS = frozenset({ConnectorKind.FK_ORGANISATION})

# Uploaded exports kept per connector (older ones and their runs' links are dropped).
KEEP_FILES = 10


def runner(kind: str):
    return import_string(RUNNERS[kind])


def store_file(*, connector: Connector, actor, filename: str, content: bytes) -> ConnectorFile:
    """Keep an uploaded export for its runs; only the newest KEEP_FILES stay."""
    with transaction.atomic():
        stored = ConnectorFile.objects.create(
            organisation_id=connector.organisation_id, connector=connector,
            filename=filename[:255], size=len(content),
            sha256=hashlib.sha256(content).hexdigest(), content=content,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
        old = list(ConnectorFile.objects.filter(connector=connector)
                   .values_list("pk", flat=True)[KEEP_FILES:])
        if old:
            ConnectorFile.objects.filter(pk__in=old).delete()
    return stored


def execute(*, connector_id: int, mode: str, trigger: str, user_id: int | None = None,
            file_id: int | None = None) -> SyncRun | None:
    """Run one connector now (the task's body). A connector or file deleted meanwhile is
    skipped; a run refused because another one runs is logged."""
    from django.contrib.auth import get_user_model

    from .runs import RunRefused

    connector = Connector.objects.filter(pk=connector_id).first()
    if connector is None:
        return None
    actor = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    content = None
    source_file = None
    if file_id is not None:
        source_file = ConnectorFile.objects.filter(pk=file_id, connector=connector).first()
        if source_file is None:
            return None
        content = bytes(source_file.content)
    try:
        run = runner(connector.kind)(
            connector=connector, mode=mode, trigger=trigger, actor=actor, content=content)
    except RunRefused as exc:
        logger.info("connector %s not run: %s", connector.pk, exc)
        return None
    if source_file is not None:
        SyncRun.objects.filter(pk=run.pk).update(source_file=source_file)
        run.source_file = source_file
    return run


def start_run(*, connector: Connector, mode: str, trigger: str = RunTrigger.USER, actor=None,
              source_file: ConnectorFile | None = None) -> None:
    """Queue a run (after the caller's transaction commits)."""
    from .tasks import run_connector

    kwargs = {
        "connector_id": connector.pk, "mode": str(mode), "trigger": str(trigger),
        "user_id": getattr(actor, "pk", None), "file_id": getattr(source_file, "pk", None),
    }
    transaction.on_commit(lambda: run_connector.delay(**kwargs))


def due_for_schedule(connector: Connector, last_scheduled_at, now) -> bool:
    """Whether a scheduled connector should run now: hourly ones an hour after their last
    scheduled run, nightly ones once a night between 01:00 and 05:00 local time."""
    if connector.schedule == "hourly":
        return last_scheduled_at is None or now - last_scheduled_at >= datetime.timedelta(
            minutes=55)
    if connector.schedule == "daily":
        local = timezone.localtime(now)
        if not 1 <= local.hour < 5:
            return False
        return last_scheduled_at is None or (
            timezone.localtime(last_scheduled_at).date() < local.date())
    return False


def run_scheduled(*, now=None) -> int:
    """Start every connector whose schedule is due (the beat task's body); returns how
    many were started. A file connector runs on its newest uploaded export unless it
    reads from its configured place (its own code decides: content None)."""
    from django.db.models import Max, Q

    now = now or timezone.now()
    started = 0
    connectors = Connector.objects.exclude(schedule="off").annotate(
        last_scheduled_at=Max("runs__started_at",
                              filter=Q(runs__trigger=RunTrigger.SCHEDULE)))
    for connector in connectors:
        if due_for_schedule(connector, connector.last_scheduled_at, now):
            start_run(connector=connector, mode=RunMode.APPLY, trigger=RunTrigger.SCHEDULE)
            started += 1
    return started

