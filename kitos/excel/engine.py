"""The import engine: a workbook in, an ImportReport out, and on commit every change
written all-or-nothing and audited under the import's id.

1. Read (``reader``), recognise each sheet's entity by its name or its headers and find
   the header row below any title rows; unknown columns become warnings.
2. Per entity, in dependency order (``ENTITY_SPECS``): parse every cell, resolve
   references by natural key from lookups loaded once per import (never a query per
   row), match each row to an existing object (by the Id column, else the natural key),
   diff field by field and validate changed objects the way the services do
   (``full_clean`` without the per-object unique and check queries: those are checked
   set-based here, so the number of queries does not grow with the number of rows).
3. Commit: inside one transaction, bulk inserts and updates per entity, link-table
   diffs, and one bulk write of the audit entries. Any failure rolls everything back.
   On PostgreSQL a commit validates inside that transaction and streams the new rows of
   an entity to the database while it validates the rest (``_stream_new``): the
   database's work (index upkeep, foreign-key checks) runs beside Python's instead of
   after it. A row that fails, anywhere, rolls the streamed rows back with the rest.
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
import functools
import gc
import logging
import queue
import re
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import connections, models, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from kitos import hooks, options
from kitos.audit import AuditAction, AuditSource, audit_context, created_changes, entry_builder
from kitos.constraints import condition_field
from kitos.models import AuditEntry
from kitos.tenancy import ADMIN, has_role

from . import bulk
from . import values as cells
from .reader import read_workbook
from .registry import ENTITY_SPECS, SOURCES_BY_KEY
from .report import ImportReport, Issue, RowResult
from .spec import (
    BOOL,
    CHOICE,
    CVR,
    DATE,
    DECIMAL,
    EMAIL,
    INT,
    LIST_SEPARATOR,
    REF,
    REFS,
    TEXT,
    URL,
    Column,
    EntitySpec,
    columns_by_header,
    key_part,
)
from .writer import SERVICE_SHEETS

HEADER_SEARCH_ROWS = 20
PROGRESS_EVERY = 1000
logger = logging.getLogger(__name__)
BATCH_SIZE = 1000

# --- lookups: references by natural key -------------------------------------------------


class Lookup:
    """The objects of one kind an import may reference, by every text that names them
    (a unit by name and by path, a supplier by name and CVR ...)."""

    def __init__(self, source, objects):
        self.source = source
        self.by_pk: dict = {}
        self.by_text: dict[str, list] = defaultdict(list)
        # text -> what resolve gives for it (the object, or the CellError it raises): a
        # supplier named on 5,000 rows is looked up once. Forgotten when one is added.
        self._resolved: dict = {}
        for obj in objects:
            self.add(obj)

    def add(self, obj) -> None:
        self._resolved.clear()
        if obj.pk is not None:
            self.by_pk[obj.pk] = obj
        for text in self.source.reference_texts(obj, self):
            bucket = self.by_text[key_part(text)]
            if not any(existing is obj for existing in bucket):
                bucket.append(obj)

    def resolve(self, text: str):
        found = self._resolved.get(text, self._resolved)
        if found is self._resolved:
            try:
                found = self._resolve(text)
            except cells.CellError as error:
                found = error
            self._resolved[text] = found
        if isinstance(found, cells.CellError):
            raise found
        return found

    def _resolve(self, text: str):
        found = self.by_text.get(key_part(text), ())
        if len(found) == 1:
            return found[0]
        if not found:
            message = _("%(kind)s »%(text)s« findes ikke.") % {
                "kind": self.source.reference_label, "text": text}
            if self.source.missing_hint:
                message = f"{message} {self.source.missing_hint}"
            raise cells.CellError(message)
        preferred = self.source.prefer(found)
        if preferred is not None:
            return preferred
        raise cells.CellError(
            _("%(kind)s »%(text)s« er ikke entydig: %(hint)s")
            % {"kind": self.source.reference_label, "text": text,
               "hint": self.source.ambiguity_hint}
        )

    def text(self, obj) -> str:
        """The text an export writes for `obj`: the first of its names that is unique."""
        if obj is None:
            return ""
        texts = self.source.reference_texts(obj, self)
        for text in texts:
            if len(self.by_text.get(key_part(text), ())) <= 1:
                return text
        return texts[-1] if texts else str(obj)

    def text_for_pk(self, pk) -> str:
        return self.text(self.by_pk.get(pk)) if pk is not None else ""


# --- context -----------------------------------------------------------------------------


@dataclass
class SheetPlan:
    sheet: object
    spec: EntitySpec
    header_number: int
    # (0-based column index, Column, the header text as written in the file)
    columns: list[tuple[int, Column, str]]

    def header_text(self, key: str) -> tuple[str | None, int | None]:
        for index, column, text in self.columns:
            if column.key == key or column.field_name == key:
                return text, index
        return None, None


@dataclass
class RowState:
    plan: SheetPlan
    number: int
    values: dict
    obj: models.Model | None = None
    created: bool = False
    # field name -> (old, new) as comparable values; m2m field -> (old ids, new objects)
    changes: dict = field(default_factory=dict)
    m2m: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)  # (column key or None, message)
    # Whether its link rows went in while validating (see _stream_links).
    linked: bool = False
    # Changes a spec writes itself after the import's writes (after_write), as
    # (column key, old text, new text): shown in the preview and counted as an update.
    extra: list = field(default_factory=list)


class ImportContext:
    def __init__(self, *, actor, organisation, today, commit):
        self.actor = actor
        self.organisation = organisation
        self.today = today
        self.commit = commit
        # A commit on PostgreSQL inserts new objects while it validates (_stream_new).
        self.streaming = False
        self._lookups: dict[str, Lookup] = {}
        self._may_edit: dict = {}
        # Per-import data a spec loads once (e.g. the last oversight per agreement).
        self.cache: dict = {}
        # id(column) -> {(type, raw cell): parsed value or CellError}, see cell_parser.
        self.parsed: dict = {}
        # id(column) -> {code: label as text} of a choice column, see display.
        self.choice_labels: dict = {}
        self.is_admin = has_role(actor, organisation.pk, at_least=ADMIN)

    def lookup(self, key: str) -> Lookup:
        if key not in self._lookups:
            source = SOURCES_BY_KEY[key]
            self._lookups[key] = Lookup(source, list(source.lookup_queryset(self.organisation)))
        return self._lookups[key]

    def set_lookup(self, key: str, objects) -> Lookup:
        self._lookups[key] = Lookup(SOURCES_BY_KEY[key], objects)
        return self._lookups[key]

    def may_edit(self, obj, spec: EntitySpec) -> bool:
        """Whether the actor may change `obj` (one membership query per owning
        organisation and role, whatever the number of rows)."""
        organisation_id = spec.owning_organisation_id(obj)
        cache_key = (organisation_id, obj.edit_role)
        if cache_key not in self._may_edit:
            self._may_edit[cache_key] = organisation_id is not None and has_role(
                self.actor, organisation_id, at_least=obj.edit_role
            )
        return self._may_edit[cache_key]


# --- recognising sheets -----------------------------------------------------------------


def _header_score(row_values, header_map) -> tuple[int, int]:
    matched, unmatched, seen = 0, 0, set()
    for value in row_values:
        if not isinstance(value, str) or not value.strip():
            continue
        column = header_map.get(cells.normalise_header(value))
        if column is None or column.key in seen:
            unmatched += 1
        else:
            seen.add(column.key)
            matched += 1
    return matched, -unmatched


def _recognise(sheets, report: ImportReport) -> list[SheetPlan]:
    header_maps = {spec.key: columns_by_header(spec.all_columns()) for spec in ENTITY_SPECS}
    plans = []
    for sheet in sheets:
        if sheet.name in SERVICE_SHEETS:
            continue  # kitos' own help, lists and error sheets
        if sheet.hidden:
            report.add_warning(Issue(sheet.name, None, None, None, _(
                "Arket er skjult og er ikke importeret.")))
            continue
        sheet_form = cells.normalise_header(sheet.name)
        named = [spec for spec in ENTITY_SPECS if sheet_form in spec.sheet_forms()]
        best = None
        for spec in named or ENTITY_SPECS:
            for row in sheet.rows[:HEADER_SEARCH_ROWS]:
                score = _header_score(row.values, header_maps[spec.key])
                if best is None or score > best[0]:
                    best = (score, spec, row)
        # A sheet without a recognised name needs at least two known headers.
        minimum = 1 if named else 2
        if best is None or best[0][0] < minimum:
            if sheet.rows:
                report.add_warning(Issue(sheet.name, None, None, None, _(
                    "Arket blev ikke genkendt (hverken navnet eller kolonneoverskrifterne) og "
                    "er ikke importeret.")))
            continue
        _score, spec, header_row = best
        plans.append(_plan(sheet, spec, header_row, header_maps[spec.key], report))
    return plans


def _plan(sheet, spec, header_row, header_map, report) -> SheetPlan:
    columns, seen = [], {}
    for index, value in enumerate(header_row.values):
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        text = cells.parse_text(value)
        column = header_map.get(cells.normalise_header(text))
        if column is None:
            report.add_warning(Issue(sheet.name, header_row.number, text, index, _(
                "Ukendt kolonne »%(header)s« er ikke importeret.") % {"header": text}))
        elif column.key in seen:
            report.add_warning(Issue(sheet.name, header_row.number, text, index, _(
                "Kolonnen »%(header)s« findes flere gange; kun den første er brugt.")
                % {"header": text}))
        else:
            seen[column.key] = index
            columns.append((index, column, text))
    plan = SheetPlan(sheet, spec, header_row.number, columns)
    for column in spec.missing_required(set(seen)):
        report.add_error(Issue(sheet.name, header_row.number, column.header, None, _(
            "Den påkrævede kolonne »%(header)s« mangler.") % {"header": column.header}))
    return plan


# --- cells -------------------------------------------------------------------------------


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# Kinds whose parsed value depends on the raw cell alone: a column repeats few distinct
# values (choices, yes/no, dates, amounts), so each is parsed once per import.
PURE_KINDS = frozenset({DATE, DECIMAL, INT, BOOL, CHOICE})


def cell_parser(column: Column, context: ImportContext, spec: EntitySpec) -> Callable:
    """The function turning a raw cell of `column` into its value (or raising CellError),
    its kind's work chosen once per sheet instead of per cell."""
    parse = _kind_parser(column, context, spec)
    if column.required:
        parse_value = parse

        def parse(raw):
            value = parse_value(raw)
            if value is None or value == "" or value == []:
                raise cells.CellError(_("Feltet skal udfyldes."))
            return value

    if column.kind not in PURE_KINDS:
        return parse
    parse_once = parse
    # type(raw) is in the key: 1, 1.0 and True are equal as dict keys.
    memo = context.parsed.setdefault(id(column), {})

    def parse(raw):
        key = (type(raw), raw)
        found = memo.get(key, memo)
        if found is memo:
            try:
                found = parse_once(raw)
            except cells.CellError as error:
                found = error
            memo[key] = found
        if isinstance(found, cells.CellError):
            raise found
        return found

    return parse


# The kinds whose cells need nothing but the cell.
_PLAIN_PARSERS = {
    DATE: cells.parse_date,
    DECIMAL: cells.parse_decimal,
    INT: cells.parse_int,
    BOOL: cells.parse_bool,
    EMAIL: cells.parse_email,
    CVR: cells.parse_cvr,
    URL: cells.parse_url,
}


def _kind_parser(column: Column, context: ImportContext, spec: EntitySpec) -> Callable:
    kind = column.kind
    if kind == TEXT:
        max_length = _max_length(spec, column)

        def text(raw):
            if type(raw) is str:  # what parse_text does with text, without the call
                value = raw.strip()
                if max_length is None or len(value) <= max_length:
                    return value
            return cells.parse_text(raw, max_length=max_length)

        return text
    if kind in _PLAIN_PARSERS:
        return _PLAIN_PARSERS[kind]
    if kind == CHOICE:
        choices = column.choices
        return lambda raw: cells.parse_choice(raw, choices)
    if kind == REF and column.deferred:
        return cells.parse_text
    ref = column.ref
    if kind == REF:

        def reference(raw):
            text = raw.strip() if type(raw) is str else cells.parse_text(raw)
            return context.lookup(ref).resolve(text) if text else None

        return reference
    if kind == REFS:

        def references(raw):
            lookup = context.lookup(ref)
            texts = [t.strip() for t in cells.parse_text(raw).split(LIST_SEPARATOR)
                     if t.strip()]
            value = []
            for text in texts:
                obj = lookup.resolve(text)
                if not any(o is obj for o in value):
                    value.append(obj)
            return value

        return references
    raise ValueError(kind)  # pragma: no cover - a spec bug


_MAX_LENGTHS: dict = {}


def _max_length(spec, column) -> int | None:
    key = (spec.key, column.key)
    if key not in _MAX_LENGTHS:
        length = None
        if column.field_name:
            try:
                length = spec.model._meta.get_field(column.field_name).max_length
            except Exception:  # noqa: BLE001 - a virtual column has no field
                length = None
        _MAX_LENGTHS[key] = length
    return _MAX_LENGTHS[key]


def display(column: Column, value, context: ImportContext) -> str:
    """A value as the preview shows it (and as export writes text)."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    if isinstance(value, datetime.date):
        return value.strftime("%d-%m-%Y")
    if column.kind == CHOICE and column.choices is not None:
        # The labels as text once per import and column (the language does not change
        # within one), not a dict of lazy labels per cell.
        labels = context.choice_labels.get(id(column))
        if labels is None:
            labels = context.choice_labels[id(column)] = {
                code: str(label) for code, label in dict(column.choices.choices).items()}
        label = labels.get(value, labels)
        return str(value) if label is labels else label
    if column.kind == REF:
        return context.lookup(column.ref).text(value) if column.ref else str(value)
    if column.kind == REFS:
        lookup = context.lookup(column.ref)
        return "; ".join(sorted(lookup.text(obj) for obj in value))
    return str(value)


# --- validation --------------------------------------------------------------------------


def _field_value(obj, name: str):
    """A field's value for constraint checks: a foreign key to an object that is not
    saved yet counts as a value of its own (not as NULL)."""
    return _getter(type(obj), name)(obj)


_UNSUPPORTED = object()


@functools.cache
def _split_lookup(lookup: str) -> tuple[str, str]:
    name, _sep, operator = lookup.partition("__")
    return name, operator or "exact"


@functools.cache
def _getter(model, name: str):
    """A function reading field `name` of a `model` instance for ``_field_value``, worked
    out once per model and field."""
    if name == "pk":
        return lambda obj: obj.pk
    meta_field = model._meta.get_field(name)
    attname = meta_field.attname
    if not meta_field.many_to_one:
        return lambda obj: getattr(obj, attname)

    def value_of(obj):
        value = getattr(obj, attname)
        if value is None and meta_field.is_cached(obj):
            related = meta_field.get_cached_value(obj)
            if related is not None:
                return ("new", id(related))
        return value

    return value_of


_OPERATORS = {
    "exact": lambda value, expected: value == expected,
    "in": lambda value, expected: value in expected,
    "gte": lambda value, expected: value >= expected,
    "lte": lambda value, expected: value <= expected,
    "gt": lambda value, expected: value > expected,
    "lt": lambda value, expected: value < expected,
    "regex": lambda value, expected: re.search(expected, str(value)) is not None,
}


def _compile_lookup(model, lookup: str, expected):
    name, operator = _split_lookup(lookup)
    value_of = _getter(model, name)
    if operator == "isnull":
        return lambda obj: (value_of(obj) is None) == expected
    compare = _OPERATORS.get(operator)
    if compare is None:
        return None
    expected_of = _getter(model, expected.name) if isinstance(expected, models.F) else None

    def holds(obj):
        value = value_of(obj)
        other = expected if expected_of is None else expected_of(obj)
        if value is None or other is None:
            return None  # SQL: a comparison with NULL is unknown, which a CHECK lets pass
        try:
            return compare(value, other)
        except TypeError:
            return None

    return holds


def _compile(model, condition: Q):
    """A function giving `condition` for a `model` instance with SQL's three-valued
    logic (True, False or None for unknown), or None when a lookup is not supported."""
    parts = [
        _compile(model, child) if isinstance(child, Q) else _compile_lookup(model, *child)
        for child in condition.children
    ]
    if any(part is None for part in parts):
        return None
    # AND is decided by a False, OR by a True; otherwise an unknown part leaves it unknown.
    decisive = condition.connector != Q.AND
    negated = condition.negated

    def holds(obj):
        unknown = False
        for part in parts:
            result = part(obj)
            if result is None:
                unknown = True
            elif bool(result) is decisive:
                break
        else:
            result = None if unknown else not decisive
        result = None if result is None else bool(result)
        if negated and result is not None:
            return not result
        return result

    return holds


_COMPILED: dict = {}


def condition_holds_function(model, condition: Q):
    """``condition_holds`` for instances of `model` as one function (None when a lookup
    is not supported), for evaluating a condition over many objects."""
    key = (model, id(condition))
    found = _COMPILED.get(key)
    if found is None or found[0] is not condition:
        found = _COMPILED[key] = (condition, _compile(model, condition))
    return found[1]


def condition_holds(obj, condition: Q):
    """Evaluate a constraint's Q in Python with SQL's three-valued logic: True, False,
    or None (unknown, which a CHECK constraint accepts). Each condition is turned into
    a function once per model: constraints are checked for every row of an import."""
    holds = condition_holds_function(type(obj), condition)
    return _UNSUPPORTED if holds is None else holds(obj)


_CHECKS: dict = {}


def _check_constraints(model) -> list:
    checks = _CHECKS.get(model)
    if checks is None:
        checks = _CHECKS[model] = [
            c for c in model._meta.constraints if isinstance(c, models.CheckConstraint)]
    return checks


def _constraint_holds(constraint, obj) -> bool | None:
    """False when `obj` breaks `constraint` (None, unknown, passes as in SQL)."""
    holds = condition_holds(obj, constraint.condition)
    if holds is _UNSUPPORTED:
        try:
            constraint.validate(type(obj), obj)
        except ValidationError:
            return False
        return True
    return holds


def _check_constraint_errors(obj) -> list[tuple[str | None, str]]:
    """(field name or None, message) of each check constraint `obj` breaks."""
    # Each constraint carries its Danish message (kitos.constraints).
    return [(condition_field(constraint.condition), str(constraint.get_violation_error_message()))
            for constraint in _check_constraints(type(obj))
            if _constraint_holds(constraint, obj) is False]


def _constraint_error(spec, constraint) -> tuple[str | None, str]:
    name = condition_field(constraint.condition)
    return (spec.column_for_field(name) if name else None,
            str(constraint.get_violation_error_message()))


def unique_key_function(model, constraint: models.UniqueConstraint) -> Callable:
    """A function ``(obj, pending)`` giving the key an instance of `model` holds in the
    unique `constraint` (None: it holds none), with the stand-ins of `pending` for fields
    that get their value on insert. The constraint's condition, fields and expressions
    are worked out once: the key is asked of every object of an entity."""
    condition = constraint.condition
    holds = None if condition is None else condition_holds_function(model, condition)
    if condition is not None and holds is None:
        return lambda obj, pending: None  # a condition not evaluated here: no key
    fields = [(name, _getter(model, name)) for name in constraint.fields]
    expressions = []
    for expression in constraint.expressions:
        if isinstance(expression, Lower):
            expressions.append((True, _getter(model, expression.source_expressions[0].name)))
        elif isinstance(expression, models.F):
            expressions.append((False, _getter(model, expression.name)))
        else:
            return lambda obj, pending: None

    def unique_key(obj, pending: dict):
        if holds is not None and holds(obj) is not True:
            return None
        parts = [pending[name] if name in pending else value_of(obj)
                 for name, value_of in fields]
        for lower, value_of in expressions:
            value = value_of(obj)
            parts.append(value.casefold() if lower and isinstance(value, str) else value)
        if any(part is None for part in parts):
            return None  # NULLs are distinct in a unique index
        return tuple(parts)

    return unique_key


# --- processing one entity --------------------------------------------------------------


@dataclass
class EntityState:
    spec: EntitySpec
    rows: list[RowState]
    existing: list
    new: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    # m2m column key -> {object pk: set of related pks} as stored
    links: dict = field(default_factory=dict)
    # How many of `new` were inserted while validating (see _stream_new).
    streamed: int = 0
    # Whether a row of the entity failed (nothing more is streamed then).
    failed: bool = False
    # Applied rows whose check constraints are still to be checked (``_check_batch``).
    unchecked: list = field(default_factory=list)
    # How many of `rows` _stream_links has looked at.
    rows_linked: int = 0


def _cell_parsers(plan: SheetPlan, context) -> list[tuple[int, str, Callable]]:
    """(column index, column key, parser) of each column of the sheet."""
    return [(index, column.key,
             cells.parse_text if column.key == "uuid" else cell_parser(column, context,
                                                                       plan.spec))
            for index, column, _text in plan.columns]


def _row_values(parsers: list, raw_row, state_errors) -> dict | None:
    values = {}
    blank = True
    raw_values = raw_row.values
    width = len(raw_values)
    for index, key, parse in parsers:
        raw = raw_values[index] if index < width else None
        if blank and not _empty(raw):
            blank = False
        try:
            values[key] = parse(raw)
        except cells.CellError as error:
            state_errors.append((key, error.message))
    return None if blank else values


def _process_entity(spec, plans, context, report, progress_tick) -> EntityState:
    existing = list(spec.existing(context.organisation))
    by_uuid = {obj.uuid: obj for obj in existing}
    by_key = {}
    for obj in existing:
        for key in spec.object_keys(obj):
            by_key.setdefault(key, obj)
    state = EntityState(spec=spec, rows=[], existing=existing)
    state.links = spec.load_links(spec.existing(context.organisation)) if existing else {}
    streams = context.streaming and _streamable(spec)
    # Rows reference the same instances the entity updates (and new ones, see after_row).
    context.set_lookup(spec.key, existing)
    seen_keys: dict = {}
    seen_objects: dict = {}

    pending = []
    for plan in plans:
        parsers = _cell_parsers(plan, context)
        for raw_row in plan.sheet.rows:
            if raw_row.number <= plan.header_number:
                continue
            errors: list = []
            values = _row_values(parsers, raw_row, errors)
            if values is None:
                continue
            pending.append(RowState(plan=plan, number=raw_row.number, values=values,
                                    errors=errors))

    for row in spec.order_rows(pending, context):
        progress_tick()
        state.rows.append(row)
        row.errors.extend(spec.adjust(row.values, context))
        values = row.values
        id_text = values.pop("uuid", "")
        obj = None
        if id_text:
            try:
                public_id = uuid.UUID(str(id_text))
            except ValueError:
                public_id = None
                if "external_reference" in {c.key for c in spec.columns}:
                    # An OS2KITOS id: KITOS's own number becomes the external reference.
                    values.setdefault("external_reference", str(id_text)[:100])
            if public_id is not None:
                obj = by_uuid.get(public_id)
                if obj is None:
                    row.errors.append(("uuid", _(
                        "Id'et findes ikke i organisationen. Fjern det for at oprette en ny.")))
        if row.errors and obj is None and not _has_key(spec, values):
            _finish_error(row, spec, context, report, state)
            continue
        keys = spec.row_keys(values)
        key = keys[0] if keys else None
        for candidate in keys:
            if obj is not None:
                break
            obj = by_key.get(candidate)
        if key is not None:
            first = seen_keys.get(key)
            if first is not None:
                row.errors.append((spec.key_columns[0], _(
                    "Rækken gentager %(what)s fra række %(row)s i arket »%(sheet)s«.")
                    % {"what": spec.duplicate_label, "row": first.number,
                       "sheet": first.plan.sheet.name}))
            else:
                seen_keys[key] = row
        if obj is not None:
            first = seen_objects.get(id(obj))
            if first is not None and first is not seen_keys.get(key):
                row.errors.append((None, _(
                    "Rækken rammer samme objekt som række %(row)s.") % {"row": first.number}))
            seen_objects[id(obj)] = row
        if row.errors:
            _finish_error(row, spec, context, report, state, obj)
            continue
        _apply(row, spec, obj, context, state)
        if row.errors:
            _finish_error(row, spec, context, report, state, obj)
            continue
        spec.after_row(row, context)
        if streams and len(state.new) - state.streamed >= STREAM_ROWS:
            _check_batch(state)
            streams = report.ok and not state.failed and _stream_new(state)
            if streams:
                _stream_links(state, context)
    _check_batch(state)
    _check_unique(state, context, report)
    for row in state.rows:
        _report_row(row, spec, context, report)
    # References from later entities see the final objects (renamed, new ones included).
    context.set_lookup(spec.key, [*state.existing, *state.new])
    return state


def _has_key(spec, values) -> bool:
    return spec.row_key(values) is not None


def _finish_error(row, spec, context, report, state, obj=None) -> None:
    row.obj = obj
    state.failed = True


# New objects per insert while validating: small enough that the database starts early,
# large enough that a COPY and its foreign-key check are worth a round trip.
STREAM_ROWS = 5000


def _streamable(spec: EntitySpec) -> bool:
    """Whether the entity's new objects can go in as they come: not when the spec orders
    its inserts or follows them up (units: parents first, then their paths)."""
    own = type(spec)
    return (own.create_batches is EntitySpec.create_batches
            and own.after_create is EntitySpec.after_create)


@functools.cache
def _foreign_keys(model) -> tuple:
    return tuple(f for f in model._meta.concrete_fields if f.many_to_one)


def _references_saved(obj) -> bool:
    """Whether every object `obj` refers to has its id (is in the database)."""
    for meta_field in _foreign_keys(type(obj)):
        if meta_field.is_cached(obj):
            related = meta_field.get_cached_value(obj)
            if related is not None and related.pk is None:
                return False
    return True


def _stream_new(state: EntityState) -> bool:
    """Insert the entity's new objects validated since the last call; False when they
    cannot go in yet (a row refers to an object further down the file), and the rest
    then waits for ``_write``."""
    batch = state.new[state.streamed:]
    if not all(_references_saved(obj) for obj in batch):
        return False
    bulk.insert(state.spec.model, batch)
    state.streamed = len(state.new)
    return True


def _stream_links(state: EntityState, context) -> None:
    """Insert the link rows (many-to-many) of the new objects ``_stream_new`` has just
    inserted, as ``write_links`` would later: their keys are then checked while the
    import validates the rest instead of after it (a contract's covered systems cost the
    database as much as the contracts). Only for a spec whose links are the standard
    ones, and only when every object linked to has its id already."""
    spec = state.spec
    rows, state.rows_linked = state.rows[state.rows_linked:], len(state.rows)
    if type(spec).write_links is not EntitySpec.write_links:
        return
    columns = spec.m2m_columns()
    rows = [row for row in rows if row.created and not row.errors]
    if not columns or not rows:
        return
    for row in rows:
        for column in columns:
            linked = row.m2m.get(column.key)
            if linked and any(obj.pk is None for obj in linked[1]):
                return  # one made later in the import: these wait for write_links
    for column in columns:
        spec.write_column_links(column, rows, context)
    for row in rows:
        row.linked = True


@dataclass(frozen=True)
class _SpecColumns:
    """What ``_apply`` and ``_validate`` need of a spec's columns, worked out once."""

    # (column, key, field name, kind) of every column
    columns: tuple
    required_on_create: tuple
    # Model fields a new object's row validates (every column's field).
    field_names: frozenset


_SPEC_COLUMNS: dict = {}


def _spec_columns(spec: EntitySpec) -> _SpecColumns:
    found = _SPEC_COLUMNS.get(spec.key)
    if found is None:
        found = _SPEC_COLUMNS[spec.key] = _SpecColumns(
            columns=tuple((c, c.key, c.field_name, c.kind) for c in spec.columns),
            required_on_create=tuple(c for c in spec.columns if c.required_on_create),
            field_names=frozenset(c.field_name for c in spec.columns if c.field_name),
        )
    return found


def _apply(row: RowState, spec: EntitySpec, obj, context, state: EntityState) -> None:
    values = row.values
    info = _spec_columns(spec)
    created = obj is None
    if created:
        missing = [c for c in info.required_on_create if _blank(values.get(c.key))]
        for column in missing:
            row.errors.append((column.key, _(
                "»%(header)s« skal udfyldes, når der oprettes nyt.") % {"header": column.header}))
        if missing:
            return
        obj = spec.new(context.organisation)
        row.created = True
    row.obj = obj
    changes = row.changes
    for column, key, field_name, kind in info.columns:
        if key not in values:
            continue
        new = values[key]
        if field_name is None and kind != REFS:
            spec.set(obj, column, new, values)
            continue
        if kind == REFS:
            old_ids = state.links.get(key, {}).get(obj.pk, set()) if obj.pk else set()
            new_ids = {o.pk if o.pk is not None else ("new", id(o)) for o in new}
            if created or old_ids != new_ids:
                row.m2m[key] = (old_ids, new)
                _check_new_options(row, obj, column, new, old_ids, context)
            continue
        if kind == REF:
            meta_field = obj._meta.get_field(field_name)
            old_id = getattr(obj, meta_field.attname)
            same = new is not None and new.pk is not None and new.pk == old_id
            if (new is None and old_id is None) or same:
                if new is not None and not meta_field.is_cached(obj):
                    meta_field.set_cached_value(obj, new)
                continue
            changes[field_name] = (
                context.lookup(column.ref).text_for_pk(old_id) if old_id else "",
                new,
                column,
            )
            spec.set(obj, column, new, values)
            continue
        if new is None and kind == BOOL:
            continue  # an empty yes/no cell leaves the answer as it is
        if created:
            if _blank(new):
                continue  # the model's default stays
            old = None
        else:
            old = spec.get(obj, column)
            if _same(old, new):
                continue
        changes[field_name] = (old, new, column)
        spec.set(obj, column, new, values)
    if not created and not changes and not row.m2m:
        return
    spec.prepare(obj, row, context)
    if not context.may_edit(obj, spec):
        row.errors.append((None, spec.permission_message()))
        return
    deferred = _checks_later(spec)
    _validate(row, spec, obj, check_constraints=not deferred)
    if row.errors:
        return
    if deferred:
        state.unchecked.append(row)
    if created:
        state.new.append(obj)
    elif changes:
        state.changed.append(row)


def _checks_later(spec: EntitySpec) -> bool:
    """Whether a row's check constraints can wait for ``_check_batch``: not when the
    spec acts on a row once it passed (units: a new unit becomes a parent the next rows
    may name), which a row failing later must not have had."""
    return type(spec).after_row is EntitySpec.after_row


def _check_batch(state: EntityState) -> None:
    """The model's check constraints over the rows applied since the last call: each
    constraint once over the batch (worked out once per model, see ``condition_holds``),
    not every constraint per row. A failing row is taken out of what will be written,
    with the same errors, in the same order, as the per-row check gives."""
    rows, state.unchecked = state.unchecked, []
    if not rows:
        return
    checks = _check_constraints(state.spec.model)
    if not checks:
        return
    failing: dict = {}
    for constraint in checks:
        holds = condition_holds_function(state.spec.model, constraint.condition)
        for row in rows:
            if (holds(row.obj) if holds is not None
                    else _constraint_holds(constraint, row.obj)) is False:
                failing.setdefault(id(row), row).errors.append(
                    _constraint_error(state.spec, constraint))
    if not failing:
        return
    state.failed = True
    failed_objects = {id(row.obj) for row in failing.values()}
    # Only rows of this batch are taken out: none of them was streamed yet.
    state.new = [obj for obj in state.new if id(obj) not in failed_objects]
    state.changed = [row for row in state.changed if id(row) not in failing]


def _blank(value) -> bool:
    return value is None or value == "" or value == []


def _same(old, new) -> bool:
    if _blank(old) and _blank(new):
        return True
    if isinstance(old, decimal.Decimal) or isinstance(new, decimal.Decimal):
        try:
            return decimal.Decimal(old) == decimal.Decimal(new)
        except (TypeError, decimal.InvalidOperation):
            return False
    return old == new


# Column kinds whose parser already gives a value the field accepts (a valid choice, a
# date, a yes/no): Field.clean would only repeat the check.
_PARSED_VALID = frozenset({CHOICE, DATE, BOOL})
_MODEL_FIELDS: dict = {}


def _model_fields(model) -> dict:
    """Field name -> field for the fields full_clean cleans (foreign keys apart, see
    ``_validate``)."""
    found = _MODEL_FIELDS.get(model)
    if found is None:
        found = _MODEL_FIELDS[model] = {
            f.name: f for f in model._meta.fields if not f.generated and not f.many_to_one
        }
    return found


_REQUIRED_FIELDS: dict = {}


def _required_fields(spec: EntitySpec, fields: dict) -> frozenset:
    """The spec's fields that may not be blank (foreign keys included)."""
    found = _REQUIRED_FIELDS.get(spec.key)
    if found is None:
        meta = spec.model._meta
        found = _REQUIRED_FIELDS[spec.key] = frozenset(
            name for name in _spec_columns(spec).field_names
            if not meta.get_field(name).many_to_many and not meta.get_field(name).blank
        )
    return found


def _is_default(meta_field, value) -> bool:
    return (meta_field.has_default() and not callable(meta_field.default)
            and value == meta_field.default)


@functools.cache
def _only_length_checked(meta_field) -> bool:
    """Whether cleaning the field checks no more than a non-empty text's length: a
    CharField without choices whose only validator is its maximum length."""
    return (
        isinstance(meta_field, models.CharField) and not meta_field.choices
        and meta_field.max_length is not None
        and [type(v) for v in meta_field.validators] == [MaxLengthValidator]
    )


@functools.cache
def _number_without_choices(meta_field) -> bool:
    """Whether `meta_field` is a number field whose clean, for a value of its own type,
    comes down to its validators."""
    return (isinstance(meta_field, models.IntegerField | models.DecimalField)
            and not meta_field.choices and meta_field.editable)


def _check_new_options(row: RowState, obj, column: Column, new, old_ids, context) -> None:
    """Options added to a many-to-many option field must be offered to the organisation
    (the services check it for the other channels; a single option field is checked
    by the model's clean())."""
    if not isinstance(obj, options.OptionFields):
        return
    try:
        obj.check_many_options(column.field_name or column.key, new, old_ids,
                               organisation=context.organisation)
    except ValidationError as error:
        row.errors.extend((column.key, message) for message in error.messages)


def _validate(row: RowState, spec: EntitySpec, obj, *, check_constraints: bool = True) -> None:
    """What full_clean checks (without unique and constraint queries, see
    ``_check_unique`` and ``_check_constraint_errors``), for the fields the row sets."""
    fields = _model_fields(type(obj))
    touched = set(row.changes) | spec.validated_fields(row)
    if row.created:
        # A new object's other fields keep their defaults: only a required one (which
        # has no usable default) can be wrong.
        touched |= _required_fields(spec, fields)
    touched -= spec.pending_values(obj).keys()
    errors: dict = {}
    for name in touched:
        meta_field = fields.get(name)
        if meta_field is None:
            continue
        raw = getattr(obj, meta_field.attname)
        if meta_field.blank and raw in meta_field.empty_values:
            continue
        change = row.changes.get(name)
        if change is None:
            if row.created and _is_default(meta_field, raw):
                continue  # a required field the row leaves at its default
        elif change[2].kind in _PARSED_VALID and not meta_field._validators:
            continue
        elif type(raw) is str and raw and _only_length_checked(meta_field) \
                and len(raw) <= meta_field.max_length:
            continue  # what Field.clean would check, without its calls
        try:
            if (type(raw) is int or type(raw) is decimal.Decimal and raw.is_finite()) \
                    and _number_without_choices(meta_field):
                # Parsed already (an int, a Decimal): of Field.clean only the validators
                # (the limits) have anything left to say.
                meta_field.run_validators(raw)
            else:
                setattr(obj, meta_field.attname, meta_field.clean(raw, obj))
        except ValidationError as error:
            errors[name] = error.messages
    try:
        obj.clean()
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    for name, messages in errors.items():
        key = None if name == NON_FIELD_ERRORS else spec.column_for_field(name)
        for message in messages:
            row.errors.append((key, message))
    # Foreign keys came from the import's lookups (scoped to what the organisation may
    # reference), so full_clean's existence query per row and field is not needed: only
    # a missing required one is checked here.
    for meta_field, name in _required_foreign_keys(type(obj)):
        if name in touched and _field_value(obj, name) is None:
            row.errors.append((spec.column_for_field(name),
                               str(meta_field.error_messages["blank"])))
    if check_constraints or row.errors:
        # A row that failed already is not written: its constraint errors are reported
        # with the others now instead of by ``_check_batch``.
        for name, message in _check_constraint_errors(obj):
            row.errors.append((spec.column_for_field(name) if name else None, message))


@functools.cache
def _required_foreign_keys(model) -> tuple:
    """(field, name) of each foreign key of `model` that may not be blank, in field order."""
    return tuple((f, f.name) for f in model._meta.fields if f.many_to_one and not f.blank)


def _check_unique(state: EntityState, context, report) -> None:
    """Unique constraints over the final objects of the entity: the untouched existing
    ones and every row's result. A clash names the rows (and the existing object)."""
    spec = state.spec
    constraints = [
        c for c in spec.model._meta.constraints
        if isinstance(c, models.UniqueConstraint) and "id" not in c.fields
    ]
    if not constraints:
        return
    row_of = {id(row.obj): row for row in state.rows if row.obj is not None and not row.errors}
    candidates = [obj for obj in state.existing if id(obj) not in row_of]
    candidates += [row.obj for row in state.rows if row.obj is not None and not row.errors]
    pending = [spec.pending_values(obj) for obj in candidates]
    for constraint in constraints:
        holders: dict = {}
        keys_of: dict = {}  # model -> its unique_key_function for the constraint
        for obj, stand_ins in zip(candidates, pending, strict=True):
            model = type(obj)
            key_of = keys_of.get(model)
            if key_of is None:
                key_of = keys_of[model] = unique_key_function(model, constraint)
            key = key_of(obj, stand_ins)
            if key is None:
                continue
            other = holders.get(key)
            if other is None:
                holders[key] = obj
                continue
            row = row_of.get(id(obj)) or row_of.get(id(other))
            if row is None:
                continue
            partner = other if row.obj is obj else obj
            partner_row = row_of.get(id(partner))
            where = (
                _("række %(row)s") % {"row": partner_row.number}
                if partner_row else _("»%(name)s«, som findes i forvejen") % {"name": partner}
            )
            field_name = constraint.fields[0] if constraint.fields else spec.key_columns[0]
            row.errors.append((spec.column_for_field(field_name), _(
                "%(what)s findes allerede (%(where)s).")
                % {"what": spec.unique_message(constraint), "where": where}))


def _report_row(row: RowState, spec, context, report: ImportReport) -> None:
    plan = row.plan
    if row.errors:
        label = spec.row_label(row, context)
        messages = []
        for key, message in row.errors:
            header, index = plan.header_text(key) if key else (None, None)
            report.add_error(Issue(plan.sheet.name, row.number, header, index, str(message)))
            messages.append(f"{header}: {message}" if header else str(message))
        report.add_row(RowResult(plan.sheet.name, row.number, spec.key, spec.label, "error",
                                 label, [], messages))
        return
    if row.created:
        action = "create"
    elif row.changes or row.m2m or row.extra:
        action = "update"
    else:
        report.count_row(spec.key, "unchanged")
        return
    if not report.keeps_row_details():
        report.count_row(spec.key, action)
        return
    label = spec.row_label(row, context)
    changes = []
    for old, new, column in row.changes.values():
        old_text = old if isinstance(old, str) and column.kind == REF else display(
            column, old, context)
        changes.append((column.header, "" if row.created else old_text,
                        display(column, new, context)))
    for key, (old_ids, new_objects) in row.m2m.items():
        column = spec.column(key)
        lookup = context.lookup(column.ref)
        old_text = "; ".join(sorted(lookup.text_for_pk(pk) for pk in old_ids))
        new_text = display(column, new_objects, context)
        if old_text != new_text or row.created:
            changes.append((column.header, old_text, new_text))
    for key, old_text, new_text in row.extra:
        changes.append((spec.column(key).header, "" if row.created else old_text, new_text))
    report.add_row(RowResult(plan.sheet.name, row.number, spec.key, spec.label, action, label,
                             changes))


# --- writing -----------------------------------------------------------------------------


def _plain(value):
    from kitos.audit import _plain as plain

    return plain(value)


def _write(state: EntityState, context, entries: list,
           flush: Callable[[], None] | None = None) -> None:
    """Write the entity's changes and add its audit entries to `entries`; `flush`, when
    given, is called whenever COPY_ROWS entries are waiting."""
    spec = state.spec
    model = spec.model
    now = timezone.now()
    new_rows = [row for row in state.rows if row.created and not row.errors]
    unsaved = [obj for obj in state.new if obj._state.adding]  # not streamed
    for batch in spec.create_batches(unsaved):
        bulk.insert(model, batch)
        spec.after_create(batch, context)
    changed = [row for row in state.rows if not row.created and not row.errors and row.changes]
    if changed:
        fields = set()
        for row in changed:
            fields.update(row.changes)
            row.obj.updated_at = now
        fields |= spec.extra_update_fields()
        fields.add("updated_at")
        model.objects.bulk_update([row.obj for row in changed], sorted(fields),
                                  batch_size=BATCH_SIZE)
    spec.write_links(state, context)
    # The audited name of each many-to-many column, looked up once per entity.
    m2m_names: dict = {}
    for column in spec.all_columns():
        m2m_names.setdefault(column.key, column.field_name or column.key)  # as spec.column
    build = entry_builder(actor=context.actor, action=AuditAction.CREATE)
    for row in new_rows:
        changes = created_changes(row.obj)
        for key, (_old, new_objects) in row.m2m.items():
            changes[m2m_names[key]] = [[], sorted(o.pk for o in new_objects)]
        entries.append(build(row.obj, changes))
        if flush is not None and len(entries) >= bulk.COPY_ROWS:
            flush()
    build = entry_builder(actor=context.actor, action=AuditAction.UPDATE)
    for row in state.rows:
        if row.created or row.errors or not (row.changes or row.m2m):
            continue
        changes = {
            name: [_plain(_comparable(old)), _plain(getattr(row.obj, row.obj._meta.get_field(
                name).attname))]
            for name, (old, _new, _column) in row.changes.items()
        }
        for key, (old_ids, new_objects) in row.m2m.items():
            changes[m2m_names[key]] = [sorted(old_ids), sorted(o.pk for o in new_objects)]
        entries.append(build(row.obj, changes))
        if flush is not None and len(entries) >= bulk.COPY_ROWS:
            flush()
    spec.after_write(state, context)


def _comparable(old):
    if isinstance(old, models.Model):
        return old.pk
    return old


# --- the entry point --------------------------------------------------------------------


def run_import_file(
    *,
    actor,
    organisation,
    content: bytes,
    filename: str,
    commit: bool,
    import_id=None,
    progress: Callable[[int, int], None] | None = None,
    today: datetime.date | None = None,
) -> ImportReport:
    """Read, validate and (when `commit` and nothing failed) write one workbook.
    Raises ``WorkbookRejected`` for files that cannot be read safely."""
    with _without_cyclic_gc():
        return _run_import_file(
            actor=actor, organisation=organisation, content=content, filename=filename,
            commit=commit, import_id=import_id, progress=progress, today=today,
        )


@contextlib.contextmanager
def _without_cyclic_gc():
    """A large import builds millions of objects that live until it ends; Python's cyclic
    collector would walk them again and again (a large share of the validation time at
    100,000 rows) and free nothing. Reference counting still frees everything else."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _run_import_file(*, actor, organisation, content, filename, commit, import_id, progress,
                     today) -> ImportReport:
    # The reader runs the safety checks (once: they unpack the sheets).
    sheets = read_workbook(content, filename=filename or "import.xlsx")
    report = ImportReport()
    plans = _recognise(sheets, report)
    if not plans and not report.errors:
        report.add_error(Issue("", None, None, None, _(
            "Ingen ark i filen blev genkendt. Brug en af skabelonerne, eller giv arket et navn "
            "som »Kontrakter« eller »Organisationsenheder«.")))
    total = sum(
        sum(1 for row in plan.sheet.rows if row.number > plan.header_number) for plan in plans
    )
    ticker = _Progress(progress, total)
    ticker.report(0)
    context = ImportContext(actor=actor, organisation=organisation,
                            today=today or timezone.localdate(), commit=commit)

    def process() -> list[EntityState]:
        states = []
        for spec in ENTITY_SPECS:
            entity_plans = [plan for plan in plans if plan.spec is spec]
            if entity_plans:
                states.append(
                    _process_entity(spec, entity_plans, context, report, ticker.tick))
        return states

    if not report.ok or not commit:
        process()
    else:
        _commit(process, context, report, import_id, ticker)
    ticker.report(total)
    return report


class _Progress:
    """Counts processed rows and reports every PROGRESS_EVERY to the callback."""

    def __init__(self, callback, total: int):
        self.callback = callback
        self.total = total
        self.done = 0

    def tick(self) -> None:
        self.done += 1
        if self.callback is not None and self.done % PROGRESS_EVERY == 0:
            self.callback(self.done, self.total)

    def report(self, done: int) -> None:
        if self.callback is not None:
            self.callback(done, self.total)

    @contextlib.contextmanager
    def beside_transaction(self, *, active: bool):
        """While the commit's transaction is open, call the callback on a thread of its
        own: what it writes (the run's progress bar) is then committed on that thread's
        connection and seen by the page polling it, not held back until the end."""
        if self.callback is None or not active:
            yield
            return
        callback = self.callback
        calls: queue.Queue = queue.Queue()

        def run():
            try:
                while (call := calls.get()) is not None:
                    try:
                        callback(*call)
                    except Exception:  # progress is not worth the import
                        logger.exception("Import progress could not be recorded")
            finally:
                connections.close_all()  # this thread's own connection

        thread = threading.Thread(target=run, name="kitos-import-progress", daemon=True)
        thread.start()
        self.callback = lambda done, total: calls.put((done, total))
        try:
            yield
        finally:
            self.callback = callback
            calls.put(None)
            thread.join()


class _Invalid(Exception):
    """Raised inside the commit's transaction to roll back a file with errors."""


def _commit(process, context, report, import_id, ticker: _Progress) -> None:
    group_id = import_id if isinstance(import_id, uuid.UUID) else (
        uuid.UUID(str(import_id)) if import_id else uuid.uuid4())
    # The audit entries name their content types: looked up (and cached) now, not in the
    # middle of the writing, where a query waits until the rows before it are in.
    ContentType.objects.get_for_models(*(spec.model for spec in ENTITY_SPECS))
    try:
        with transaction.atomic(), \
                audit_context(source=AuditSource.IMPORT, group_id=group_id), \
                bulk.pipelined() as pipeline, \
                ticker.beside_transaction(active=pipeline is not None):
            context.streaming = pipeline is not None
            states = process()
            if not report.ok:
                raise _Invalid
            entries: list = []
            # Every entry written, told to the audit listeners (kitos.hooks: the
            # webhooks' outbox) once the writing is done, still in the transaction: a
            # listener's queries in the middle would wait for the pipelined rows.
            written: list = []

            def flush():
                bulk.insert(AuditEntry, entries)
                written.extend(entries)
                entries.clear()

            for state in states:
                # The last entity's entries (and those before them, in their order) go
                # to the database while the rest are built. Not earlier: the queries of
                # a later entity's writing would then wait for them; after the last
                # one's, only its after_write and the commit, which waits anyway.
                last = pipeline is not None and state is states[-1]
                _write(state, context, entries, flush=flush if last else None)
            bulk.insert(AuditEntry, entries)
            written.extend(entries)
            hooks.audit_entries_written(written)
    except _Invalid:
        pass  # rolled back: the report says why


__all__ = [
    "ImportReport",
    "Issue",
    "RowResult",
    "run_import_file",
]
