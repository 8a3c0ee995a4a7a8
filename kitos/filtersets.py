"""The base of every FilterSet. One FilterSet per model (in ``<app>/filtersets.py``)
serves the HTML list, the API, the Excel export and the dashboard counts."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class UtcDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 moment, normalised to UTC: PostgreSQL refuses offsets beyond ±15:59
    ("+19:03" is valid ISO but not a time zone), so the database never sees them."""

    def clean(self, value):
        moment = super().clean(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(datetime.UTC)
        except (OverflowError, ValueError) as error:
            raise forms.ValidationError(_("Tidspunktet ligger uden for det mulige.")) from error


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class BaseFilterSet(django_filters.FilterSet):
    """`changed_since` on every list (objects created or changed at or after a moment),
    so that a client can mirror kitos incrementally with the deletions feed; `q` is the
    free-text search over the model's `search_fields`."""

    search_fields: tuple[str, ...] = ()

    changed_since = UtcDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("Ændret siden")
    )
    q = django_filters.CharFilter(method="filter_q", label=_("Søg"))

    def filter_q(self, queryset, name, value):
        terms = value.split()
        for term in terms:
            condition = Q()
            for field in self.search_fields:
                for variant in _case_variants(term):
                    condition |= Q(**{f"{field}__icontains": variant})
            queryset = queryset.filter(condition)
        return queryset


def _case_variants(term: str) -> set[str]:
    """SQLite folds only ASCII letters in `icontains`, so "ærø" would not find "Ærø";
    searching the common casings too makes Danish letters work there as well
    (PostgreSQL folds them already, where the variants cost nothing)."""
    if term.isascii():
        return {term}
    return {term, term.lower(), term.upper(), term.capitalize()}


class UUIDInFilter(django_filters.BaseInFilter, django_filters.UUIDFilter):
    """`?supplier=<uuid>,<uuid>`: any of several referenced objects by public id."""
