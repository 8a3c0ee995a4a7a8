"""Database-level tenancy guarantees that Django cannot declare.

"A usage's units belong to its organisation" spans two tables, so no CHECK constraint can
express it. On PostgreSQL a composite foreign key can: the referencing row carries its
organisation and points at ``(id, organisation_id)`` of the referenced row, which has a
matching unique constraint. Migrations add these with ``same_organisation_fk``; SQLite
(the laptop default) cannot add constraints to existing tables and relies on the
services' ``full_clean`` checks, which run on every backend.

``new_instance`` builds unsaved model instances quickly, for the bulk paths (imports and
their audit entries) that build 100,000 at a time.
"""

from __future__ import annotations

import os
import uuid

from django.db import migrations, models
from django.db.models.base import ModelState


def same_organisation_fk(*, name: str, table: str, column: str, ref_table: str):
    """A migration operation adding a named composite FK
    ``(column, organisation_id) -> ref_table(id, organisation_id)`` on PostgreSQL."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(
            f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" '
            f'FOREIGN KEY ("{column}", "organisation_id") '
            f'REFERENCES "{ref_table}" ("id", "organisation_id") '
            "DEFERRABLE INITIALLY DEFERRED"
        )

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS "{name}"')

    return migrations.RunPython(forwards, backwards, elidable=False)


def name_related(model) -> tuple[str, ...]:
    """What an object's name (``__str__``) needs besides its own row, for
    ``select_related`` wherever many names are shown at once (choice lists, history,
    role targets): a model says so in its ``name_related`` attribute (a system usage is
    named after its system)."""
    return tuple(getattr(model, "name_related", ()))


def new_instance(model: type[models.Model], **values) -> models.Model:
    """A new unsaved `model` instance with `values` set and every other field at its
    default: what ``model(**values)`` gives, without ``Model.__init__``'s per-field
    work, which dominates building 100,000 objects. (No pre_init/post_init signals:
    none of the models built this way uses them.)"""
    template = _TEMPLATES.get(model)
    if template is None:
        probe = model()
        template = _TEMPLATES[model] = (
            {key: value for key, value in probe.__dict__.items() if key != "_state"},
            [(f.attname, _pooled_uuid4 if f.default is uuid.uuid4 else f.get_default)
             for f in model._meta.concrete_fields
             if f.has_default() and callable(f.default)],
        )
    defaults, callables = template
    obj = model.__new__(model)
    state = obj.__dict__
    state.update(defaults)
    state["_state"] = ModelState()
    for attname, default in callables:
        state[attname] = default()
    for name, value in values.items():
        setattr(obj, name, value)
    return obj


_TEMPLATES: dict = {}


_RANDOM: list = []
# A forked process (a Celery or gunicorn worker) must not hand out the ids its parent
# holds in the pool: it starts with an empty one.
os.register_at_fork(after_in_child=_RANDOM.clear)


def _pooled_uuid4() -> uuid.UUID:
    """``uuid.uuid4()`` from random bytes fetched 64 KiB at a time: one system call per
    4,096 ids instead of one each (a tenth of the time of building a new object)."""
    try:
        raw = _RANDOM.pop()  # atomic: two threads never get the same bytes
    except IndexError:
        pool = os.urandom(16 * 4096)
        _RANDOM.extend(pool[i:i + 16] for i in range(16, len(pool), 16))
        raw = pool[:16]
    return uuid.UUID(bytes=raw, version=4)


class UnlessTablesExist(migrations.operations.base.Operation):
    """Runs `operations` (CreateModel and what belongs to it) on the database only when
    the `tables` are not there yet; the migration state always gets them.

    For models that moved into a new app with their tables: on a new database the new
    app creates the tables; on a database that already has them (created by the app the
    models came from) nothing is created again and no row is touched. Some but not all
    of them there is an inconsistent database: creating the rest fails loudly."""

    reversible = True
    reduces_to_sql = False

    def __init__(self, tables: list[str], operations: list):
        self.tables = tables
        self.operations = operations

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {"tables": self.tables,
                                                   "operations": self.operations})

    def state_forwards(self, app_label, state):
        for operation in self.operations:
            operation.state_forwards(app_label, state)

    def _tables_exist(self, schema_editor) -> bool:
        with schema_editor.connection.cursor() as cursor:
            existing = set(schema_editor.connection.introspection.table_names(cursor))
        return set(self.tables) <= existing

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if self._tables_exist(schema_editor):
            return
        for operation in self.operations:
            state = from_state.clone()
            operation.state_forwards(app_label, state)
            operation.database_forwards(app_label, schema_editor, from_state, state)
            from_state = state

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        states = [to_state]
        for operation in self.operations[:-1]:
            state = states[-1].clone()
            operation.state_forwards(app_label, state)
            states.append(state)
        for operation, before in zip(reversed(self.operations), reversed(states), strict=True):
            after = before.clone()
            operation.state_forwards(app_label, after)
            operation.database_backwards(app_label, schema_editor, after, before)

    def describe(self):
        return f"Create {', '.join(self.tables)} unless they exist"


def rename_content_types(*, old_app: str, new_app: str, models: list[str]):
    """A migration operation for models that moved from `old_app` to `new_app` with
    their tables: their content types are renamed in place (same ids), so audit
    entries, role assignments, alerts and permissions that point at them keep resolving.
    Nothing to do on a new database."""

    def forwards(apps, schema_editor):
        content_type = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        for model in models:
            if content_type.objects.using(db).filter(app_label=new_app, model=model).exists():
                continue
            content_type.objects.using(db).filter(app_label=old_app, model=model).update(
                app_label=new_app
            )

    def backwards(apps, schema_editor):
        content_type = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        for model in models:
            if content_type.objects.using(db).filter(app_label=old_app, model=model).exists():
                continue
            content_type.objects.using(db).filter(app_label=new_app, model=model).update(
                app_label=old_app
            )

    return migrations.RunPython(forwards, backwards, elidable=False)


def rename_list_keys(renames: dict[str, str]):
    """A migration operation for list pages whose route was renamed (route names follow
    the model, kitos.links.route_name): the columns users chose for them
    (``ListPreference.list_key``, the list's route name) move to the new name."""

    def rename(apps, schema_editor, pairs):
        preference = apps.get_model("kitos", "ListPreference")
        db = schema_editor.connection.alias
        for old, new in pairs:
            preference.objects.using(db).filter(list_key=old).update(list_key=new)

    return migrations.RunPython(
        lambda apps, editor: rename(apps, editor, renames.items()),
        lambda apps, editor: rename(apps, editor, [(n, o) for o, n in renames.items()]),
        elidable=True,
    )


# -- request-time statement timeout -----------------------------------------------------


def limit_request_statements(timeout_ms: int | None = None) -> None:
    """Give every database connection of this process a statement timeout (PostgreSQL).

    Called by the WSGI entry point only: a page or API call has no business running a
    query for minutes (a hostile search did), while imports, the nightly scans and
    migrations in the worker and ``manage.py`` keep no limit. A cancelled query becomes
    a 503 with a Danish message (``kitos.middleware.QueryTimeoutMiddleware``).
    """
    from django.conf import settings
    from django.db.backends.signals import connection_created

    timeout_ms = settings.KITOS_REQUEST_STATEMENT_TIMEOUT_MS if timeout_ms is None else timeout_ms
    if timeout_ms <= 0:
        return

    def set_timeout(sender, connection, **kwargs):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = %s", [int(timeout_ms)])

    connection_created.connect(set_timeout, weak=False, dispatch_uid="kitos-request-timeout")


# -- several counts in one statement ----------------------------------------------------


def count_subquery(queryset) -> models.Expression:
    """``queryset.count()`` as an expression: a scalar subquery (0 when empty)."""
    from django.db.models import Count, IntegerField, Subquery, Value
    from django.db.models.functions import Coalesce

    counted = (
        queryset.order_by()
        .annotate(_kitos_all=Value(1, output_field=IntegerField()))
        .values("_kitos_all")
        .annotate(n=Count("pk", distinct=queryset.query.distinct))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def counts(anchor: models.Model, querysets: dict) -> dict:
    """``{key: querysets[key].count()}`` in one statement instead of one per key: each
    count a scalar subquery in a select of `anchor`'s row (any row known to exist, such
    as the organisation the counts are about). Pages that show many numbers (the
    dashboard's tiles, the gap counts per rule) cost one query whatever their number."""
    if not querysets:
        return {}
    row = (
        type(anchor)._base_manager.filter(pk=anchor.pk)
        .values(**{f"c{index}": count_subquery(queryset)
                   for index, queryset in enumerate(querysets.values())})
        .first()
    )
    return {key: row[f"c{index}"] for index, key in enumerate(querysets)}


# -- a value per group -----------------------------------------------------------------


class PerGroup(models.ExpressionWrapper):
    """An expression of a grouped query's columns computed once per group (a lookup by a
    grouped id, a CASE on a window function): Django would add it to the GROUP BY like
    any annotation that is not an aggregate, which PostgreSQL refuses for a window
    function and which would only repeat the grouping for the rest."""

    def get_group_by_cols(self):
        return []


# -- a group's values in one text ------------------------------------------------------------

# Between the joined values: the ASCII unit separator, which no name typed in kitos holds.
JOIN_SEPARATOR = "\x1f"


class JoinedText(models.Aggregate):
    """The values of a group joined into one text (``split_joined`` reads it back): the
    names of a contract's agreement elements beside the contract in its own query,
    where a many-to-many read would cost a query of its own on a page at its budget."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, chr(31))"
    output_field = models.TextField()
    allow_distinct = False

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite's GROUP_CONCAT takes the same arguments as PostgreSQL's STRING_AGG.
        return self.as_sql(compiler, connection, function="GROUP_CONCAT",
                           template="%(function)s(%(expressions)s, char(31))", **extra_context)


def split_joined(text: str | None) -> list[str]:
    return text.split(JOIN_SEPARATOR) if text else []
