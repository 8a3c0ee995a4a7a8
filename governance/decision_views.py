"""Steering group pages: the list of groups and the decisions list (FilterSet, export),
a group's page (members, the agenda of its next meeting, its meetings and its decision
log), a decision's page, and the create / edit / delete forms (writes through
governance.services)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from kitos.detail import (
    HISTORY_TAB,
    ObjectCreateView,
    ObjectDeleteView,
    ObjectUpdateView,
    ParentTabMixin,
    Tab,
    TabbedDetailView,
    field_facts,
    overview_tab,
)
from kitos.links import parse_uuids
from kitos.lists import ListView
from roles.tables import unit_options

from . import decision_tables
from .agenda import meeting_agenda
from .decision_forms import DecisionForm, MeetingForm, SteeringGroupForm
from .filtersets import DecisionFilterSet, SteeringGroupFilterSet
from .models import Decision, Meeting, SteeringGroup, SteeringGroupMember
from .services import (
    decision_create,
    decision_delete,
    decision_update,
    meeting_create,
    meeting_delete,
    meeting_update,
    steering_group_create,
    steering_group_delete,
    steering_group_update,
)


def group_decisions(user, **filters):
    """Decisions visible to `user`, newest first, as the group and project pages show
    them (one query)."""
    return (
        Decision.objects.visible_to(user).filter(**filters)
        .select_related("group", "meeting", "project", "contract", "request", "principle")
        .order_by("-decided_on", "title")
    )


# -- lists -------------------------------------------------------------------------------


class SteeringGroupListView(ListView):
    model = SteeringGroup
    filterset_class = SteeringGroupFilterSet
    columns = decision_tables.GROUP_COLUMNS
    title = gettext_lazy("Styregrupper")
    create_label = gettext_lazy("Ny styregruppe")
    export_entity = "steering_groups"
    filter_options = {"unit": unit_options}
    panel_first = ("active", "unit")


class DecisionListView(ListView):
    model = Decision
    filterset_class = DecisionFilterSet
    columns = decision_tables.DECISION_COLUMNS
    title = gettext_lazy("Beslutninger")
    create_label = gettext_lazy("Ny beslutning")
    default_sort = "decided_on"
    export_entity = "decisions"
    filter_options = {"binding_unit": unit_options, "within": unit_options}
    panel_first = ("group", "outcome", "subject", "follow_up", "decided_on")


# -- detail pages ------------------------------------------------------------------------


class SteeringGroupDetailView(TabbedDetailView):
    """A steering group: mandate and members with the agenda of its next meeting, its
    meetings, and its decision log (newest first)."""

    model = SteeringGroup
    related = ("organisation", "unit")
    tabs = (
        overview_tab("governance/steering_group_overview.html"),
        Tab("beslutninger", gettext_lazy("Beslutningslog"), "decisions",
            "governance/steering_group_decisions.html"),
        Tab("moeder", gettext_lazy("Møder"), "meetings",
            "governance/steering_group_meetings.html"),
        HISTORY_TAB,
    )

    def overview_context(self):
        group = self.object
        return {
            "facts": field_facts(group, ("name", "mandate", "unit", "active")),
            "memberships": group.memberships.select_related("person").order_by(
                "role", "person__name"),
            "agenda": meeting_agenda(group, today=timezone.localdate()),
        }

    def decisions_context(self):
        return {
            "decisions": group_decisions(self.request.user, group=self.object),
            "decision_create_url": reverse("decision_create") + f"?group={self.object.uuid}",
        }

    def meetings_context(self):
        return {
            "meetings": Meeting.objects.visible_to(self.request.user)
            .filter(group=self.object).order_by("-date"),
            "meeting_create_url": reverse("meeting_create", args=[self.object.uuid]),
        }


class DecisionDetailView(TabbedDetailView):
    model = Decision
    related = ("organisation", "group", "meeting", "project", "contract", "request",
               "principle")
    prefetch = ("binding_units",)
    tabs = (
        overview_tab("governance/decision_overview.html"),
        HISTORY_TAB,
    )

    def overview_context(self):
        return {
            "facts": field_facts(
                self.object,
                ("title", "group", "meeting", "outcome", "project", "request", "contract",
                 "principle", "rationale",
                 "binding_units", "decided_on", "follow_up_date", "follow_up_done"),
            )
        }


# -- forms -------------------------------------------------------------------------------


class SteeringGroupCreateView(ObjectCreateView):
    model = SteeringGroup
    form_class = SteeringGroupForm

    def save(self, form):
        return steering_group_create(
            actor=self.request.user, organisation=self.organisation, **form.field_data(),
            **form.member_data(),
        )


class SteeringGroupUpdateView(ObjectUpdateView):
    model = SteeringGroup
    form_class = SteeringGroupForm

    def get_queryset(self):
        return super().get_queryset().prefetch_related(
            Prefetch("memberships", SteeringGroupMember.objects.all()))

    def save(self, form):
        return steering_group_update(
            actor=self.request.user, group=self.object, data=form.field_data(),
            **form.member_data(),
        )


class SteeringGroupDeleteView(ObjectDeleteView):
    model = SteeringGroup

    def delete(self, obj):
        steering_group_delete(actor=self.request.user, group=obj)


class DecisionCreateView(ObjectCreateView):
    model = Decision
    form_class = DecisionForm

    def get_initial(self):
        initial = super().get_initial()
        wanted = self.request.GET.get("group")
        if wanted:
            group = SteeringGroup.objects.visible_to(self.request.user).filter(
                uuid__in=parse_uuids([wanted])[0]).first()
            if group is not None:
                initial["group"] = group.pk
        wanted = self.request.GET.get("request")
        if wanted:  # from a request's Beslutninger tab
            from .models import NewSystemRequest

            request = NewSystemRequest.objects.visible_to(self.request.user).filter(
                uuid__in=parse_uuids([wanted])[0]).first()
            if request is not None:
                initial["request"] = request.pk
                initial.setdefault("title", request.title)
        return initial

    def save(self, form):
        data = form.field_data()
        return decision_create(actor=self.request.user, **data, **form.m2m_data())


class DecisionUpdateView(ObjectUpdateView):
    model = Decision
    form_class = DecisionForm

    def save(self, form):
        return decision_update(actor=self.request.user, decision=self.object,
                               data=form.field_data(), **form.m2m_data())


class DecisionDeleteView(ObjectDeleteView):
    model = Decision

    def delete(self, obj):
        decision_delete(actor=self.request.user, decision=obj)


class MeetingMixin(ParentTabMixin):
    model = Meeting
    form_class = MeetingForm
    parent_field, parent_tab = "group", "moeder"


class MeetingCreateView(MeetingMixin, ObjectCreateView):
    """A meeting of a steering group (from the group's Møder tab)."""

    parent_model = SteeringGroup

    def save(self, form):
        return meeting_create(actor=self.request.user, group=self.parent, **form.field_data())


class MeetingUpdateView(MeetingMixin, ObjectUpdateView):
    related = ("group",)

    def save(self, form):
        return meeting_update(actor=self.request.user, meeting=self.object,
                              data=form.field_data())


class MeetingDeleteView(MeetingMixin, ObjectDeleteView):
    def delete(self, obj):
        meeting_delete(actor=self.request.user, meeting=obj)

