"""The base of every FilterSet. One FilterSet per model (in ``<app>/filtersets.py``)
serves the HTML list, the API, the Excel export and the dashboard counts."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class BaseFilterSet(django_filters.FilterSet):
    """`changed_since` on every list (objects created or changed at or after a moment),
    so that a client can mirror kitos incrementally with the deletions feed; `q` is the
    free-text search over the model's `search_fields`."""

    search_fields: tuple[str, ...] = ()

    changed_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("Ændret siden")
    )
    q = django_filters.CharFilter(method="filter_q", label=_("Søg"))

    def filter_q(self, queryset, name, value):
        terms = value.split()
        for term in terms:
            condition = Q()
            for field in self.search_fields:
                condition |= Q(**{f"{field}__icontains": term})
            queryset = queryset.filter(condition)
        return queryset


class UUIDInFilter(django_filters.BaseInFilter, django_filters.UUIDFilter):
    """`?supplier=<uuid>,<uuid>`: any of several referenced objects by public id."""
