"""The rows of a list's report export "as shown" (``ListView.report_export``), read fast.

A list page builds a model instance per row and asks each column for its value; for a
page of 25 rows that is nothing, for an export of 100,000 rows it is most of the time.
Here a column whose value is a dotted path of fields ("name", "supplier.name",
"get_status_display", an annotation) is read with ``values_list()`` (choice fields
through their label map); a column with ``bulk`` values (the role holders) gets them
for a chunk of rows in one query. Only a column that needs the row itself (a function
of the instance, a related object shown by its name) costs model instances, and then
only for the rows of each chunk, fetched by primary key with the list's
``select_related``/``prefetch_related``.

Rows come in chunks of ``chunk_size``; the number of queries grows with the chunks, not
with the rows, and no more than one chunk is kept in memory.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.utils.encoding import force_str


@dataclass(frozen=True)
class _Plan:
    """How one column's value is read: from a ``values_list`` position (``index``,
    through ``labels`` for a choice field), from a bulk lookup or from the instance."""

    source: str  # "values", "bulk" or "instance"
    index: int = -1
    labels: dict | None = None


def field_lookup(model, path: str, annotations) -> tuple[str, dict | None] | None:
    """The ORM lookup of the dotted ``path`` ("supplier.name" -> "supplier__name") and,
    for ``get_X_display``, the choice labels; None when the path needs an instance (a
    method, a property, a related object or manager shown as a whole)."""
    parts = path.split(".")
    if len(parts) == 1 and path in annotations:
        return path, None
    current, lookups = model, []
    for position, part in enumerate(parts):
        last = position == len(parts) - 1
        if last and part.startswith("get_") and part.endswith("_display"):
            try:
                field = current._meta.get_field(part[4:-8])
            except FieldDoesNotExist:
                return None
            if not field.concrete or field.is_relation or not field.choices:
                return None
            return "__".join([*lookups, field.name]), {
                key: force_str(label) for key, label in field.flatchoices
            }
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if not field.concrete:
            return None
        if field.is_relation:
            if last or not (field.many_to_one or field.one_to_one):
                return None
            current = field.related_model
            lookups.append(field.name)
            continue
        if not last:
            return None
        return "__".join([*lookups, field.name]), None
    return None


def report_rows(
    queryset,
    columns,
    *,
    context,
    convert: Callable[[str, object], object],
    resolve: Callable[[object, str], object],
    chunk_size: int = 2000,
) -> Iterator[list]:
    """One list of shown values per row of ``queryset`` (in its order) for ``columns``
    (kitos.lists.Column); ``convert(kind, value)`` makes a raw value a shown one,
    ``resolve(row, path)`` reads a dotted path of an instance."""
    model = queryset.model
    annotations = queryset.query.annotations
    lookups: list[str] = ["pk"]
    plans: list[_Plan] = []
    for column in columns:
        if getattr(column, "bulk", None) is not None:
            plans.append(_Plan("bulk"))
            continue
        found = None if callable(column.value) else field_lookup(
            model, column.value, annotations
        )
        if found is None:
            plans.append(_Plan("instance"))
            continue
        lookup, labels = found
        if lookup not in lookups:
            lookups.append(lookup)
        plans.append(_Plan("values", lookups.index(lookup), labels))

    needs_instances = any(plan.source == "instance" for plan in plans)
    bulk_columns = [
        (index, column) for index, (column, plan) in enumerate(zip(columns, plans, strict=True))
        if plan.source == "bulk"
    ]
    instance_columns = [
        (index, column) for index, (column, plan) in enumerate(zip(columns, plans, strict=True))
        if plan.source == "instance"
    ]
    value_columns = [
        (index, column.kind, plan.index, plan.labels)
        for index, (column, plan) in enumerate(zip(columns, plans, strict=True))
        if plan.source == "values"
    ]
    # values_list() takes no prefetches; the instances (when needed) get them below.
    values = queryset.prefetch_related(None).values_list(*lookups)
    source = values.iterator(chunk_size=chunk_size)
    width = len(columns)
    while True:
        chunk = list(itertools.islice(source, chunk_size))
        if not chunk:
            return
        pks = [record[0] for record in chunk]
        looked_up = [
            (index, column.kind, column.bulk(context, model, pks))
            for index, column in bulk_columns
        ]
        instances = {}
        if needs_instances:
            instances = queryset.order_by().in_bulk(pks)
        for record in chunk:
            row = [None] * width
            for index, kind, position, labels in value_columns:
                value = record[position]
                if labels is not None and value is not None:
                    value = labels.get(value, value)
                row[index] = convert(kind, value)
            pk = record[0]
            for index, kind, found in looked_up:
                row[index] = convert(kind, found.get(pk))
            if instance_columns:
                instance = instances.get(pk)
                for index, column in instance_columns:
                    if instance is None:  # deleted since the chunk was read
                        continue
                    value = (column.value(instance) if callable(column.value)
                             else resolve(instance, column.value))
                    row[index] = convert(column.kind, value)
            yield row
