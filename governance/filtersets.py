"""FilterSets of the governance app: the same filters for the HTML lists, the API and
the exports."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kitos.filtersets import BaseFilterSet, UUIDInFilter
from roles.filtersets import SubtreeFilter, subtree_prefix

from . import choices
from .models import (
    Benefit,
    BenefitDueDate,
    BenefitMeasurement,
    Decision,
    Meeting,
    Project,
    ProjectStatusReport,
    SteeringGroup,
    StrategicGoal,
)


class StrategicGoalFilterSet(BaseFilterSet):
    search_fields = ("title", "description")

    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))
    unit = UUIDInFilter(field_name="unit__uuid", label=_("enhed"))
    owner = UUIDInFilter(field_name="owner__uuid", label=_("ejer"))
    parent = UUIDInFilter(field_name="parent__uuid", label=_("overordnet mål"))
    top_level = django_filters.BooleanFilter(
        field_name="parent", lookup_expr="isnull", label=_("kun øverste mål")
    )
    active_in = django_filters.NumberFilter(
        method="filter_active_in", label=_("gælder i år"), min_value=1990, max_value=2100
    )

    class Meta:
        model = StrategicGoal
        fields = []

    def filter_active_in(self, queryset, name, value):
        year = int(value)
        return queryset.exclude(start_year__gt=year).exclude(end_year__lt=year)


# The "light" of a project without any status report (the dashboard's matrix column).
NO_REPORT = "none"


class ProjectFilterSet(BaseFilterSet):
    search_fields = ("name", "purpose")

    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))
    phase = django_filters.MultipleChoiceFilter(
        choices=choices.ProjectPhase.choices, label=_("fase")
    )
    responsible_unit = UUIDInFilter(field_name="responsible_unit__uuid",
                                    label=_("ansvarlig enhed"))
    within = SubtreeFilter(path_field="responsible_unit__path",
                           label=_("ansvarlig enhed eller en enhed under den"))
    owner = UUIDInFilter(field_name="owner__uuid", label=_("projektejer"))
    manager = UUIDInFilter(field_name="manager__uuid", label=_("projektleder"))
    goal = UUIDInFilter(field_name="goals__uuid", label=_("mål"), distinct=True)
    usage = UUIDInFilter(field_name="systems__uuid", label=_("systemanvendelse"),
                         distinct=True)
    contract = UUIDInFilter(field_name="contracts__uuid", label=_("kontrakt"), distinct=True)
    start_date = django_filters.DateFromToRangeFilter(label=_("startdato"))
    end_date = django_filters.DateFromToRangeFilter(label=_("slutdato"))
    latest_status = django_filters.MultipleChoiceFilter(
        choices=[*choices.TrafficLight.choices, (NO_REPORT, _("ingen statusrapport"))],
        method="filter_latest_status",
        label=_("seneste status (værste lys)"),
    )

    class Meta:
        model = Project
        fields = []

    def filter_latest_status(self, queryset, name, value):
        """Projects whose latest report's worst light is one of those chosen."""
        if not value:
            return queryset
        if "latest_time" not in queryset.query.annotations:
            queryset = queryset.with_latest_status()
        lights = ("latest_time", "latest_cost", "latest_scope", "latest_benefits")
        red = _any_light(lights, choices.TrafficLight.RED)
        yellow = _any_light(lights, choices.TrafficLight.YELLOW)
        wanted = Q(pk__in=[])
        if choices.TrafficLight.RED in value:
            wanted |= red
        if choices.TrafficLight.YELLOW in value:
            wanted |= yellow & ~red
        if choices.TrafficLight.GREEN in value:
            wanted |= Q(latest_time=choices.TrafficLight.GREEN) & ~red \
                & ~yellow
        if NO_REPORT in value:
            # A report sets every light, so a project without one has no latest time.
            wanted |= Q(latest_time__isnull=True)
        return queryset.filter(wanted)


def _any_light(fields, light):
    condition = Q(pk__in=[])
    for field in fields:
        condition |= Q(**{field: light})
    return condition


class ProjectStatusReportFilterSet(BaseFilterSet):
    search_fields = ("project__name", "text")

    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))
    project = UUIDInFilter(field_name="project__uuid", label=_("projekt"))
    period = django_filters.DateFromToRangeFilter(label=_("periode"))
    time = django_filters.MultipleChoiceFilter(choices=choices.TrafficLight.choices,
                                               label=_("tid"))
    cost = django_filters.MultipleChoiceFilter(choices=choices.TrafficLight.choices,
                                               label=_("økonomi"))
    scope = django_filters.MultipleChoiceFilter(choices=choices.TrafficLight.choices,
                                                label=_("omfang"))
    benefits = django_filters.MultipleChoiceFilter(choices=choices.TrafficLight.choices,
                                                   label=_("gevinster"))

    class Meta:
        model = ProjectStatusReport
        fields = []


# -- benefits ------------------------------------------------------------------------------


class BenefitFilterSet(BaseFilterSet):
    search_fields = ("title", "measure", "notes", "project__name")

    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))
    project = UUIDInFilter(field_name="project__uuid", label=_("projekt"))
    kind = django_filters.MultipleChoiceFilter(
        choices=choices.BenefitKind.choices, label=_("type")
    )
    owner = UUIDInFilter(field_name="owner__uuid", label=_("gevinstejer"))
    goal = UUIDInFilter(field_name="goals__uuid", label=_("mål"), distinct=True)
    within = SubtreeFilter(path_field="project__responsible_unit__path",
                           label=_("projektets ansvarlige enhed eller en enhed under den"))
    due_date = django_filters.DateFromToRangeFilter(label=_("forfaldsdato"))
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=_("forfalden uden måling")
    )
    reached = django_filters.BooleanFilter(
        method="filter_reached", label=_("målet er nået")
    )

    class Meta:
        model = Benefit
        fields = []

    def filter_reached(self, queryset, name, value):
        """Benefits whose latest measurement reaches the target (realised share ≥ 100 %,
        as the portfolio counts them); false: not measured, or short of the target."""
        if value is None:
            return queryset
        ids = queryset.model.objects.with_realisation().filter(
            realised_share__gte=1
        ).values("pk")
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(due_date__lt=timezone.localdate(), measurements__isnull=True)
        ids = queryset.model.objects.filter(overdue).values("pk")
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)


class BenefitMeasurementFilterSet(BaseFilterSet):
    search_fields = ("benefit__title", "note")

    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))
    benefit = UUIDInFilter(field_name="benefit__uuid", label=_("gevinst"))
    project = UUIDInFilter(field_name="benefit__project__uuid", label=_("projekt"))
    measured_on = django_filters.DateFromToRangeFilter(label=_("målt den"))

    class Meta:
        model = BenefitMeasurement
        fields = []


# -- steering groups, meetings and decisions ------------------------------------------------


class SteeringGroupFilterSet(BaseFilterSet):
    search_fields = ("name", "mandate")

    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))
    unit = UUIDInFilter(field_name="unit__uuid", label=_("enhed"))
    member = UUIDInFilter(field_name="members__uuid", label=_("medlem"), distinct=True)
    active = django_filters.BooleanFilter(label=_("aktiv"))

    class Meta:
        model = SteeringGroup
        fields = []


class MeetingFilterSet(BaseFilterSet):
    search_fields = ("place", "notes", "group__name")

    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))
    group = UUIDInFilter(field_name="group__uuid", label=_("styregruppe"))
    date = django_filters.DateFromToRangeFilter(label=_("dato"))

    class Meta:
        model = Meeting
        fields = []


FOLLOW_UP_CHOICES = (
    ("due", _("opfølgning venter")),
    ("overdue", _("opfølgning overskredet")),
    ("done", _("opfølgning udført")),
)


class DecisionFilterSet(BaseFilterSet):
    search_fields = ("title", "rationale")

    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))
    group = UUIDInFilter(field_name="group__uuid", label=_("styregruppe"))
    meeting = UUIDInFilter(field_name="meeting__uuid", label=_("møde"))
    project = UUIDInFilter(field_name="project__uuid", label=_("projekt"))
    contract = UUIDInFilter(field_name="contract__uuid", label=_("kontrakt"))
    binding_unit = UUIDInFilter(field_name="binding_units__uuid", label=_("bindende for"),
                                distinct=True)
    outcome = django_filters.MultipleChoiceFilter(
        choices=choices.DecisionOutcome.choices, label=_("udfald")
    )
    subject = django_filters.MultipleChoiceFilter(
        choices=choices.DecisionSubject.choices, method="filter_subject", label=_("emne")
    )
    follow_up = django_filters.ChoiceFilter(
        choices=FOLLOW_UP_CHOICES, method="filter_follow_up", label=_("opfølgning")
    )
    decided_on = django_filters.DateFromToRangeFilter(label=_("besluttet den"))
    follow_up_date = django_filters.DateFromToRangeFilter(label=_("opfølgningsdato"))
    within = django_filters.UUIDFilter(
        method="filter_within", label=_("vedrører enheden eller en enhed under den")
    )

    class Meta:
        model = Decision
        fields = []

    def filter_within(self, queryset, name, value):
        """Decisions that concern a unit's subtree: of a steering group covering a unit
        in it, binding for such a unit, or on a project or request of such a unit."""
        path = subtree_prefix(value)  # a subquery: no query of its own
        concerned = Decision.objects.filter(
            Q(group__unit__path__startswith=path)
            | Q(binding_units__path__startswith=path)
            | Q(project__responsible_unit__path__startswith=path)
            | Q(request__unit__path__startswith=path)
        ).values("pk")
        return queryset.filter(pk__in=concerned)

    def filter_subject(self, queryset, name, value):
        if not value:
            return queryset
        kinds = {
            choices.DecisionSubject.PROJECT: Q(project__isnull=False),
            choices.DecisionSubject.REQUEST: Q(request__isnull=False),
            choices.DecisionSubject.CONTRACT: Q(contract__isnull=False),
            choices.DecisionSubject.PRINCIPLE: Q(principle__isnull=False),
            choices.DecisionSubject.FREE: Q(
                project__isnull=True, contract__isnull=True, request__isnull=True,
                principle__isnull=True,
            ),
        }
        wanted = Q(pk__in=[])
        for kind in value:
            wanted |= kinds[kind]
        return queryset.filter(wanted)

    def filter_follow_up(self, queryset, name, value):
        today = timezone.localdate()
        if value == "done":
            return queryset.filter(follow_up_done=True)
        pending = queryset.filter(follow_up_date__isnull=False, follow_up_done=False)
        if value == "overdue":
            return pending.filter(follow_up_date__lt=today)
        return pending.filter(follow_up_date__gte=today)


class BenefitDueDateFilterSet(BaseFilterSet):
    """A benefit's due dates (measurement points); `met` is the reminders' rule
    (querysets.measured_for)."""

    search_fields = ("benefit__title", "note")

    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))
    benefit = UUIDInFilter(field_name="benefit__uuid", label=_("gevinst"))
    project = UUIDInFilter(field_name="benefit__project__uuid", label=_("projekt"))
    date = django_filters.DateFromToRangeFilter(label=_("forfaldsdato"))
    met = django_filters.BooleanFilter(label=_("målt"), method="filter_met")

    class Meta:
        model = BenefitDueDate
        fields = []

    def filter_met(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.with_met().filter(is_met=value)
