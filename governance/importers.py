"""Spreadsheet export and import of strategic goals, projects and their status reports,
benefits, steering groups with their members and decisions (see kitos/excel/spec.py).
Export writes every list of the app; import upserts goals by title, projects by name,
reports by project and period, groups by name and decisions by group, title and date."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kitos.db import new_instance
from kitos.excel import bulk
from kitos.excel.spec import BOOL, CHOICE, DATE, DECIMAL, INT, REF, REFS, Column, EntitySpec

from . import choices
from .models import (
    Benefit,
    Decision,
    Project,
    ProjectStatusReport,
    SteeringGroup,
    SteeringGroupMember,
    StrategicGoal,
)


class StrategicGoalSpec(EntitySpec):
    key = "goals"
    label = gettext_lazy("Strategiske mål")
    model = StrategicGoal
    sheet_names = ("Mål", "Goals", "Strategic goals")
    reference_label = gettext_lazy("Målet")
    key_columns = ("title",)
    duplicate_label = gettext_lazy("titlen")
    columns = (
        Column("title", "Titel", ("Mål", "Title", "Goal"), required=True),
        Column("description", "Beskrivelse", ("Description",)),
        Column("start_year", "Fra år", ("Startår", "Start year"), kind=INT),
        Column("end_year", "Til år", ("Slutår", "End year"), kind=INT),
        Column("unit", "Enhed", ("Forvaltning", "Unit"), kind=REF, ref="units"),
        Column("owner", "Ejer", ("Målejer", "Owner"), kind=REF, ref="persons"),
    )

    def reference_texts(self, obj, lookup):
        return [obj.title]

    def existing(self, organisation):
        return StrategicGoal.objects.filter(organisation=organisation).select_related(
            "unit", "owner"
        )


class ProjectSpec(EntitySpec):
    key = "projects"
    label = gettext_lazy("Projekter")
    model = Project
    sheet_names = ("Projektportefølje", "Projects", "It-projekter", "Portefølje")
    reference_label = gettext_lazy("Projektet")
    duplicate_label = gettext_lazy("projektnavnet")
    columns = (
        Column("name", "Navn", ("Projekt", "Projektnavn", "Name", "Project"), required=True),
        Column("purpose", "Formål", ("Purpose",)),
        Column("phase", "Fase", ("Phase", "Status"), kind=CHOICE, choices=choices.ProjectPhase),
        Column("responsible_unit", "Ansvarlig enhed", ("Forvaltning", "Responsible unit"),
               kind=REF, ref="units"),
        Column("owner", "Projektejer", ("Project owner",), kind=REF, ref="persons"),
        Column("manager", "Projektleder", ("Project manager",), kind=REF, ref="persons"),
        Column("investment", "Investering (kr.)", ("Investering", "Investment"), kind=DECIMAL),
        Column("yearly_operating_cost", "Årlig driftsudgift (kr.)", (
            "Årlig drift", "Driftsudgift", "Yearly operating cost"), kind=DECIMAL),
        Column("financing", "Finansiering", ("Financing",)),
        Column("start_date", "Startdato", ("Start", "Start date"), kind=DATE),
        Column("end_date", "Slutdato", ("Slut", "End date"), kind=DATE),
        Column("goals", "Mål", ("Understøttede mål", "Goals"), kind=REFS, ref="goals"),
    )

    def existing(self, organisation):
        return Project.objects.filter(organisation=organisation).select_related(
            "responsible_unit", "owner", "manager"
        )


class ProjectStatusReportSpec(EntitySpec):
    key = "project_status_reports"
    label = gettext_lazy("Statusrapporter")
    model = ProjectStatusReport
    sheet_names = ("Status", "Status reports", "Projektstatus")
    reference_label = gettext_lazy("Statusrapporten")
    key_columns = ("project", "period")
    duplicate_label = gettext_lazy("projektet og perioden")
    columns = (
        Column("project", "Projekt", ("Project",), kind=REF, ref="projects", required=True),
        Column("period", "Periode", ("Dato", "Period"), kind=DATE, required=True),
        Column("time", "Tid", ("Time",), kind=CHOICE, choices=choices.TrafficLight,
               required=True),
        Column("cost", "Økonomi", ("Cost",), kind=CHOICE, choices=choices.TrafficLight,
               required=True),
        Column("scope", "Omfang", ("Scope",), kind=CHOICE, choices=choices.TrafficLight,
               required=True),
        Column("benefits", "Gevinster", ("Benefits",), kind=CHOICE,
               choices=choices.TrafficLight, required=True),
        Column("text", "Status", ("Tekst", "Text")),
        Column("reported_by", "Rapporteret af", ("Reported by",), kind=REF, ref="persons"),
    )

    def reference_texts(self, obj, lookup):
        return []

    def existing(self, organisation):
        return ProjectStatusReport.objects.filter(organisation=organisation).select_related(
            "project", "reported_by"
        )


GOALS = StrategicGoalSpec()
PROJECTS = ProjectSpec()
STATUS_REPORTS = ProjectStatusReportSpec()


class BenefitSpec(EntitySpec):
    """Benefits of projects, matched by project and title."""

    key = "benefits"
    label = gettext_lazy("Gevinster")
    model = Benefit
    sheet_names = ("Benefits", "Gevinstrealisering")
    reference_label = gettext_lazy("Gevinsten")
    key_columns = ("project", "title")
    duplicate_label = gettext_lazy("projektet og titlen")
    columns = (
        Column("project", "Projekt", ("Project",), kind=REF, ref="projects", required=True),
        Column("title", "Titel", ("Gevinst", "Title", "Benefit"), required=True),
        Column("kind", "Type", ("Gevinsttype", "Kind"), kind=CHOICE,
               choices=choices.BenefitKind),
        Column("measure", "Måling", ("Målemetode", "Measure")),
        Column("unit_of_measure", "Måleenhed", ("Enhed", "Unit of measure")),
        Column("baseline", "Udgangspunkt", ("Baseline",), kind=DECIMAL),
        Column("target", "Mål", ("Målværdi", "Target"), kind=DECIMAL, required=True),
        Column("owner", "Gevinstejer", ("Ejer", "Owner"), kind=REF, ref="persons"),
        Column("due_date", "Forfaldsdato", ("Frist", "Due date"), kind=DATE),
        Column("goals", "Understøttede mål", ("Goals",), kind=REFS, ref="goals"),
        Column("notes", "Noter", ("Notes",)),
    )

    def reference_texts(self, obj, lookup):
        # Named by role assignments (a role may be held on a benefit): by its title, or
        # "project/title" where two projects have a benefit of that title.
        return [obj.title, f"{obj.project.name}/{obj.title}"] if obj.title else []

    def existing(self, organisation):
        return Benefit.objects.filter(organisation=organisation).select_related(
            "project", "owner"
        )


BENEFITS = BenefitSpec()


# -- steering groups and decisions ---------------------------------------------------------

# The member columns of a steering group's sheet, one per role (chair and secretary hold
# at most one person each).
MEMBER_COLUMNS = {
    "chair": choices.MemberRole.CHAIR,
    "secretary": choices.MemberRole.SECRETARY,
    "members": choices.MemberRole.MEMBER,
}
SINGLE_MEMBER_COLUMNS = ("chair", "secretary")


class SteeringGroupSpec(EntitySpec):
    """Steering groups with their members by role, matched by name."""

    key = "steering_groups"
    label = gettext_lazy("Styregrupper")
    model = SteeringGroup
    sheet_names = ("Steering groups", "Styregruppe")
    reference_label = gettext_lazy("Styregruppen")
    duplicate_label = gettext_lazy("navnet")
    columns = (
        Column("name", "Navn", ("Styregruppe", "Name", "Steering group"), required=True),
        Column("mandate", "Mandat", ("Mandate",)),
        Column("unit", "Enhed", ("Forvaltning", "Unit"), kind=REF, ref="units"),
        Column("active", "Aktiv", ("Active",), kind=BOOL),
        Column("chair", "Formand", ("Chair",), kind=REFS, ref="persons", field=None),
        Column("secretary", "Sekretær", ("Secretary",), kind=REFS, ref="persons",
               field=None),
        Column("members", "Medlemmer", ("Members",), kind=REFS, ref="persons", field=None),
    )

    def existing(self, organisation):
        return SteeringGroup.objects.filter(organisation=organisation).select_related("unit")

    def adjust(self, values, context):
        errors = []
        for key in SINGLE_MEMBER_COLUMNS:
            if len(values.get(key) or ()) > 1:
                errors.append((key, _("Styregruppen kan kun have én.")))
        seen = set()
        for key in MEMBER_COLUMNS:
            for person in values.get(key) or ():
                if id(person) in seen:
                    errors.append((key, _("Den samme person er valgt to gange.")))
                seen.add(id(person))
        return errors

    def load_links(self, queryset):
        links = {key: {} for key in MEMBER_COLUMNS}
        column_of = {role: key for key, role in MEMBER_COLUMNS.items()}
        for group_id, person_id, role in SteeringGroupMember.objects.filter(
            group__in=queryset.order_by().values("pk")
        ).values_list("group_id", "person_id", "role"):
            links[column_of[role]].setdefault(group_id, set()).add(person_id)
        return links

    def write_links(self, state, context):
        """Memberships the file changed: those removed go, those added are (re)made with
        the role of their column (a person moved from one role to another is both)."""
        removals, added = Q(), []
        for row in state.rows:
            if row.errors:
                continue
            for key, role in MEMBER_COLUMNS.items():
                if key not in row.m2m:
                    continue
                old_ids, new_people = row.m2m[key]
                new_ids = {person.pk for person in new_people}
                for gone in old_ids - new_ids:
                    removals |= Q(group_id=row.obj.pk, person_id=gone, role=role)
                for person in new_people:
                    if person.pk not in old_ids:
                        removals |= Q(group_id=row.obj.pk, person_id=person.pk)
                        added.append(new_instance(
                            SteeringGroupMember, group_id=row.obj.pk, person_id=person.pk,
                            role=role, organisation_id=context.organisation.pk,
                        ))
        if removals:
            SteeringGroupMember.objects.filter(removals).delete()
        bulk.insert(SteeringGroupMember, added)


class DecisionSpec(EntitySpec):
    """Steering group decisions, matched by group, title and date."""

    key = "decisions"
    label = gettext_lazy("Beslutninger")
    model = Decision
    sheet_names = ("Decisions", "Beslutningslog")
    reference_label = gettext_lazy("Beslutningen")
    key_columns = ("group", "title", "decided_on")
    duplicate_label = gettext_lazy("styregruppen, titlen og datoen")
    columns = (
        Column("group", "Styregruppe", ("Steering group", "Group"), kind=REF,
               ref="steering_groups", required=True),
        Column("title", "Titel", ("Beslutning", "Title", "Decision"), required=True),
        Column("outcome", "Udfald", ("Outcome",), kind=CHOICE,
               choices=choices.DecisionOutcome, required=True),
        Column("decided_on", "Besluttet den", ("Dato", "Decided on", "Date"), kind=DATE,
               required=True),
        Column("project", "Projekt", ("Project",), kind=REF, ref="projects"),
        Column("contract", "Kontrakt", ("Contract",), kind=REF, ref="contracts"),
        Column("rationale", "Begrundelse", ("Rationale",)),
        Column("binding_units", "Bindende for", ("Binding for",), kind=REFS, ref="units"),
        Column("follow_up_date", "Opfølgningsdato", ("Opfølgning", "Follow-up date"),
               kind=DATE),
        Column("follow_up_done", "Opfølgning udført", ("Follow-up done",), kind=BOOL),
    )

    def reference_texts(self, obj, lookup):
        return []

    def existing(self, organisation):
        return Decision.objects.filter(organisation=organisation).select_related(
            "group", "project", "contract"
        )


STEERING_GROUPS = SteeringGroupSpec()
DECISIONS = DecisionSpec()
