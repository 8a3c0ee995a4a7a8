"""Spreadsheet export and import of strategic goals, projects and their status reports
(see kitos/excel/spec.py). Export writes every list of the app; import upserts goals by
title, projects by name and reports by project and period."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from kitos.excel.spec import CHOICE, DATE, DECIMAL, INT, REF, REFS, Column, EntitySpec

from . import choices
from .models import Benefit, Project, ProjectStatusReport, StrategicGoal


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

    def export_queryset(self, queryset):
        return queryset.prefetch_related("goals")


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
        return []

    def existing(self, organisation):
        return Benefit.objects.filter(organisation=organisation).select_related(
            "project", "owner"
        )

    def export_queryset(self, queryset):
        return queryset.prefetch_related("goals")


BENEFITS = BenefitSpec()
