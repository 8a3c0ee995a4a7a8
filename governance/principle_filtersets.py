"""FilterSets of principles and architecture reviews: the same filters for the HTML
lists, the API, the exports and the compliance matrix's links."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kitos.filtersets import BaseFilterSet, UUIDInFilter
from roles.filtersets import subtree_prefix
from roles.models import OrganisationUnit

from . import choices
from .models import ArchitectureReview, Principle

# Where each kind of review subject keeps its unit (the matrix groups by these too).
SUBJECT_UNIT_PATHS = (
    "project__responsible_unit__path", "request__unit__path",
    "usage__responsible_unit__path",
)
SUBJECT_UNIT_IDS = (
    "project__responsible_unit_id", "request__unit_id", "usage__responsible_unit_id",
)


class PrincipleFilterSet(BaseFilterSet):
    search_fields = ("code", "title", "text", "rationale", "implications")

    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))
    area = django_filters.MultipleChoiceFilter(
        choices=choices.PrincipleArea.choices, label=_("område")
    )
    owner = UUIDInFilter(field_name="owner__uuid", label=_("ejer"))
    active = django_filters.BooleanFilter(label=_("aktiv"))
    current = django_filters.BooleanFilter(
        method="filter_current", label=_("gældende version")
    )

    class Meta:
        model = Principle
        fields = []

    def filter_current(self, queryset, name, value):
        if value is None:
            return queryset
        current = Q(active=True, replaced_by__isnull=True)
        return queryset.filter(current) if value else queryset.exclude(current)


class ArchitectureReviewFilterSet(BaseFilterSet):
    search_fields = ("principle__title", "principle__code", "reason", "project__name",
                     "request__title", "usage__system__name")

    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))
    principle = UUIDInFilter(field_name="principle__uuid", label=_("princip"))
    area = django_filters.MultipleChoiceFilter(
        field_name="principle__area", choices=choices.PrincipleArea.choices,
        label=_("område"),
    )
    verdict = django_filters.MultipleChoiceFilter(
        choices=choices.ReviewVerdict.choices, label=_("vurdering")
    )
    subject = django_filters.MultipleChoiceFilter(
        choices=choices.ReviewSubject.choices, method="filter_subject",
        label=_("vurderet objekt"),
    )
    project = UUIDInFilter(field_name="project__uuid", label=_("projekt"))
    request = UUIDInFilter(field_name="request__uuid", label=_("anmodning"))
    usage = UUIDInFilter(field_name="usage__uuid", label=_("systemanvendelse"))
    unit = django_filters.UUIDFilter(
        method="filter_unit", label=_("enhed eller en enhed under den")
    )
    no_forvaltning = django_filters.BooleanFilter(
        method="filter_no_forvaltning", label=_("uden forvaltning")
    )
    reviewer = UUIDInFilter(field_name="reviewer__uuid", label=_("vurderet af"))
    reviewed_on = django_filters.DateFromToRangeFilter(label=_("vurderet den"))

    class Meta:
        model = ArchitectureReview
        fields = []

    def filter_subject(self, queryset, name, value):
        if not value:
            return queryset
        wanted = Q(pk__in=[])
        for kind in value:
            wanted |= Q(**{f"{kind}__isnull": False})
        return queryset.filter(wanted)

    def filter_unit(self, queryset, name, value):
        """Reviews whose subject's unit (the project's responsible unit, the request's
        unit, the usage's responsible unit) is the unit or one below it."""
        if value in (None, ""):
            return queryset
        path = subtree_prefix(value)  # a subquery: no query of its own
        wanted = Q(pk__in=[])
        for field in SUBJECT_UNIT_PATHS:
            wanted |= Q(**{f"{field}__startswith": path})
        return queryset.filter(wanted)

    def filter_no_forvaltning(self, queryset, name, value):
        """Reviews whose subject has no unit or a unit under no forvaltning (true: the
        compliance matrix's "Hele organisationen" column), or the others (false)."""
        if value is None:
            return queryset
        inside = Q(pk__in=[])
        for path in forvaltning_paths():
            for field in SUBJECT_UNIT_PATHS:
                inside |= Q(**{f"{field}__startswith": path})
        return queryset.exclude(inside) if value else queryset.filter(inside)


def forvaltning_paths() -> list[str]:
    """The tree paths of every organisation's forvaltninger (one query)."""
    return [unit.path for unit in OrganisationUnit.objects.all().forvaltninger() if unit.path]
