"""Inserting the many new rows of a large import.

On PostgreSQL new objects go in through ``COPY``: the ids are reserved from the table's
sequence in one query, then every row is streamed as text. Django's ``bulk_create``
builds one SQL parameter per value through several Python calls each, which for a
100,000-row import costs more than the database's own work (see
``benchmarks/bench_import.py``). Values still pass through each field's ``pre_save``
(``auto_now`` and the like), so what lands in the table is what ``bulk_create`` would
have written. Other databases (SQLite in development and tests) use ``bulk_create``.

Inside ``pipelined()`` the ``COPY`` statements run on a background thread while the
import builds the next batch (the coverage rows, the audit entries): PostgreSQL and
Python then work at the same time on the machine's cores instead of taking turns, which
is most of what a large import's commit costs. See ``pipelined`` for how the ordering
and the error handling stay those of the plain path.
"""

from __future__ import annotations

import contextlib
import contextvars
import csv
import datetime
import decimal
import functools
import io
import json
import operator
import queue
import threading
import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils import timezone

BATCH_SIZE = 1000
# Rows per COPY statement: bounds the memory of the text buffer, and how long the
# database works on its own after the last one when pipelined.
COPY_ROWS = 5000

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
    # As bulk_create does: a foreign key to an object inserted earlier in the import
    # takes that object's new id.
    _prepare_related(model, objects)
    meta = model._meta
    pipeline = _pipeline.get()
    if pipeline is not None:
        ids = pipeline.reserve_ids(meta.db_table, meta.pk.column, len(objects))
    else:
        with connection.cursor() as cursor:
            ids = _reserve_ids(cursor, meta.db_table, meta.pk.column, len(objects))
    for obj, pk in zip(objects, ids, strict=True):
        obj.pk = pk
    # Checking the deferred foreign keys on the writer thread keeps that work off the
    # final COMMIT, where nothing else could run beside it: after each COPY, unless the
    # rows may refer to each other (a parent in a later COPY of this call), then once
    # the call's last COPY is in.
    refers_to_itself = any(
        f.many_to_one and f.related_model is model for f in fields)
    for start in range(0, len(objects), COPY_ROWS):
        statement, text = _copy_statement(model, fields, objects[start:start + COPY_ROWS])
        if pipeline is not None:
            pipeline.submit(statement, text)
            if not refers_to_itself:
                pipeline.submit(_CHECK_CONSTRAINTS)
        else:
            with connection.cursor() as cursor:
                _copy(cursor.cursor, statement, text)
    if pipeline is not None and refers_to_itself:
        pipeline.submit(_CHECK_CONSTRAINTS)
    alias = connection.alias  # a thread-local look-up: once, not per object
    for obj in objects:
        state = obj._state
        state.adding = False
        state.db = alias


def _prepare_related(model, objects: list) -> None:
    """``Model._prepare_related_fields_for_save`` (as ``bulk_create`` calls it) for each
    of `objects`, through Django's own method only for an object that needs it: one
    whose cached related object is unsaved, or was saved after it was assigned (the
    foreign key takes its new id), or no longer matches the key. For the others (nearly
    all) it does nothing, which is found out here without its walk over every field."""
    relations = _relations(model)
    if relations is None:
        for obj in objects:
            obj._prepare_related_fields_for_save(operation_name="bulk_create")
        return
    if not relations:
        return
    for obj in objects:
        cache = obj._state.fields_cache
        if not cache:
            continue
        values = obj.__dict__
        for cache_name, attname, target_attname, empty_values in relations:
            related = cache.get(cache_name)
            if not related:
                continue  # not cached, or cached as None: Django skips it too
            own = values.get(attname, empty_values)  # missing (deferred): Django decides
            if own is empty_values or own in empty_values or not related._is_pk_set() \
                    or getattr(related, target_attname) != own:
                obj._prepare_related_fields_for_save(operation_name="bulk_create")
                break


@functools.cache
def _relations(model) -> tuple | None:
    """(cache name, attribute name, the related object's attribute it holds, empty
    values) of each foreign key of `model`; None when the model has a generic foreign
    key, which Django's method checks too (the private fields it looks at)."""
    meta = model._meta
    if any(field.is_relation and hasattr(field, "fk_field") for field in meta.private_fields):
        return None
    return tuple(
        (field.cache_name, field.attname, field.target_field.attname, field.empty_values)
        for field in meta.concrete_fields if field.is_relation
    )


def _reserve_ids(cursor, table: str, column: str, count: int) -> list[int] | range:
    """`count` new ids from the table's sequence."""
    # The sequence is named once: pg_get_serial_sequence per drawn id costs more than
    # drawing it.
    cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
    (sequence,) = cursor.fetchone()
    draw = "SELECT nextval(%s::regclass) AS id FROM generate_series(1, %s)"
    # Usually nobody else draws from the sequence at the same moment and the ids are one
    # run: then only its ends travel, not 100,000 numbers.
    cursor.execute(f"SELECT min(id), max(id) FROM ({draw}) AS reserved", [sequence, count])
    low, high = cursor.fetchone()
    if high - low + 1 == count:
        return range(low, high + 1)
    # Another session drew ids in between: draw again, one by one (sequences have gaps
    # anyway; the first draw is simply not used).
    cursor.execute(draw, [sequence, count])
    return [pk for (pk,) in cursor.fetchall()]


# Text columns: in CSV an unquoted empty value is NULL, so these say it is ''.
_TEXT_TYPES = frozenset({"CharField", "EmailField", "SlugField", "TextField", "URLField"})


def _copy_statement(model, fields, objects: list) -> tuple[str, str]:
    """The COPY statement for `objects` and their rows.

    CSV, written by the csv module: one C call per row instead of a Python call per
    value, which on a large import is most of the cost of the text. In CSV an unquoted
    empty value is NULL and backslashes are plain text, so the values need no escaping;
    text columns are told that empty means '' (FORCE_NOT_NULL), which is right because
    kitos' text fields are not nullable (a model with one that is uses the text format,
    as does a batch that contains ``\\.``, which some servers read as the end of the data
    even inside quotes).

    A model with a JSON column (the audit log) uses the text format too: the csv module
    looks up every character of a value it writes, which on long JSON texts full of
    quotes costs more than the text format's call per value (and its JSON needs only
    its backslashes doubled, see ``_text_converter``)."""
    _prepare(fields, objects)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    table = quote(model._meta.db_table)
    text_columns = [field for field in fields if field.get_internal_type() in _TEXT_TYPES]
    has_json = any(field.get_internal_type() == "JSONField" for field in fields)
    if not has_json and not any(field.null for field in text_columns):
        text = _csv_text(fields, objects)
        if "\\." not in text:
            options = "FORMAT csv"
            if text_columns:
                options += ", FORCE_NOT_NULL ({})".format(
                    ", ".join(quote(field.column) for field in text_columns))
            return f"COPY {table} ({columns}) FROM STDIN WITH ({options})", text
    return f"COPY {table} ({columns}) FROM STDIN", _copy_text(fields, objects)


def _prepare(fields, objects: list) -> None:
    """Fields that fill themselves in (auto_now) go through pre_save, as bulk_create
    does; the others are read straight from the instance."""
    automatic = [field for field in fields if getattr(field, "auto_now", False)
                 or getattr(field, "auto_now_add", False)]
    # DateTimeField's own pre_save sets the attribute to timezone.now(): done here
    # without the call per object and field (a subclass's pre_save is still called).
    stamped = [field.attname for field in automatic
               if type(field).pre_save is models.DateTimeField.pre_save]
    others = [field for field in automatic
              if type(field).pre_save is not models.DateTimeField.pre_save]
    now = timezone.now
    for obj in objects:
        values = obj.__dict__
        for attname in stamped:
            values[attname] = now()
        for field in others:
            field.pre_save(obj, True)


def _values_of(fields):
    """A function giving an object's ``__dict__``'s values in the order of `fields` (all
    of a row's values in one C call)."""
    attnames = [field.attname for field in fields]
    if len(attnames) > 1:
        return operator.itemgetter(*attnames)
    return lambda state: (state[attnames[0]],)


def _csv_text(fields, objects: list) -> str:
    """The rows of `objects` as CSV (models without JSON columns, see _copy_statement)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(
        map(_values_of(fields), [obj.__dict__ for obj in objects]))
    return buffer.getvalue()


def _copy_text(fields, objects: list) -> str:
    """The rows of `objects` in COPY's text format."""
    converters = [_text_converter(field) for field in fields]
    values_of = _values_of(fields)
    join = "\t".join
    lines = [join([convert(value) for convert, value
                   in zip(converters, values_of(obj.__dict__), strict=True)])
             for obj in objects]
    lines.append("")
    return "\n".join(lines)


def _text_converter(field):
    """The function giving a value of `field` in COPY's text format."""
    if field.get_internal_type() != "JSONField":
        return _text
    encoder = field.encoder or json.JSONEncoder
    # What json.dumps(value, cls=encoder, ensure_ascii=False) gives, one encoder per
    # column instead of one per value.
    encode = encoder(ensure_ascii=False).encode
    if encoder not in (json.JSONEncoder, DjangoJSONEncoder):
        return lambda value: "\\N" if value is None else encode(value).translate(_ESCAPES)

    def json_text(value):
        # These encoders escape every control character (tab, line breaks) inside
        # strings and put none between the items: of the text format's escapes only
        # the backslash is left, and one replace is cheaper than translate.
        return "\\N" if value is None else encode(value).replace("\\", "\\\\")

    return json_text


def _copy(raw_cursor, statement: str, text: str) -> None:
    # One read of the whole text: psycopg2 reads the file in `size` pieces, each under
    # the GIL, which the building thread holds most of the time when pipelined.
    raw_cursor.copy_expert(statement, io.StringIO(text), size=len(text) + 1)


# Django's own way to check deferred constraints on demand (``check_constraints``): the
# pending checks run now, later rows are deferred again.
_CHECK_CONSTRAINTS = "SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED"
_pipeline: contextvars.ContextVar[_Pipeline | None] = contextvars.ContextVar(
    "kitos_copy_pipeline", default=None)


@contextlib.contextmanager
def pipelined():
    """Run the ``COPY`` statements of ``insert`` on a background thread for the block.

    The statements keep their order (one writer, one queue) and run on the block's own
    connection, so in its transaction. Every other query the block makes through Django
    first waits until the writer has caught up (an execute wrapper), so it sees the rows
    inserted before it, exactly as without the pipeline. New ids come from the
    sequences over a second connection: ``nextval`` is not transactional, and asking on
    the busy connection would wait for the writer.

    Each statement runs in a savepoint: when one fails (a row the database refuses), the
    writer skips the rest and the transaction stays usable, so the block can finish its
    work (an import goes on validating to report every error) before it learns of the
    failure from ``check()`` or, at the latest, when it ends, as Django's database
    error. Outside PostgreSQL this does nothing.

    The rule for code inside the block: talk to the database through Django's cursors
    only (``execute``/``executemany``). A server-side cursor (``QuerySet.iterator()``)
    or the raw psycopg2 connection would bypass the wait and run beside the writer.
    """
    if connection.vendor != "postgresql" or _pipeline.get() is not None:
        yield None
        return
    pipeline = _Pipeline(connection)
    token = _pipeline.set(pipeline)
    try:
        with connection.execute_wrapper(pipeline.wait_before_query):
            yield pipeline
            pipeline.check()
    except BaseException:
        pipeline.cancelled = True  # the transaction rolls back: the rest is not sent
        raise
    finally:
        _pipeline.reset(token)
        pipeline.close()


def active_pipeline() -> _Pipeline | None:
    """The pipeline of the enclosing ``pipelined()`` block, if any."""
    return _pipeline.get()


class _Pipeline:
    # Batches of text in flight at most: bounds the memory of a large import (the rows
    # limit bounds it too) without making the builder wait for the writer.
    QUEUE_SIZE = 32

    def __init__(self, wrapper):
        wrapper.ensure_connection()
        self.wrapper = wrapper
        self.jobs: queue.Queue = queue.Queue(maxsize=self.QUEUE_SIZE)
        self.error: BaseException | None = None
        self.cancelled = False
        self.id_connection = None
        self.thread = threading.Thread(
            target=self._run, args=(wrapper.connection,), name="kitos-copy", daemon=True)
        self.thread.start()

    def _run(self, raw_connection) -> None:
        # Whatever fails here, every job is still taken off the queue and marked done:
        # the block waits on the queue and must never wait for ever.
        cursor = None
        try:
            cursor = raw_connection.cursor()
        except BaseException as error:  # noqa: BLE001 - handed to the block
            self.error = error
        try:
            while True:
                job = self.jobs.get()
                try:
                    if job is None:
                        return
                    if self.error is None and not self.cancelled:
                        self._execute(cursor, *job)
                except BaseException as error:  # noqa: BLE001 - handed to the block
                    self.error = error
                finally:
                    self.jobs.task_done()
        finally:
            if cursor is not None:
                with contextlib.suppress(Exception):
                    cursor.close()

    @staticmethod
    def _execute(cursor, statement: str, text: str | None) -> None:
        cursor.execute("SAVEPOINT kitos_copy")
        try:
            if text is None:
                cursor.execute(statement)
            else:
                _copy(cursor, statement, text)
        except BaseException:
            # Back to before the statement: the transaction stays usable for the block.
            # (Only here: when SAVEPOINT itself failed there is nothing to go back to,
            # and its own error is the one to report.)
            with contextlib.suppress(Exception):
                cursor.execute("ROLLBACK TO SAVEPOINT kitos_copy")
            raise
        cursor.execute("RELEASE SAVEPOINT kitos_copy")

    def reserve_ids(self, table: str, column: str, count: int) -> list[int]:
        if self.id_connection is None:
            self.id_connection = self.wrapper.get_new_connection(
                self.wrapper.get_connection_params())
            self.id_connection.autocommit = True
        with self.id_connection.cursor() as cursor:
            return _reserve_ids(cursor, table, column, count)

    def submit(self, statement: str, text: str | None = None) -> None:
        if self.error is None:  # after a failure nothing more is sent
            self.jobs.put((statement, text))

    @property
    def failed(self) -> bool:
        """Whether a statement failed (known so far: the writer may be behind)."""
        return self.error is not None

    def wait_before_query(self, execute, sql, params, many, context):
        self.jobs.join()
        return execute(sql, params, many, context)

    def check(self) -> None:
        """Wait for the writer; raise its failure, if any, as Django's database error."""
        self.jobs.join()
        if self.error is not None:
            with self.wrapper.wrap_database_errors:
                raise self.error

    def close(self) -> None:
        self.jobs.put(None)
        self.thread.join()
        if self.id_connection is not None:
            self.id_connection.close()


def _text(value) -> str:
    """A value in COPY's text format."""
    convert = _BY_TYPE.get(type(value))
    if convert is not None:
        return convert(value)
    # str subclasses (lazy or safe strings, choices) and anything else numeric-like.
    return str(value).translate(_ESCAPES)


def _escaped(value: str) -> str:
    return value.translate(_ESCAPES)


# Looked up by exact type: one dict probe per value instead of a chain of type tests
# (a large import writes millions of values).
_BY_TYPE = {
    type(None): lambda value: "\\N",
    str: _escaped,
    bool: lambda value: "t" if value else "f",
    int: str,
    decimal.Decimal: str,
    uuid.UUID: str,
    datetime.date: datetime.date.isoformat,
    datetime.datetime: datetime.datetime.isoformat,
}
