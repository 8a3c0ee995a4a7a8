"""Export to .xlsx in exactly the format the import reads: one sheet per entity with the
import's Danish headers and an Id column (the public UUID, honoured first on import), so
export → import changes nothing. Every list page exports its filtered queryset with
``export_queryset``; templates are the same sheets without rows, with a Danish help sheet
and dropdowns for choice columns."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kitos.models import Organisation

from .engine import ImportContext
from .registry import ENTITY_KEYS, ENTITY_SPECS, SPECS_BY_KEY
from .spec import BOOL, CHOICE, DATE, DECIMAL, INT, REF, REFS, Column, EntitySpec
from .writer import SheetData, build_workbook

# Rows fetched per round trip while an export streams its rows to the writer.
EXPORT_CHUNK = 2000

KIND_HELP = {
    DATE: _lazy("Dato, fx 31-12-2027."),
    DECIMAL: _lazy("Beløb, fx 1.234,50."),
    INT: _lazy("Helt tal."),
    BOOL: _lazy("Ja eller Nej."),
    CHOICE: _lazy("Vælg fra listen."),
    REF: _lazy("Navnet på et objekt, der findes i kitos eller i et andet ark i filen."),
    REFS: _lazy("Flere navne adskilt af semikolon (;)."),
}


def _spec(entity: str) -> EntitySpec:
    try:
        return SPECS_BY_KEY[entity]
    except KeyError:
        raise ValueError(f"Unknown entity {entity!r}; one of {', '.join(ENTITY_KEYS)}") from None


def _choices(columns: list[Column]) -> dict[int, list[str]]:
    return {
        index: [str(label) for _code, label in column.choices.choices]
        for index, column in enumerate(columns)
        if column.kind == CHOICE and column.choices is not None
    } | {
        index: [_("Ja"), _("Nej")] for index, column in enumerate(columns) if column.kind == BOOL
    }


def _help_rows(spec: EntitySpec, columns: list[Column]) -> list[tuple[str, str]]:
    rows = []
    for column in columns:
        if column.key == "uuid":
            text = _("kitos' id for objektet. Tom for nye rækker; bevar det ved ændringer.")
        else:
            parts = [str(column.help)] if column.help else []
            if column.required or column.required_on_create:
                parts.append(_("Skal udfyldes."))
            if column.kind in KIND_HELP:
                parts.append(str(KIND_HELP[column.kind]))
            if column.synonyms:
                parts.append(_("Andre overskrifter der genkendes: %(names)s.")
                             % {"names": ", ".join(column.synonyms)})
            text = " ".join(parts)
        rows.append((column.header, text))
    return rows


def _sheet(spec: EntitySpec, rows, *, with_help: bool) -> SheetData:
    columns = spec.export_columns()
    return SheetData(
        title=str(spec.label),
        headers=[column.header for column in columns],
        rows=rows,
        choices=_choices(columns),
        help_rows=_help_rows(spec, columns) if with_help else None,
    )


def _rows(spec: EntitySpec, queryset: models.QuerySet, organisation) -> Iterator[list]:
    """The rows of one sheet, read as plain values (``values()``, no model instances) and
    turned into cells by one function per column chosen before the first row; the
    referenced entities' lookups and the link tables are loaded once."""
    context = ImportContext(actor=None, organisation=organisation, today=None, commit=False)
    links = spec.load_links(queryset)
    cells = [spec.export_cell(column, context, links, queryset)
             for column in spec.export_columns()]
    fields = dict.fromkeys(name for cell in cells for name in cell.fields)
    values = [cell.value for cell in cells]
    # The list's prefetches are for its own columns; values() cannot carry them.
    rows = queryset.prefetch_related(None).values(*fields).iterator(chunk_size=EXPORT_CHUNK)
    for row in rows:
        yield [value(row) for value in values]


def _organisation_of(spec: EntitySpec, queryset) -> Organisation | None:
    first = queryset.first()
    if first is None:
        return None
    organisation_id = getattr(first, "organisation_id", None) or first.owning_organisation_id
    return Organisation.objects.get(pk=organisation_id)


def export_queryset(*, entity: str, queryset: models.QuerySet, organisation=None) -> bytes:
    """One sheet with the objects of `queryset` (a list's filtered, scoped queryset)."""
    spec = _spec(entity)
    organisation = organisation or _organisation_of(spec, queryset)
    rows = _rows(spec, queryset, organisation) if organisation is not None else []
    return build_workbook([_sheet(spec, rows, with_help=False)])


def export_entities(*, user, organisation, entities: dict | None = None) -> bytes:
    """A workbook with one sheet per entity of `organisation` as `user` may see it
    (`entities` maps entity keys to querysets to export instead of everything)."""
    sheets = []
    for spec in ENTITY_SPECS:
        if entities is not None and spec.key not in entities:
            continue
        queryset = entities[spec.key] if entities is not None else None
        if queryset is None:
            queryset = spec.existing(organisation)
            if hasattr(spec.model, "is_local"):
                # The catalog: what the organisation maintains itself, not the whole country.
                queryset = queryset.filter(owner_organisation=organisation)
            queryset = queryset.filter(pk__in=spec.model.objects.visible_to(user).values("pk"))
        sheets.append(_sheet(spec, _rows(spec, queryset, organisation), with_help=False))
    return build_workbook(sheets)


def template_workbook(entity: str | None = None) -> bytes:
    """Empty sheets with the headers, a Danish help sheet and dropdowns for choices."""
    specs = [_spec(entity)] if entity else ENTITY_SPECS
    return build_workbook(
        [_sheet(spec, [], with_help=True) for spec in specs],
        help_title=_("Sådan udfylder du skabelonen"),
        help_rows=[
            (_("Rækker"), _("Én række pr. objekt. Tomme rækker springes over.")),
            (_("Opdatering"), _("Findes objektet i forvejen (samme navn eller samme Id), "
                                "bliver det opdateret; ellers oprettes det.")),
            (_("Tomme kolonner"), _("Kolonner der ikke er med i arket, ændres ikke.")),
            (_("Import"), _("Upload filen under Import. Du ser først et gennemsyn af alle "
                            "ændringer og fejl; intet gemmes, før du godkender.")),
        ],
    )
