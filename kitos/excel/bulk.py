"""Inserting the many new rows of a large import.

On PostgreSQL new objects go in through ``COPY``: the ids are reserved from the table's
sequence in one query, then every row is streamed as text. Django's ``bulk_create``
builds one SQL parameter per value through several Python calls each, which for a
100,000-row import costs more than the database's own work (see
``benchmarks/bench_import.py``). Values still pass through each field's ``pre_save``
(``auto_now`` and the like), so what lands in the table is what ``bulk_create`` would
have written. Other databases (SQLite in development and tests) use ``bulk_create``.
"""

from __future__ import annotations

import datetime
import decimal
import io
import json
import uuid

from django.db import connection, models
from django.db.models.base import ModelState

BATCH_SIZE = 1000
# Rows per COPY statement: bounds the memory of the text buffer.
COPY_ROWS = 20000

# Internal field types whose Python value is written as plain text.
_PLAIN_TYPES = {
    "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField",
    "DateField", "DateTimeField", "DecimalField", "EmailField", "ForeignKey", "IntegerField",
    "JSONField", "PositiveBigIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
    "SlugField", "SmallIntegerField", "TextField", "URLField", "UUIDField",
}
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def insert(model: type[models.Model], objects: list) -> None:
    """Insert `objects` (new instances of `model`) and give them their ids."""
    if not objects:
        return
    fields = [f for f in model._meta.concrete_fields if not f.generated]
    if connection.vendor != "postgresql" or any(
        f.get_internal_type() not in _PLAIN_TYPES for f in fields
    ):
        model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
        return
    for obj in objects:
        # As bulk_create does: a foreign key to an object inserted earlier in the import
        # takes that object's new id.
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
    for start in range(0, len(objects), COPY_ROWS):
        _copy(model, fields, objects[start:start + COPY_ROWS])


def instance(model: type[models.Model], **values) -> models.Model:
    """A new unsaved `model` instance with `values` set and every other field at its
    default: what ``model(**values)`` gives, without ``Model.__init__``'s per-field
    work, which dominates building 100,000 objects. (No pre_init/post_init signals:
    none of the imported models uses them.)"""
    template = _TEMPLATES.get(model)
    if template is None:
        probe = model()
        template = _TEMPLATES[model] = (
            {key: value for key, value in probe.__dict__.items() if key != "_state"},
            [(f.attname, f.get_default) for f in model._meta.concrete_fields
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


def _copy(model, fields, objects: list) -> None:
    meta = model._meta
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objects)],
        )
        for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = pk
        buffer = io.StringIO()
        write = buffer.write
        # Fields that fill themselves in (auto_now) go through pre_save; the others are
        # read straight from the instance.
        automatic = [field for field in fields if getattr(field, "auto_now", False)
                     or getattr(field, "auto_now_add", False)]
        for obj in objects:
            for field in automatic:
                field.pre_save(obj, True)
        converters = [(field.attname, _converter(field)) for field in fields]
        for obj in objects:
            state = obj.__dict__
            write("\t".join([convert(state[attname]) for attname, convert in converters]))
            write("\n")
        buffer.seek(0)
        columns = ", ".join(quote(field.column) for field in fields)
        cursor.cursor.copy_expert(
            f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN", buffer
        )
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias


def _converter(field):
    kind = field.get_internal_type()
    if kind == "JSONField":
        encoder = field.encoder

        def convert(value):
            return "\\N" if value is None else json.dumps(value, cls=encoder).translate(
                _ESCAPES)

        return convert
    return _text


def _text(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    kind = type(value)
    if kind is str:
        return value.translate(_ESCAPES)
    if kind is bool:
        return "t" if value else "f"
    if kind is int or kind is decimal.Decimal or kind is uuid.UUID:
        return str(value)
    if kind is datetime.date or kind is datetime.datetime:
        return value.isoformat()
    # str subclasses (lazy or safe strings, choices) and anything else numeric-like.
    return str(value).translate(_ESCAPES)
