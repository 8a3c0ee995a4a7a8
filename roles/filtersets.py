"""FilterSets of the roles app: the same filters for the HTML lists, the API, the Excel
export and the dashboard counts."""

from __future__ import annotations

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kitos.filtersets import BaseFilterSet, UUIDInFilter
from kitos.models import Organisation
from roles.models import (
    Competency,
    CompetencyTarget,
    Discipline,
    OrganisationUnit,
    Person,
    RoleAssignment,
    RoleGuideline,
    RoleType,
    TrainingPlanItem,
    role_target_models,
)

from .choices import CompetencyLevel, CompetencyTier, RoleTarget, TrainingStatus


class SubtreeFilter(django_filters.UUIDFilter):
    """`?within=<unit uuid>`: rows whose unit is that unit or one below it. Units keep
    their ancestors in `path` ("/12/57/"), so a subtree is one prefix match on
    `path_field` (e.g. "responsible_unit__path"). An unknown unit matches nothing; the
    rows are scoped already, so another organisation's unit reveals nothing either."""

    def __init__(self, *, path_field: str, **kwargs):
        self.path_field = path_field
        super().__init__(**kwargs)

    def filter(self, queryset, value):
        if value in (None, ""):
            return queryset
        return queryset.filter(**{f"{self.path_field}__startswith": subtree_prefix(value)})


def subtree_prefix(unit_uuid):
    """The `path` of the unit `unit_uuid` as a subquery, for ``<path>__startswith``: the
    subtree filter needs no query of its own (a list filtered ``?within=`` costs the
    same as one without). An unknown unit, or one without a path, gives NULL, which
    matches nothing (never an empty prefix: it would match every unit)."""
    return Subquery(
        OrganisationUnit.objects.filter(uuid=unit_uuid).exclude(path="").values("path")[:1]
    )


class OrganisationFilterSet(BaseFilterSet):
    search_fields = ("name", "slug", "cvr")

    class Meta:
        model = Organisation
        fields = ["slug", "cvr"]


class OrganisationUnitFilterSet(BaseFilterSet):
    search_fields = ("name", "local_code", "ean", "external_reference")

    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))
    parent = UUIDInFilter(field_name="parent__uuid", label=_("overordnet enhed"))
    within = SubtreeFilter(path_field="path", label=_("enheden og alle enheder under den"))
    # `?closed=false` hides the units that no longer exist (closed in FK Organisation).
    closed = django_filters.BooleanFilter(
        field_name="closed_on", lookup_expr="isnull", exclude=True, label=_("lukket"))

    class Meta:
        model = OrganisationUnit
        fields = ["depth", "local_code"]


class PersonFilterSet(BaseFilterSet):
    search_fields = ("name", "email", "title")

    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))
    unit = UUIDInFilter(field_name="unit__uuid", label=_("enhed"))
    # `left_on` is the last working day: someone leaving next month has not left yet
    # (the alerts, the calendar and the roles pages read it the same way).
    has_left = django_filters.BooleanFilter(method="filter_has_left", label=_("fratrådt"))

    class Meta:
        model = Person
        fields = ["email"]

    def filter_has_left(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.gone(today) if value else queryset.still_working(today)


class _StandardOrOwnFilterSet(BaseFilterSet):
    """Reference data: the standard entries (no organisation) and organisations' own."""

    search_fields = ("name", "code", "description")

    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))
    is_standard = django_filters.BooleanFilter(
        field_name="organisation", lookup_expr="isnull", label=_("standard")
    )


class DisciplineFilterSet(_StandardOrOwnFilterSet):
    class Meta:
        model = Discipline
        fields = ["code"]


class RoleTypeFilterSet(_StandardOrOwnFilterSet):
    applies_to = django_filters.MultipleChoiceFilter(
        choices=RoleTarget.choices, label=_("gælder for")
    )
    discipline = UUIDInFilter(field_name="discipline__uuid", label=_("fagområde"))

    class Meta:
        model = RoleType
        fields = ["code", "is_specialist", "is_required"]


class RoleAssignmentFilterSet(BaseFilterSet):
    search_fields = ("person__name", "person__email", "role_type__name", "note")

    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))
    person = UUIDInFilter(field_name="person__uuid", label=_("person"))
    role_type = UUIDInFilter(field_name="role_type__uuid", label=_("rolle"))
    target_type = django_filters.ChoiceFilter(
        choices=RoleTarget.choices, method="filter_target_type", label=_("objekttype")
    )
    # Public ids are unique across kinds of object, so `target` needs no `target_type`.
    target = UUIDInFilter(method="filter_target", label=_("objekt"))
    current = django_filters.BooleanFilter(method="filter_current", label=_("gældende i dag"))

    class Meta:
        model = RoleAssignment
        fields = []

    def filter_target_type(self, queryset, name, value):
        model = role_target_models()[value]
        return queryset.filter(content_type=ContentType.objects.get_for_model(model))

    def filter_target(self, queryset, name, value):
        condition = Q(pk__in=[])
        for model, content_type in ContentType.objects.get_for_models(
            *role_target_models().values()
        ).items():
            condition |= Q(
                content_type=content_type,
                object_id__in=model.objects.filter(uuid__in=value).values("pk"),
            )
        return queryset.filter(condition)

    def filter_current(self, queryset, name, value):
        today = timezone.localdate()
        if value:
            return queryset.current(today)
        return queryset.exclude(pk__in=RoleAssignment.objects.current(today).values("pk"))


class CompetencyFilterSet(BaseFilterSet):
    search_fields = ("person__name", "discipline__name", "note")

    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))
    person = UUIDInFilter(field_name="person__uuid", label=_("person"))
    discipline = UUIDInFilter(field_name="discipline__uuid", label=_("fagområde"))
    level = django_filters.MultipleChoiceFilter(
        choices=CompetencyLevel.choices, label=_("niveau")
    )

    class Meta:
        model = Competency
        fields = []


class CompetencyTargetFilterSet(BaseFilterSet):
    search_fields = ("discipline__name", "unit__name", "role_type__name", "note")

    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))
    discipline = UUIDInFilter(field_name="discipline__uuid", label=_("fagområde"))
    unit = UUIDInFilter(field_name="unit__uuid", label=_("enhed"))
    within = SubtreeFilter(path_field="unit__path",
                           label=_("enheden og alle enheder under den"))
    role_type = UUIDInFilter(field_name="role_type__uuid", label=_("rolle"))
    tier = django_filters.MultipleChoiceFilter(
        choices=CompetencyTier.choices, label=_("niveau i organisationen")
    )
    level = django_filters.MultipleChoiceFilter(
        choices=CompetencyLevel.choices, label=_("målniveau")
    )

    class Meta:
        model = CompetencyTarget
        fields = []


class TrainingPlanItemFilterSet(BaseFilterSet):
    search_fields = ("person__name", "discipline__name", "note")

    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))
    person = UUIDInFilter(field_name="person__uuid", label=_("person"))
    within = SubtreeFilter(path_field="person__unit__path",
                           label=_("enheden og alle enheder under den"))
    discipline = UUIDInFilter(field_name="discipline__uuid", label=_("fagområde"))
    target_level = django_filters.MultipleChoiceFilter(
        choices=CompetencyLevel.choices, label=_("målniveau")
    )
    status = django_filters.MultipleChoiceFilter(
        choices=TrainingStatus.choices, label=_("status")
    )
    due_date = django_filters.DateFromToRangeFilter(label=_("senest"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overskredet"))

    class Meta:
        model = TrainingPlanItem
        fields = []

    def filter_overdue(self, queryset, name, value):
        overdue = Q(due_date__lt=timezone.localdate(),
                    status__in=(TrainingStatus.PLANNED, TrainingStatus.IN_PROGRESS))
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class RoleGuidelineFilterSet(BaseFilterSet):
    search_fields = ("role_type__name", "guidelines", "goals")

    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))
    role_type = UUIDInFilter(field_name="role_type__uuid", label=_("rolle"))
    valid_from = django_filters.DateFromToRangeFilter(label=_("gældende fra"))

    class Meta:
        model = RoleGuideline
        fields = ["version"]
