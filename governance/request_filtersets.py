"""The FilterSets of new-system requests and their sign-offs: the same filters for the
HTML list, the API and the exports."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kitos.filtersets import BaseFilterSet, UUIDInFilter
from portfolio.choices import BusinessType
from roles.filtersets import SubtreeFilter

from . import choices
from .models import NewSystemRequest, RequestSignOff


def _kle_prefix(field_name: str, value: str) -> Q:
    """A KLE number and everything below it ("27.12" matches "27.12" and "27.12.04")."""
    value = value.strip().rstrip(".")
    return Q(**{field_name: value}) | Q(**{f"{field_name}__startswith": f"{value}."})


class NewSystemRequestFilterSet(BaseFilterSet):
    search_fields = ("title", "need")

    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))
    status = django_filters.MultipleChoiceFilter(
        choices=choices.RequestStatus.choices, label=_("status")
    )
    unit = UUIDInFilter(field_name="unit__uuid", label=_("enhed"))
    within = SubtreeFilter(path_field="unit__path",
                           label=_("enhed eller en enhed under den"))
    business_type = django_filters.MultipleChoiceFilter(
        choices=BusinessType.choices, label=_("forretningstype")
    )
    kle = django_filters.CharFilter(method="filter_kle",
                                    label=_("KLE-nummer (med underliggende)"))
    requested_by = UUIDInFilter(field_name="requested_by__uuid", label=_("anmodet af"))
    goal = UUIDInFilter(field_name="goals__uuid", label=_("mål"), distinct=True)
    project = UUIDInFilter(field_name="project__uuid", label=_("projekt"))
    submitted_on = django_filters.DateFromToRangeFilter(label=_("indsendt den"))

    class Meta:
        model = NewSystemRequest
        fields = []

    def filter_kle(self, queryset, name, value):
        return queryset.filter(
            pk__in=NewSystemRequest.objects.filter(
                _kle_prefix("kle_numbers__number", value)).values("pk")
        )


class RequestSignOffFilterSet(BaseFilterSet):
    search_fields = ("comment", "request__title")

    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))
    request = UUIDInFilter(field_name="request__uuid", label=_("anmodning"))
    role = django_filters.MultipleChoiceFilter(
        choices=choices.SignOffRole.choices, label=_("rolle")
    )
    verdict = django_filters.MultipleChoiceFilter(
        choices=choices.SignOffVerdict.choices, label=_("vurdering")
    )
    person = UUIDInFilter(field_name="person__uuid", label=_("person"))

    class Meta:
        model = RequestSignOff
        fields = []
