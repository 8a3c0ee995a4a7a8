"""Recording changes in the audit log.

A context (a contextvar) carries the group id and channel of the current action: the
middleware opens one per web request, importers and commands open one per run with
``audit_context``. Services call ``snapshot`` before and after a change and
``record_change`` (or ``record_changes`` for bulk paths) with the difference.
"""

from __future__ import annotations

import contextvars
import datetime
import decimal
import uuid
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models

from . import hooks
from .db import new_instance
from .models import AuditAction, AuditEntry, AuditSource


@dataclass(frozen=True)
class AuditContext:
    source: str = AuditSource.SYSTEM
    group_id: uuid.UUID = field(default_factory=uuid.uuid4)


_current: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar(
    "kitos_audit_context", default=None
)


def current_context() -> AuditContext:
    """The open context, or a fresh system one (a shell, a task without a context)."""
    return _current.get() or AuditContext()


@contextmanager
def audit_context(*, source: str, group_id: uuid.UUID | None = None):
    """Group every change made inside the block under one id (an import run, a command)."""
    token = _current.set(AuditContext(source=source, group_id=group_id or uuid.uuid4()))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


class AuditContextMiddleware:
    """Opens an audit context per request: one group id for everything the request
    changes, channel ``api`` under /api/, ``admin`` under /admin/, else ``ui``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            source = AuditSource.API
        elif request.path.startswith("/admin/"):
            source = AuditSource.ADMIN
        else:
            source = AuditSource.UI
        with audit_context(source=source) as context:
            request.audit_group_id = context.group_id
            return self.get_response(request)


_PLAIN_TYPES = frozenset({str, int, bool, float, type(None)})


def _plain(value):
    """A JSON-friendly form of a field value."""
    if type(value) in _PLAIN_TYPES:
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


_SNAPSHOT_PLANS: dict = {}


def _snapshot_plan(model) -> tuple:
    """(field name, attribute name, decimal quantum or None) of each audited field,
    worked out once per model: snapshots are taken per object, 100,000 times in a large
    import."""
    plan = _SNAPSHOT_PLANS.get(model)
    if plan is None:
        # Bookkeeping that moves without anyone changing the object is not audited.
        skipped = {"created_at", "updated_at", *getattr(model, "audit_exclude", ())}
        plan = _SNAPSHOT_PLANS[model] = tuple(
            (f.name, f.attname,
             decimal.Decimal(1).scaleb(-f.decimal_places)
             if isinstance(f, models.DecimalField) else None)
            for f in model._meta.concrete_fields
            if not f.primary_key and f.name not in skipped
        )
    return plan


def snapshot(instance: models.Model, m2m: Iterable[str] = ()) -> dict:
    """The audited state of an object: its concrete editable fields (foreign keys by id)
    and the listed many-to-many fields as sorted id lists."""
    state = {}
    values = instance.__dict__
    for name, attname, quantum in _snapshot_plan(type(instance)):
        value = values[attname] if attname in values else getattr(instance, attname)
        if quantum is not None and value is not None:
            # "99" typed in a form and 99.00 read back are the same amount: compare and
            # store them as the column holds them.
            value = decimal.Decimal(value).quantize(quantum)
        # Most values are plain already: no call for them (an import snapshots every
        # field of every row).
        state[name] = value if type(value) in _PLAIN_TYPES else _plain(value)
    for name in m2m:
        state[name] = sorted(getattr(instance, name).values_list("pk", flat=True))
    return state


def created_changes(instance: models.Model) -> dict:
    """The changes of a new object's entry: ``[None, value]`` for each field of its
    ``snapshot`` (many-to-many fields apart) whose value is neither None nor empty text
    (what an import records for every row it creates), in one pass over the fields."""
    changes = {}
    values = instance.__dict__
    for name, attname, quantum in _snapshot_plan(type(instance)):
        value = values[attname] if attname in values else getattr(instance, attname)
        if quantum is not None and value is not None:
            value = decimal.Decimal(value).quantize(quantum)  # as snapshot() stores it
        if type(value) not in _PLAIN_TYPES:
            value = _plain(value)
        if value not in (None, ""):
            changes[name] = [None, value]
    return changes


def diff(before: dict, after: dict) -> dict:
    """Field -> [before, after] for every field whose value changed."""
    keys = before.keys() | after.keys()
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def build_entry(*, actor, action: str, instance: models.Model, changes: dict) -> AuditEntry:
    return entry_builder(actor=actor, action=action)(instance, changes)


def entry_builder(*, actor, action: str) -> Callable[[models.Model, dict], AuditEntry]:
    """A function ``(instance, changes)`` giving the unsaved entry ``build_entry`` gives,
    for building many entries of one actor and action in the current context (an import
    builds one per row): what they share (the actor, the context, each model's content
    type) is worked out once instead of per entry."""
    context = current_context()
    is_user = actor is not None and actor.is_authenticated and actor.pk is not None
    shared = {
        "actor_id": actor.pk if is_user else None,
        "actor_repr": str(actor)[:200] if is_user else "system",
        "action": action,
        "source": context.source,
        "group_id": context.group_id,
    }
    content_types: dict = {}

    def build(instance: models.Model, changes: dict) -> AuditEntry:
        model = type(instance)
        content_type_id = content_types.get(model)
        if content_type_id is None:
            content_type_id = content_types[model] = ContentType.objects.get_for_model(
                instance).pk
        entry = new_instance(AuditEntry)
        # Straight into the instance by column: the foreign keys' descriptors would cost
        # more than the rest of the entry.
        values = entry.__dict__
        values.update(shared)
        # Link rows have no edit policy but carry their organisation.
        values["organisation_id"] = getattr(instance, "owning_organisation_id", None) or (
            getattr(instance, "organisation_id", None))
        values["content_type_id"] = content_type_id
        values["object_id"] = instance.pk
        values["object_uuid"] = getattr(instance, "uuid", None)
        values["object_repr"] = str(instance)[:300]
        values["changes"] = changes
        if is_user:
            _ACTOR.set_cached_value(entry, actor)  # entry.actor without a query, as before
        return entry

    return build


_ACTOR = AuditEntry._meta.get_field("actor")


def record_change(*, actor, action: str, instance: models.Model, changes: dict) -> AuditEntry:
    """Write one audit entry (in the caller's transaction)."""
    entry = build_entry(actor=actor, action=action, instance=instance, changes=changes)
    entry.save()
    hooks.audit_entries_written([entry])
    return entry


def record_changes(entries: list[AuditEntry]) -> None:
    """Write many entries in one statement: the bulk path (imports, reassignment)."""
    # bulk_create sets the primary keys on SQLite and PostgreSQL alike (Django 5.2):
    # the listeners get saved entries either way.
    saved = AuditEntry.objects.bulk_create(entries, batch_size=500)
    hooks.audit_entries_written(saved)


__all__ = [
    "AuditAction",
    "AuditContext",
    "AuditContextMiddleware",
    "AuditSource",
    "audit_context",
    "build_entry",
    "created_changes",
    "current_context",
    "diff",
    "entry_builder",
    "record_change",
    "record_changes",
    "snapshot",
]
