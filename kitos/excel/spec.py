"""How a spreadsheet maps onto a model: the columns (headers, synonyms, value kind, the
field they fill) and, per entity, the natural key an import upserts by.

Each app declares its entities in ``<app>/importers.py`` as ``EntitySpec`` subclasses;
``kitos.excel.engine.ENTITY_SPECS`` lists them explicitly in dependency order (units
before the persons in them, systems before their usages, ...). The engine does the
reading, matching, validation and writing; a spec only adds what is particular to its
entity (a unit's parent path, a contract's deadlines, a person's first and last name).
"""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from kitos.db import new_instance

from . import bulk
from .values import normalise_header

# Value kinds a column can have (parsed by kitos.excel.values, see engine.parse_cell).
TEXT, DATE, DECIMAL, INT, BOOL, CHOICE, EMAIL, CVR, URL, REF, REFS = (
    "text", "date", "decimal", "int", "bool", "choice", "email", "cvr", "url", "ref", "refs"
)
# Separator of several references in one cell ("SBSYS; KMD Nexus").
LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    """One column of an entity's sheet.

    ``key`` is the model field it fills (``field`` when that differs, ``None`` for
    columns the spec handles itself). ``header`` is the Danish header written by export
    and templates; ``synonyms`` are further accepted headers (English, OS2KITOS, common
    variants), compared after ``normalise_header``. ``ref`` names the entity a REF/REFS
    column points at. ``required`` columns must be present in the sheet and filled."""

    key: str
    header: str
    synonyms: tuple[str, ...] = ()
    kind: str = TEXT
    choices: type[models.TextChoices] | None = None
    ref: str | None = None
    required: bool = False
    field: str | None = ""
    help: str = ""
    export: bool = True
    # Must be filled when the row creates a new object (a name, say); an update by Id
    # may leave it out.
    required_on_create: bool = False
    # A reference resolved by the spec's ``adjust`` (it depends on other columns or on
    # rows of the same sheet): the engine hands the spec the text.
    deferred: bool = False

    @property
    def field_name(self) -> str | None:
        return self.key if self.field == "" else self.field

    def header_forms(self) -> set[str]:
        return {normalise_header(h) for h in (self.header, *self.synonyms)}


# The column every entity has: the public id an export writes, honoured first on import.
# OS2KITOS files have an "Id" column too, holding KITOS's own numbers: those are not
# UUIDs and become the object's external reference instead (see the engine).
ID_COLUMN = Column("uuid", "Id", ("uuid", "kitos id", "offentligt id", "public id"), field=None)
EXTERNAL_REFERENCE = Column(
    "external_reference", "Ekstern reference", ("external reference", "external id", "ekstern id")
)


class Reference:
    """Objects that rows point at by natural key (reference data, or an entity)."""

    key: str = ""
    model: type[models.Model]
    reference_label: str = ""  # Danish, capitalised: "Enheden", "Leverandøren"
    ambiguity_hint: str = ""
    # What to do when a row names one that does not exist (added to the message).
    missing_hint: str = ""

    def lookup_queryset(self, organisation) -> models.QuerySet:
        """What an import in `organisation` may reference."""
        return self.model.objects.filter(
            models.Q(organisation__isnull=True) | models.Q(organisation=organisation)
        )

    def reference_texts(self, obj, lookup) -> list[str]:
        """Every text that names `obj`, the preferred one first (none: not referenced)."""
        name = getattr(obj, "name", None)
        return [name] if name else []

    def prefer(self, candidates: list):
        """Which of several objects with the same name a reference means (None: ask)."""
        return None


class EntitySpec(Reference):
    """One importable entity. Subclasses set the class attributes and override the hooks
    they need; instances are stateless (one per entity, listed in the engine)."""

    label: str = ""  # Danish, plural: the sheet title of export and template
    sheet_names: tuple[str, ...] = ()  # accepted sheet titles besides ``label``
    columns: tuple[Column, ...] = ()
    # Column keys whose values identify a row within the organisation (the upsert key).
    key_columns: tuple[str, ...] = ("name",)
    duplicate_label: str = "navnet"
    help: str = ""

    # --- structure ------------------------------------------------------------------

    def all_columns(self) -> tuple[Column, ...]:
        return (ID_COLUMN, *self.columns)

    def export_columns(self) -> list[Column]:
        return [c for c in self.all_columns() if c.export]

    def sheet_forms(self) -> set[str]:
        return {normalise_header(n) for n in (self.key, self.label, *self.sheet_names)}

    def column(self, key: str) -> Column:
        for c in self.all_columns():
            if c.key == key:
                return c
        raise KeyError(key)

    def column_for_field(self, name: str) -> str | None:
        """The column key a model field's error belongs to."""
        for c in self.columns:
            if c.field_name == name:
                return c.key
        return None

    def missing_required(self, present: set[str]) -> list[Column]:
        return [c for c in self.columns if c.required and c.key not in present]

    # --- database -------------------------------------------------------------------

    def existing(self, organisation) -> models.QuerySet:
        """The objects an import in `organisation` may match and update."""
        return self.model.objects.filter(organisation=organisation)

    def lookup_queryset(self, organisation) -> models.QuerySet:
        return self.existing(organisation)

    def new(self, organisation) -> models.Model:
        return new_instance(self.model, organisation=organisation)

    # --- rows -----------------------------------------------------------------------

    def order_rows(self, rows: list, context) -> list:
        return rows

    def adjust(self, values: dict, context) -> list[tuple[str | None, str]]:
        """Rework parsed values before matching (combine columns, resolve references that
        depend on other columns); returns (column key, message) errors."""
        return []

    def row_key(self, values: dict) -> tuple | None:
        """The natural key of a row from its parsed values (None: cannot be matched)."""
        parts = tuple(key_part(values.get(k)) for k in self.key_columns)
        return None if all(p in (None, "") for p in parts) else parts

    def object_key(self, obj) -> tuple:
        """The natural key of an existing object, comparable with ``row_key``."""
        parts = []
        for k in self.key_columns:
            column = self.column(k)
            if column.kind == "ref":
                value = getattr(obj, obj._meta.get_field(column.field_name).attname)
                parts.append(("pk", value) if value is not None else None)
            else:
                parts.append(key_part(self.get(obj, column)))
        return tuple(parts)

    def row_keys(self, values: dict) -> list[tuple]:
        """Every natural key a row may match by, the strongest first (CVR before name)."""
        key = self.row_key(values)
        return [key] if key is not None else []

    def object_keys(self, obj) -> list[tuple]:
        return [self.object_key(obj)]

    def row_label(self, row, context) -> str:
        if row.obj is not None and (row.obj.pk is not None or not row.errors):
            try:
                return str(row.obj)
            except Exception:  # noqa: BLE001 - a half-built object may not name itself
                pass
        for k in self.key_columns:
            value = row.values.get(k)
            if value:
                return str(value)
        return ""

    def unique_message(self, constraint) -> str:
        return _("En %(what)s med samme værdier") % {"what": self.model._meta.verbose_name}

    def get(self, obj, column: Column):
        """The current value of a scalar column on an object."""
        return getattr(obj, column.field_name)

    def set(self, obj, column: Column, value, values: dict) -> None:
        """Apply a parsed cell to an object (REFS columns are handled by the engine)."""
        if column.field_name:
            setattr(obj, column.field_name, value)

    def validated_fields(self, row) -> set[str]:
        """Fields to validate besides those the row changed."""
        return set()

    def pending_values(self, obj) -> dict:
        """Fields that get their value only when `obj` is inserted (the id of an object
        the same file creates), each with a stand-in for that value: they are not
        validated as empty, and unique constraints compare the stand-ins."""
        return {}

    def prepare(self, obj, row, context) -> None:
        """Last changes before validation and writing (derived fields)."""

    def after_row(self, row, context) -> None:
        """Called when a row was matched and applied without errors."""

    def owning_organisation_id(self, obj):
        """The organisation whose rights decide whether `obj` may be changed."""
        return obj.owning_organisation_id

    def permission_message(self) -> str:
        return _("Du har ikke rettigheder til at ændre dette objekt.")

    # --- writing --------------------------------------------------------------------

    def create_batches(self, objects: list) -> list[list]:
        """The new objects in the order they can be inserted (parents first)."""
        return [objects] if objects else []

    def after_create(self, objects: list, context) -> None:
        """Called after a batch of new objects was inserted (they have ids now)."""

    def extra_update_fields(self) -> set[str]:
        return set()

    def m2m_columns(self) -> list[Column]:
        return [c for c in self.columns if c.kind == "refs" and c.field_name]

    def _through(self, column: Column):
        m2m = self.model._meta.get_field(column.field_name)
        return m2m.remote_field.through, m2m.m2m_field_name(), m2m.m2m_reverse_field_name()

    def load_links(self, queryset) -> dict:
        """Column key -> {object pk: set of linked pks}, one query per many-to-many
        column (the links of the objects in `queryset`)."""
        links = {}
        for column in self.m2m_columns():
            through, source, target = self._through(column)
            stored = defaultdict(set)
            rows = through.objects.filter(
                **{f"{source}__in": queryset.order_by().values("pk")}
            ).values_list(f"{source}_id", f"{target}_id")
            for source_id, target_id in rows:
                stored[source_id].add(target_id)
            links[column.key] = stored
        return links

    def write_links(self, state, context) -> None:
        """Insert and delete the link rows the file changed (set-based), then
        ``after_links``. Rows whose links went in while the import validated
        (``row.linked``, see the engine's ``_stream_links``) are left out."""
        rows = [row for row in state.rows if not row.linked]
        for column in self.m2m_columns():
            self.write_column_links(column, rows, context)
        self.after_links(state, context)

    def write_column_links(self, column: Column, rows: list, context) -> None:
        """The link rows of one many-to-many column that `rows` changed (rows with
        errors apart): those removed deleted, those added inserted."""
        through, source, target = self._through(column)
        has_organisation = any(f.name == "organisation" for f in through._meta.fields)
        source_id, target_id = f"{source}_id", f"{target}_id"
        organisation_id = context.organisation.pk
        removals = Q()
        additions = []
        for row in rows:
            if row.errors or column.key not in row.m2m:
                continue
            old_ids, new_objects = row.m2m[column.key]
            row_pk = row.obj.pk
            new_ids = {o.pk for o in new_objects}
            for gone in old_ids - new_ids:
                removals |= Q(**{source_id: row_pk, target_id: gone})
            for obj in new_objects:
                pk = obj.pk
                if pk in old_ids:
                    continue
                link = new_instance(through, **{source_id: row_pk, target_id: pk})
                if has_organisation:
                    link.organisation_id = organisation_id
                additions.append(link)
        if removals:
            through.objects.filter(removals).delete()
        bulk.insert(through, additions)

    def after_links(self, state, context) -> None:
        """Called once ``write_links`` wrote the link rows (set-based follow-ups that
        need them, such as which link is the main one)."""

    def after_write(self, state, context) -> None:
        """Called once the entity's rows are written (set-based follow-ups)."""

    # --- export ---------------------------------------------------------------------

    def export_cell(self, column: Column, context, links: dict, queryset) -> ExportCell:
        """How an export writes `column`: the fields it reads from each row (a dict from
        ``values()``) and the function giving the cell from that row - what the import
        reads back as the same value. Chosen once per column, before any row is read:
        references are looked up in maps loaded once (``context.lookup``, ``links``);
        `queryset` (the exported rows) is there for a spec that loads more the same way."""
        if column.key == "uuid":
            return ExportCell(("uuid",), lambda row: str(row["uuid"]))
        if column.kind == "ref":
            attname = self.model._meta.get_field(column.field_name).attname
            text = reference_text(context.lookup(column.ref))
            return ExportCell((attname,), lambda row: text(row[attname]))
        if column.kind == "refs":
            text = reference_text(context.lookup(column.ref))
            linked = links.get(column.key, {})
            return ExportCell(
                ("pk",), lambda row: "; ".join(sorted(map(text, linked.get(row["pk"], ()))))
            )
        name = column.field_name
        if name is None:
            return ExportCell((), lambda row: None)
        if column.kind == "choice" and column.choices is not None:
            labels = {code: str(label) for code, label in column.choices.choices}
            return ExportCell((name,), lambda row: labels.get(row[name], row[name]) or "")
        if column.kind == "bool":
            shown = {True: _("Ja"), False: _("Nej"), None: None}
            return ExportCell((name,), lambda row: shown[row[name]])
        return ExportCell((name,), operator.itemgetter(name))


@dataclass(frozen=True)
class ExportCell:
    """One column of an export: the ``values()`` fields it reads and the function from
    such a row to the cell's value."""

    fields: tuple[str, ...]
    value: Callable[[dict], object]


def reference_text(lookup) -> Callable[[object], str]:
    """``lookup.text_for_pk`` remembered per pk: a supplier named on 5,000 rows is
    looked up once."""
    texts: dict = {None: ""}

    def text(pk) -> str:
        try:
            return texts[pk]
        except KeyError:
            found = texts[pk] = lookup.text_for_pk(pk)
            return found

    return text


class CatalogSpec(EntitySpec):
    """Shared catalog entries (systems, suppliers): a row may use a shared entry or one of
    the organisation's local ones; new entries from an import are local to the importing
    organisation. Changing an entry needs the owning organisation's admin rights."""

    def existing(self, organisation) -> models.QuerySet:
        return self.model.objects.usable_by(organisation)

    def new(self, organisation) -> models.Model:
        return new_instance(self.model, owner_organisation=organisation, is_local=True)

    def prefer(self, candidates: list):
        local = [c for c in candidates if c.is_local]
        return local[0] if len(local) == 1 else None

    def permission_message(self) -> str:
        return _(
            "Kun administratorer i den organisation, der vedligeholder posten, kan oprette "
            "eller ændre %(what)s."
        ) % {"what": self.model._meta.verbose_name_plural}


def key_part(value):
    """A value as a part of a natural key: text compared case- and space-insensitively,
    objects by id (or by identity before they are saved)."""
    if value is None:
        return None
    if isinstance(value, str):
        return " ".join(value.split()).casefold()
    if isinstance(value, models.Model):
        return ("pk", value.pk) if value.pk is not None else ("new", id(value))
    return value


def columns_by_header(columns: Iterable[Column]) -> dict[str, Column]:
    found = {}
    for column in columns:
        for form in column.header_forms():
            found.setdefault(form, column)
    return found
