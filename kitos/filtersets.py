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


# A search is a handful of words. Each word is one more condition over every search
# field: 3,000 words kept a PostgreSQL backend busy for minutes.
SEARCH_MAX_LENGTH = 200
SEARCH_MAX_TERMS = 8


def search_terms(value: str) -> list[str]:
    """The distinct words of a search, at most ``SEARCH_MAX_TERMS`` (the one rule every
    free-text search of lists, the API and the global search uses)."""
    terms: dict[str, str] = {}
    for term in value[:SEARCH_MAX_LENGTH].split():
        terms.setdefault(term.casefold(), term)
    return list(terms.values())[:SEARCH_MAX_TERMS]


def validate_search_terms(value: str) -> None:
    if len({term.casefold() for term in value.split()}) > SEARCH_MAX_TERMS:
        raise forms.ValidationError(
            _("Søg efter højst %(count)s ord ad gangen.") % {"count": SEARCH_MAX_TERMS}
        )


class BaseFilterSet(django_filters.FilterSet):
    """`changed_since` on every list (objects created or changed at or after a moment),
    so that a client can mirror kitos incrementally with the deletions feed; `q` is the
    free-text search over the model's `search_fields`."""

    search_fields: tuple[str, ...] = ()

    changed_since = UtcDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("Ændret siden")
    )
    q = django_filters.CharFilter(
        method="filter_q", label=_("Søg"), max_length=SEARCH_MAX_LENGTH,
        validators=[validate_search_terms],
    )

    def filter_q(self, queryset, name, value):
        return search(queryset, self.search_fields, value)


def search(queryset, fields, value: str):
    """The rows of `queryset` where every word of `value` is in one of `fields`."""
    for term in search_terms(value):
        condition = Q()
        for field in fields:
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


class CommaOrRepeatedWidget(django_filters.widgets.CSVWidget):
    """Several values as ``?a=x,y`` (the API's form) or ``?a=x&a=y`` (what a multiple
    ``<select>`` of the list's filter panel submits)."""

    def value_from_datadict(self, data, files, name):
        if not hasattr(data, "getlist") or name not in data:
            return super().value_from_datadict(data, files, name)
        return [part for raw in data.getlist(name) for part in raw.split(",") if part]


class UUIDInFilter(django_filters.BaseInFilter, django_filters.UUIDFilter):
    """`?supplier=<uuid>,<uuid>`: any of several referenced objects by public id."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", CommaOrRepeatedWidget)
        super().__init__(*args, **kwargs)
