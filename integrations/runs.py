"""A connector's run from start to finish, and the map of outside ids (ExternalId).

Every connector runs inside ``connector_run``: it records the run (started, finished,
counts, errors, duration) whatever happens, refuses a second run of the same connector
while one is running, and opens the audit context that groups the run's changes under
the run's uuid (channel "Synkronisering"), so the run's page links to exactly its
changes in the log.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kitos.audit import AuditSource, audit_context

from .models import Connector, ExternalId, RunMode, RunStatus, RunTrigger, SyncRun

logger = logging.getLogger(__name__)

# A run still "running" after this long lost its worker: it no longer blocks a new run.
STALE_AFTER = datetime.timedelta(hours=2)

# Counted per run; connectors add to them through ``SyncRun.counts``.
COUNT_KEYS = ("created", "updated", "removed", "unchanged", "errors")

# Change rows a run lists (the rest are counted in ``not_listed``): a page, not a dump.
MAX_CHANGES = 5000


class SourceError(Exception):
    """The source could not be read or understood (unreachable, refused the login, sent
    something that is not what its documentation describes). The message is shown on
    the run's page: it says what failed in Danish, without secrets."""


class RunRefused(Exception):
    """A run that must not start (another run of the connector is running)."""


def running_run(connector: Connector) -> SyncRun | None:
    """The connector's run that is running now (one whose worker died stops counting
    after STALE_AFTER)."""
    return SyncRun.objects.filter(
        connector=connector, status=RunStatus.RUNNING,
        started_at__gt=timezone.now() - STALE_AFTER,
    ).first()


def _start(*, connector: Connector, mode: str, trigger: str, actor, since) -> SyncRun:
    with transaction.atomic():
        # The connector's row is the lock: two workers asked to run it at once see the
        # other's run here, one after the other.
        Connector.objects.select_for_update().get(pk=connector.pk)
        running = running_run(connector)
        if running is not None:
            raise RunRefused(_("Forbindelsen kører allerede (startet %(time)s).") % {
                "time": timezone.localtime(running.started_at).strftime("%d-%m-%Y %H:%M")})
        return SyncRun.objects.create(
            organisation_id=connector.organisation_id, connector=connector, mode=mode,
            trigger=trigger, started_by=actor if getattr(actor, "pk", None) else None,
            started_at=timezone.now(), since=since,
            counts=dict.fromkeys(COUNT_KEYS, 0),
        )


@contextmanager
def connector_run(*, connector: Connector, mode: str = RunMode.PREVIEW,
                  trigger: str = RunTrigger.USER, actor=None, since=None):
    """Record one run of `connector` around the block, which fills ``run.counts``,
    ``run.errors`` and ``run.changes``. A ``SourceError`` ends the run as failed with its
    message (and is not raised further: the run's page tells); any other exception does
    the same and is raised (a bug: the worker's log gets the traceback)."""
    run = _start(connector=connector, mode=mode, trigger=trigger, actor=actor, since=since)
    status, message = RunStatus.SUCCEEDED, ""
    try:
        with audit_context(source=AuditSource.SYNC, group_id=run.uuid):
            yield run
    except SourceError as exc:
        status, message = RunStatus.FAILED, str(exc)
    except Exception as exc:
        status, message = RunStatus.FAILED, _("Uventet fejl: %(error)s") % {
            "error": type(exc).__name__}
        logger.exception("connector run %s failed", run.uuid)
        raise
    finally:
        run.status = status
        run.message = message or run.message
        run.finished_at = timezone.now()
        run.counts["errors"] = max(run.counts.get("errors", 0), len(run.errors))
        run.save(update_fields=["status", "message", "finished_at", "counts", "errors",
                                "changes"])
    return run


@contextmanager
def writes(run: SyncRun):
    """The run's writes, in one transaction: kept by an apply, rolled back by a preview,
    which so makes exactly the changes the apply would and shows them."""
    with transaction.atomic():
        yield
        if run.mode != RunMode.APPLY:
            transaction.set_rollback(True)


# --- what a run records -----------------------------------------------------------------


def count(run: SyncRun, key: str) -> None:
    run.counts[key] = run.counts.get(key, 0) + 1


def plain(value):
    """A field value as a change row keeps it (JSON: dates as text, objects by name,
    several as a sorted list)."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple | set):
        return sorted(str(item) for item in value)
    return value


def field_label(model, name: str) -> str:
    """The field's verbose name (the run page translates it); not a field: its name."""
    try:
        return str(getattr(model._meta.get_field(name), "verbose_name", name))
    except Exception:  # noqa: BLE001 - e.g. "main_for", a service argument
        return name


def note_change(run: SyncRun, action: str, obj, external_uuid, fields: dict) -> None:
    """Count a create/update/remove of `obj` and list it with its fields (name →
    (old, new)), up to MAX_CHANGES rows."""
    count(run, {"create": "created", "update": "updated", "remove": "removed"}[action])
    if len(run.changes) >= MAX_CHANGES:
        count(run, "not_listed")
        return
    model = type(obj)
    run.changes.append({
        "action": action, "model": model._meta.label_lower,
        "kind": str(model._meta.verbose_name),
        "external_uuid": str(external_uuid) if external_uuid else "", "name": str(obj),
        "fields": {field_label(model, name): [plain(old), plain(new)]
                   for name, (old, new) in fields.items()},
    })


def note_error(run: SyncRun, what: str, message: str) -> None:
    run.errors.append({"object": what, "message": message})


# --- outside ids ------------------------------------------------------------------------


def external_ids(*, organisation, source: str, model: type[models.Model]) -> dict:
    """The source's UUID → kitos id for every `model` object already linked (one
    query)."""
    content_type = ContentType.objects.get_for_model(model)
    return {
        external: object_id
        for external, object_id in ExternalId.objects.filter(
            organisation=organisation, source=source, content_type=content_type,
        ).values_list("external_uuid", "object_id")
    }


def link_external(*, organisation, source: str, external_uuid, obj: models.Model) -> None:
    """Remember that `obj` stands for the source's `external_uuid` (idempotent; moves
    the link when the source object now stands for another kitos object)."""
    content_type = ContentType.objects.get_for_model(obj)
    ExternalId.objects.update_or_create(
        organisation_id=getattr(organisation, "pk", organisation), source=source,
        content_type=content_type, external_uuid=external_uuid,
        defaults={"object_id": obj.pk},
    )


def unlink_external(*, source: str, objects: Iterable[models.Model]) -> None:
    """Forget the links of deleted kitos objects."""
    by_type: dict = {}
    for obj in objects:
        by_type.setdefault(ContentType.objects.get_for_model(obj), []).append(obj.pk)
    for content_type, ids in by_type.items():
        ExternalId.objects.filter(
            source=source, content_type=content_type, object_id__in=ids).delete()
