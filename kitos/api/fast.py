"""API lists without model instances.

A list page used to build every row as a model instance (plus the instances of its
``select_related`` relations) and read each field back through DRF: two thirds of a
250-row page. Here a resource's serializer is compiled once into a *row plan*: each field
it returns becomes a ``values()`` path and, where DRF would change the value, the same
conversion DRF makes. The list view then pages a ``values()`` queryset built from the very
queryset the model path would have used (scoping, ``for_list`` annotations, FilterSet,
ordering, ``changed_since``, page numbers or the sync cursor) and writes the rows as the
serializer would have.

What compiles (nothing to declare):

- fields of the model or annotations of the list queryset, read by DRF's standard fields
  (dates, times with the time zone, decimals, choices, …): the column, with that field's
  own ``to_representation`` unless the value is already what DRF returns;
- references (``ScopedUUIDField``, ``SlugRelatedField``) over foreign keys: the column
  ``<fk>__<slug field>``; dotted sources over foreign keys likewise;
- ``many=True`` references and nested ``many=True`` serializers over a many-to-many or
  reverse foreign key: one more query per page, grouped by row, in the order the
  prefetch would have given (the ``for_list`` ``Prefetch`` queryset if it has one, the
  related model's ordering otherwise);
- ``SerializerMethodField``\\s that the serializer maps to a column of the list queryset
  in ``fast_columns = {"is_active": "is_active"}`` (the method reads the same annotation),
  or to ``(column, conversion)`` when the method converts it the same way.

A serializer with anything else (its own ``to_representation``, other method fields,
properties, generic relations, custom field classes) keeps the model path, for its
lists too: correct first. ``tests/api/test_fast_read_path.py`` checks, for every
resource of the router, that both paths give the same document.
"""

from __future__ import annotations

from collections import defaultdict
from functools import partial

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Prefetch
from django.utils import timezone
from rest_framework import ISO_8601, relations, serializers
from rest_framework.fields import Field
from rest_framework.response import Response
from rest_framework.settings import api_settings


class NotCompilable(Exception):
    """The serializer needs model instances; the resource keeps the model path."""


# -- conversions: what DRF's to_representation would return ------------------------------


def _iso_date(value):
    return value if isinstance(value, str) else value.isoformat()


def _iso_datetime(field, value):
    # DRF's DateTimeField: in the current time zone, ISO 8601, UTC written as Z.
    if isinstance(value, str) or not timezone.is_aware(value):
        return field.to_representation(value)
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


# Serializer field classes whose to_representation is a pure function of the value (no
# request, no instance): exact classes, a subclass may behave differently.
_PURE_FIELDS = {
    serializers.CharField, serializers.EmailField, serializers.URLField,
    serializers.SlugField, serializers.RegexField, serializers.IPAddressField,
    serializers.UUIDField, serializers.IntegerField, serializers.FloatField,
    serializers.DecimalField, serializers.BooleanField,
    serializers.DateField, serializers.DateTimeField, serializers.TimeField,
    serializers.DurationField, serializers.ChoiceField, serializers.ReadOnlyField,
}
_TEXT_FIELDS = {
    serializers.CharField, serializers.EmailField, serializers.URLField,
    serializers.SlugField, serializers.RegexField,
}


def _converter(field, model_field):
    """A function turning a column value (not None) into the field's representation,
    or None when the value already is it."""
    kind = type(field)
    if kind is serializers.ReadOnlyField:
        return None
    if kind in _TEXT_FIELDS and isinstance(model_field, (models.CharField, models.TextField)):
        return None
    if kind is serializers.IntegerField and isinstance(model_field, models.IntegerField):
        return None
    if kind is serializers.BooleanField and isinstance(model_field, models.BooleanField):
        return None
    if kind is serializers.ChoiceField and isinstance(model_field, models.CharField) and all(
        key == value for key, value in field.choice_strings_to_values.items()
    ):
        return None
    if kind is serializers.UUIDField and field.uuid_format == "hex_verbose":
        return str
    if (
        kind is serializers.DateField
        and not hasattr(field, "format")
        and api_settings.DATE_FORMAT == ISO_8601
    ):
        return _iso_date
    if (
        kind is serializers.DateTimeField
        and not hasattr(field, "format")
        and not hasattr(field, "timezone")
        and api_settings.DATETIME_FORMAT == ISO_8601
        and settings.USE_TZ
    ):
        return partial(_iso_datetime, field)
    return field.to_representation


# -- compiling ---------------------------------------------------------------------------


def _model_path(model, attrs, *, missing_is_null=False):
    """The values() path of a dotted source over forward foreign keys, and its last
    model field; NotCompilable for anything else. Over a nullable foreign key only when
    the field writes None for a missing object (``missing_is_null``), as values() does."""
    path, field = [], None
    for position, attr in enumerate(attrs):
        try:
            field = model._meta.get_field(attr)
        except FieldDoesNotExist:
            raise NotCompilable(f"{model.__name__}.{attr} is no model field") from None
        last = position == len(attrs) - 1
        if field.is_relation:
            if last or not (field.many_to_one or field.one_to_one) or field.auto_created:
                raise NotCompilable(f"{model.__name__}.{attr} is a relation")
            if field.null and not missing_is_null:
                # DRF leaves the key out for a missing object unless the field has
                # allow_null or default=None; values() would always give None.
                raise NotCompilable(f"{model.__name__}.{attr} may be missing")
            model = field.related_model
        elif not last or not field.concrete:
            raise NotCompilable(f"{model.__name__}.{attr} is not a column")
        path.append(attr)
    return "__".join(path), field


def _slug_path(field, model, source_attrs):
    """values() path of a single reference (``<fk>__<slug>``)."""
    if type(field).to_representation is not relations.SlugRelatedField.to_representation:
        raise NotCompilable(f"{type(field).__name__} represents itself")
    if len(source_attrs) != 1:
        raise NotCompilable("dotted reference")
    try:
        fk = model._meta.get_field(source_attrs[0])
    except FieldDoesNotExist:
        raise NotCompilable(f"{model.__name__}.{source_attrs[0]} is no model field") from None
    if not (fk.many_to_one or fk.one_to_one) or fk.auto_created:
        raise NotCompilable(f"{model.__name__}.{fk.name} is not a foreign key")
    target = fk.related_model._meta.get_field(field.slug_field)
    if target.is_relation:
        raise NotCompilable("slug over a relation")
    return f"{fk.name}__{field.slug_field}"


class _ManyColumn:
    """A ``many=True`` field: its items for a page of rows in one query, in the order the
    model path's prefetch gives them."""

    def __init__(self, name, model, source, prefetches, item_plan=None, slug_field=None):
        try:
            relation = model._meta.get_field(source)
        except FieldDoesNotExist:
            raise NotCompilable(f"{model.__name__}.{source} is no relation") from None
        if relation.many_to_many and not relation.auto_created:
            self.back = relation.related_query_name()  # forward many-to-many
        elif relation.one_to_many or (relation.many_to_many and relation.auto_created):
            self.back = relation.field.name  # reverse foreign key / reverse many-to-many
        else:
            raise NotCompilable(f"{model.__name__}.{source} is not a to-many relation")
        self.name = name
        self.related_model = relation.related_model
        self.base = None
        for lookup in prefetches:
            if isinstance(lookup, Prefetch) and lookup.prefetch_to == source:
                if lookup.queryset is not None:
                    self.base = lookup.queryset
        self.item_plan = item_plan
        self.slug_field = slug_field

    def fetch(self, pks, context) -> dict:
        base = self.base if self.base is not None else self.related_model._default_manager.all()
        items = base.filter(**{f"{self.back}__in": pks})
        grouped = defaultdict(list)
        if self.item_plan is None:
            for owner, slug in items.values_list(self.back, self.slug_field):
                grouped[owner].append(slug)
        else:
            # A path name of the item plan could be the same as the owner column's.
            owner_key = "_fast_owner"
            rows = items.annotate(**{owner_key: models.F(self.back)}).values(
                owner_key, *self.item_plan.columns
            )
            for row in rows:
                grouped[row[owner_key]].append(self.item_plan.represent_row(row, context))
        return grouped


class RowPlan:
    """How to read one serializer's representation from ``values()`` rows."""

    def __init__(self, serializer, model, queryset=None):
        if type(serializer).to_representation is not serializers.Serializer.to_representation:
            raise NotCompilable(f"{type(serializer).__name__}.to_representation")
        annotations = set(queryset.query.annotations) if queryset is not None else set()
        prefetches = queryset._prefetch_related_lookups if queryset is not None else ()
        fast_columns = getattr(serializer, "fast_columns", {})
        self.fields = []  # (name, column or None, converter or None, many column or None)
        columns = {"pk": None}
        for name, field in serializer.fields.items():
            if field.write_only:
                continue
            entry = self._compile(name, field, model, annotations, prefetches, fast_columns)
            self.fields.append(entry)
            if entry[1] is not None:
                columns[entry[1]] = None
        self.columns = tuple(columns)
        self.many = [entry[3] for entry in self.fields if entry[3] is not None]

    @staticmethod
    def _compile(name, field, model, annotations, prefetches, fast_columns):
        if name in fast_columns:
            # A column, or (column, conversion) when the method converts the annotation.
            column, convert = (fast_columns[name] if isinstance(fast_columns[name], tuple)
                               else (fast_columns[name], None))
            if column not in annotations:
                raise NotCompilable(f"{name}: {column} is not annotated")
            return (name, column, convert, None)
        if isinstance(field, serializers.SerializerMethodField):
            raise NotCompilable(f"method field {name}")
        if field.source == "*" or type(field).get_attribute not in (
            Field.get_attribute, relations.RelatedField.get_attribute,
            relations.ManyRelatedField.get_attribute, serializers.ListSerializer.get_attribute,
            serializers.Serializer.get_attribute,
        ):
            raise NotCompilable(f"{name} reads the instance itself")
        if isinstance(field, relations.ManyRelatedField):
            child = field.child_relation
            if not isinstance(child, relations.SlugRelatedField) or len(field.source_attrs) != 1:
                raise NotCompilable(f"{name}: {type(child).__name__}")
            if type(child).to_representation is not relations.SlugRelatedField.to_representation:
                raise NotCompilable(f"{name} represents itself")
            many = _ManyColumn(name, model, field.source, prefetches, slug_field=child.slug_field)
            return (name, None, None, many)
        if isinstance(field, serializers.ListSerializer):
            if len(field.source_attrs) != 1 or not isinstance(field.child, serializers.Serializer):
                raise NotCompilable(f"{name}: nested")
            if type(field).to_representation is not serializers.ListSerializer.to_representation:
                raise NotCompilable(f"{name} represents itself")
            many = _ManyColumn(name, model, field.source, prefetches)
            many.item_plan = RowPlan._nested(field.child, many.related_model)
            return (name, None, None, many)
        if isinstance(field, serializers.BaseSerializer):
            raise NotCompilable(f"{name}: nested object")
        if isinstance(field, relations.SlugRelatedField):
            return (name, _slug_path(field, model, field.source_attrs), None, None)
        if isinstance(field, relations.RelatedField) or type(field) not in _PURE_FIELDS:
            raise NotCompilable(f"{name}: {type(field).__name__}")
        if len(field.source_attrs) == 1 and field.source in annotations:
            # An annotation's type is whatever the database gives: DRF's conversion.
            return (name, field.source, field.to_representation, None)
        path, model_field = _model_path(
            model, field.source_attrs, missing_is_null=field.allow_null or field.default is None
        )
        return (name, path, _converter(field, model_field), None)

    @staticmethod
    def _nested(child, related_model):
        """The plan of a nested serializer's items, read from the related model."""
        meta_model = getattr(getattr(child, "Meta", None), "model", related_model)
        if meta_model is not related_model:
            raise NotCompilable("nested serializer of another model")
        plan = RowPlan(child, related_model)
        if plan.many:
            raise NotCompilable("nested many inside nested many")
        return plan

    def represent_row(self, row, context):
        data = {}
        for name, column, convert, many in self.fields:
            if many is not None:
                data[name] = context[name].get(row["pk"], [])
                continue
            value = row[column]
            data[name] = value if convert is None or value is None else convert(value)
        return data

    def represent(self, rows) -> list[dict]:
        """The serializer's representation of a page of ``values()`` rows."""
        rows = list(rows)
        context = {}
        if self.many:
            pks = [row["pk"] for row in rows]
            for many in self.many:
                context[many.name] = many.fetch(pks, context) if pks else {}
        represent_row = partial(self.represent_row, context=context)
        return [represent_row(row) for row in rows]

    def values(self, queryset):
        # values() ignores select_related; the to-many fields are read by represent().
        return queryset.prefetch_related(None).values(*self.columns)


# -- the list action -------------------------------------------------------------------


_PLANS: dict = {}


def plan_for(serializer, queryset) -> RowPlan | None:
    """The row plan of a serializer with the list queryset (compiled once per serializer
    class and set of annotations), or None: the resource keeps the model path."""
    key = (
        type(serializer), frozenset(queryset.query.annotations),
        tuple(str(lookup.prefetch_to if isinstance(lookup, Prefetch) else lookup)
              for lookup in queryset._prefetch_related_lookups),
    )
    if key not in _PLANS:
        try:
            _PLANS[key] = RowPlan(serializer, serializer.Meta.model, queryset)
        except NotCompilable:
            _PLANS[key] = None
    return _PLANS[key]


class FastListMixin:
    """``list`` from ``values()`` rows when the serializer compiles (see the module);
    the model path otherwise, or when ``settings.KITOS_API_FAST_LIST`` is False (the tests
    compare both). Retrieve and writes stay on the model path."""

    fast_list = True

    def fast_plan(self, queryset) -> RowPlan | None:
        if not (self.fast_list and getattr(settings, "KITOS_API_FAST_LIST", True)):
            return None
        return plan_for(self.get_serializer(), queryset)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        plan = self.fast_plan(queryset)
        if plan is None:  # ListModelMixin.list, on the queryset built above
            page = self.paginate_queryset(queryset)
            if page is not None:
                return self.get_paginated_response(self.get_serializer(page, many=True).data)
            return Response(self.get_serializer(queryset, many=True).data)
        rows = self.paginate_queryset(plan.values(queryset))
        if rows is not None:
            return self.get_paginated_response(plan.represent(rows))
        return Response(plan.represent(plan.values(queryset)))


__all__ = ["FastListMixin", "NotCompilable", "RowPlan", "plan_for"]
