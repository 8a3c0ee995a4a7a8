"""Columns of the goal, project and status report lists (kitos/lists.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kitos.lists import ORGANISATION_COLUMN, UPDATED_COLUMN, Column, count_of

from .choices import TrafficLight

LIGHT_LABELS = dict(TrafficLight.choices)


def _light(name: str):
    def value(row) -> str:
        return LIGHT_LABELS.get(getattr(row, f"latest_{name}", None) or "", "")

    return value


def _project_count(context) -> dict:
    from .models import Project

    return {"project_count": count_of(
        Project.goals.through.objects.filter(project__in=Project.objects.visible_to(
            context.user)), "strategicgoal"
    )}


GOAL_COLUMNS = (
    Column("title", _("Titel"), "title", sort="title"),
    Column("period", _("Periode"), "period_label", sort="start_year"),
    Column("unit", _("Enhed"), "unit.name", sort="unit__name"),
    Column("owner", _("Ejer"), "owner.name", sort="owner__name"),
    Column("parent", _("Overordnet mål"), "parent.title", sort="parent__title"),
    Column("project_count", _("Projekter"), "project_count", sort="project_count",
           kind="number", total="sum", annotate=_project_count),
    ORGANISATION_COLUMN,
    UPDATED_COLUMN,
)

PROJECT_COLUMNS = (
    Column("name", _("Navn"), "name", sort="name"),
    Column("phase", _("Fase"), "get_phase_display", sort="phase"),
    Column("responsible_unit", _("Ansvarlig enhed"), "responsible_unit.name",
           sort="responsible_unit__name"),
    Column("manager", _("Projektleder"), "manager.name", sort="manager__name"),
    Column("investment", _("Investering (kr.)"), "investment", sort="investment",
           kind="money", total="sum"),
    Column("yearly_operating_cost", _("Årlig drift (kr.)"), "yearly_operating_cost",
           sort="yearly_operating_cost", kind="money", total="sum"),
    Column("latest_period", _("Seneste status"), "latest_period", sort="latest_period",
           kind="date"),
    Column("latest_time", _("Tid"), _light("time"), sort="latest_time"),
    Column("latest_cost", _("Økonomi"), _light("cost"), sort="latest_cost"),
    Column("latest_scope", _("Omfang"), _light("scope"), sort="latest_scope", default=False),
    Column("latest_benefits", _("Gevinster"), _light("benefits"), sort="latest_benefits",
           default=False),
    Column("owner", _("Projektejer"), "owner.name", sort="owner__name", default=False),
    Column("start_date", _("Startdato"), "start_date", sort="start_date", kind="date",
           default=False),
    Column("end_date", _("Slutdato"), "end_date", sort="end_date", kind="date",
           default=False),
    Column("goals", _("Mål"), lambda row: list(row.goals.all()), kind="list", default=False,
           prefetch=lambda context: ["goals"]),
    Column("financing", _("Finansiering"), "financing", default=False),
    ORGANISATION_COLUMN,
    UPDATED_COLUMN,
)

STATUS_REPORT_COLUMNS = (
    Column("project", _("Projekt"), "project.name", sort="project__name"),
    Column("period", _("Periode"), "period", sort="period", kind="date"),
    Column("time", _("Tid"), "get_time_display", sort="time"),
    Column("cost", _("Økonomi"), "get_cost_display", sort="cost"),
    Column("scope", _("Omfang"), "get_scope_display", sort="scope"),
    Column("benefits", _("Gevinster"), "get_benefits_display", sort="benefits"),
    Column("reported_by", _("Rapporteret af"), "reported_by.name", sort="reported_by__name"),
    ORGANISATION_COLUMN,
    UPDATED_COLUMN,
)


# -- benefits ------------------------------------------------------------------------------


def _share(row):
    """The realised share as a whole percentage (None: cannot be computed)."""
    share = getattr(row, "realised_share", None)
    return None if share is None else round(share * 100)


BENEFIT_COLUMNS = (
    Column("title", _("Titel"), "title", sort="title"),
    Column("project", _("Projekt"), "project.name", sort="project__name"),
    Column("kind", _("Type"), "get_kind_display", sort="kind"),
    Column("owner", _("Gevinstejer"), "owner.name", sort="owner__name"),
    Column("due_date", _("Forfaldsdato"), "due_date", sort="due_date", kind="deadline"),
    Column("unit_of_measure", _("Måleenhed"), "unit_of_measure", sort="unit_of_measure"),
    Column("baseline", _("Udgangspunkt"), "baseline", sort="baseline", kind="number"),
    Column("target", _("Mål"), "target", sort="target", kind="number"),
    Column("realised", _("Realiseret"), "realised", sort="realised", kind="number"),
    Column("realised_share", _("Realiseret (%)"), _share, sort="realised_share",
           kind="number"),
    Column("economic_target", _("Forventet (kr.)"), "economic_target", sort="economic_target",
           kind="money", total="sum"),
    Column("economic_realised", _("Realiseret (kr.)"), "economic_realised",
           sort="economic_realised", kind="money", total="sum"),
    Column("realised_on", _("Senest målt"), "realised_on", sort="realised_on", kind="date",
           default=False),
    Column("responsible_unit", _("Ansvarlig enhed"), "project.responsible_unit.name",
           sort="project__responsible_unit__name", default=False),
    Column("goals", _("Understøttede mål"), lambda row: list(row.goals.all()), kind="list",
           default=False, prefetch=lambda context: ["goals"]),
    ORGANISATION_COLUMN,
    UPDATED_COLUMN,
)
