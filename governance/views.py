"""Governance pages: the lists of goals, projects and status reports, the detail pages
with tabs, and the create / edit / delete forms (writes through governance.services)."""

from __future__ import annotations

from django.urls import reverse
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
from kitos.lists import ListView
from roles.tables import unit_options
from roles.tabs import ROLES_TAB, RolesTabMixin

from . import tables
from .benefit_views import BENEFITS_TAB, ProjectBenefitsTabMixin
from .filtersets import ProjectFilterSet, ProjectStatusReportFilterSet, StrategicGoalFilterSet
from .forms import ProjectForm, ProjectStatusReportForm, StrategicGoalForm
from .models import Project, ProjectStatusReport, StrategicGoal
from .services import (
    goal_create,
    goal_delete,
    goal_update,
    project_create,
    project_delete,
    project_update,
    status_report_create,
    status_report_delete,
    status_report_update,
)

# -- lists -------------------------------------------------------------------------------


class StrategicGoalListView(ListView):
    model = StrategicGoal
    filterset_class = StrategicGoalFilterSet
    columns = tables.GOAL_COLUMNS
    title = gettext_lazy("Strategiske mål")
    create_label = gettext_lazy("Nyt mål")
    export_entity = "goals"
    filter_options = {"unit": unit_options}
    panel_first = ("unit", "active_in", "top_level")


class ProjectListView(ListView):
    model = Project
    filterset_class = ProjectFilterSet
    columns = tables.PROJECT_COLUMNS
    title = gettext_lazy("Projektportefølje")
    create_label = gettext_lazy("Nyt projekt")
    export_entity = "projects"
    filter_options = {"responsible_unit": unit_options, "within": unit_options}
    panel_first = ("phase", "latest_status", "within", "start_date", "end_date")


class ProjectStatusReportListView(ListView):
    model = ProjectStatusReport
    filterset_class = ProjectStatusReportFilterSet
    columns = tables.STATUS_REPORT_COLUMNS
    title = gettext_lazy("Statusrapporter")
    export_entity = "project_status_reports"
    default_sort = "period"
    panel_first = ("period", "time", "cost", "scope", "benefits")

    def create_url(self):
        # Reports are made from their project's page.
        return None


# -- detail pages ------------------------------------------------------------------------


class StrategicGoalDetailView(TabbedDetailView):
    """A goal: its facts, the goals under it and the projects that support it."""

    model = StrategicGoal
    related = ("organisation", "owner", "unit", "parent")
    tabs = (
        overview_tab("governance/strategicgoal_overview.html"),
        Tab("projekter", gettext_lazy("Projekter"), "projects",
            "governance/strategicgoal_projects.html"),
        HISTORY_TAB,
    )

    def overview_context(self):
        goal = self.object
        return {
            "facts": field_facts(goal, ("title", "description", "unit", "owner", "parent")),
            "period": goal.period_label,
            "children": goal.children.visible_to(self.request.user).order_by("title"),
        }

    def projects_context(self):
        return {
            "projects": self.object.projects.visible_to(self.request.user)
            .for_list().order_by("name"),
        }


class ProjectDetailView(ProjectBenefitsTabMixin, RolesTabMixin, TabbedDetailView):
    """A project: overview (purpose, phase, people, budget, goals), the systems and
    contracts it affects, its status reports, the roles held on it and its history."""

    model = Project
    related = ("organisation", "responsible_unit", "owner", "manager")
    prefetch = ("units", "goals")
    tabs = (
        overview_tab("governance/project_overview.html"),
        Tab("systemer", gettext_lazy("Systemer og kontrakter"), "links",
            "governance/project_links.html"),
        Tab("status", gettext_lazy("Status"), "status", "governance/project_status.html"),
        BENEFITS_TAB,
        Tab("beslutninger", gettext_lazy("Beslutninger"), "decisions",
            "governance/project_decisions.html"),
        ROLES_TAB,
        HISTORY_TAB,
    )

    def overview_context(self):
        project = self.object
        return {
            "facts": field_facts(
                project,
                ("name", "purpose", "phase", "responsible_unit", "units", "owner", "manager",
                 "goals", "investment", "yearly_operating_cost", "financing", "start_date",
                 "end_date"),
            ),
            "latest_report": self.reports().first(),
        }

    def reports(self):
        return (
            ProjectStatusReport.objects.visible_to(self.request.user)
            .filter(project=self.object)
            .select_related("reported_by")
            .order_by("-period")
        )

    def links_context(self):
        project = self.object
        return {
            "system_links": project.projectsystem_set.select_related(
                "usage__system", "usage__responsible_unit"
            ).order_by("effect", "usage__system__name"),
            "contract_links": project.projectcontract_set.select_related(
                "contract__supplier"
            ).order_by("effect", "contract__name"),
        }

    def decisions_context(self):
        from .decision_views import group_decisions

        return {"decisions": group_decisions(self.request.user, project=self.object)}

    def status_context(self):
        return {
            "reports": self.reports(),
            "report_create_url": reverse("projectstatusreport_create", args=[self.object.uuid]),
        }


class ProjectStatusReportDetailView(TabbedDetailView):
    model = ProjectStatusReport
    related = ("organisation", "project", "reported_by")
    tabs = (
        overview_tab("governance/projectstatusreport_overview.html"),
        HISTORY_TAB,
    )

    def overview_context(self):
        return {
            "facts": field_facts(
                self.object,
                ("project", "period", "time", "cost", "scope", "benefits", "text",
                 "reported_by"),
            )
        }


# -- forms -------------------------------------------------------------------------------


class StrategicGoalCreateView(ObjectCreateView):
    model = StrategicGoal
    form_class = StrategicGoalForm

    def save(self, form):
        return goal_create(
            actor=self.request.user, organisation=self.organisation, **form.field_data()
        )


class StrategicGoalUpdateView(ObjectUpdateView):
    model = StrategicGoal
    form_class = StrategicGoalForm

    def save(self, form):
        return goal_update(actor=self.request.user, goal=self.object, data=form.field_data())


class StrategicGoalDeleteView(ObjectDeleteView):
    model = StrategicGoal

    def delete(self, obj):
        goal_delete(actor=self.request.user, goal=obj)


class ProjectCreateView(ObjectCreateView):
    model = Project
    form_class = ProjectForm

    def save(self, form):
        return project_create(
            actor=self.request.user, organisation=self.organisation, **form.field_data(),
            **form.m2m_data(), **form.link_data(),
        )


class ProjectUpdateView(ObjectUpdateView):
    model = Project
    form_class = ProjectForm

    def save(self, form):
        return project_update(
            actor=self.request.user, project=self.object, data=form.field_data(),
            **form.m2m_data(), **form.link_data(),
        )


class ProjectDeleteView(ObjectDeleteView):
    model = Project

    def delete(self, obj):
        project_delete(actor=self.request.user, project=obj)


class StatusReportMixin(ParentTabMixin):
    model = ProjectStatusReport
    form_class = ProjectStatusReportForm
    parent_field, parent_tab = "project", "status"


class ProjectStatusReportCreateView(StatusReportMixin, ObjectCreateView):
    """A status report of a project (from the project's Status tab)."""

    parent_model = Project

    def save(self, form):
        return status_report_create(
            actor=self.request.user, project=self.parent, **form.field_data()
        )


class ProjectStatusReportUpdateView(StatusReportMixin, ObjectUpdateView):
    related = ("project",)

    def save(self, form):
        return status_report_update(
            actor=self.request.user, report=self.object, data=form.field_data()
        )


class ProjectStatusReportDeleteView(StatusReportMixin, ObjectDeleteView):
    def delete(self, obj):
        status_report_delete(actor=self.request.user, report=obj)
