"""The governance app's models, declared once for the shared list, detail and form tests
(tests/harness.py): strategic goals, projects and status reports."""

from __future__ import annotations

import datetime
import itertools

import factory

from governance import tables
from governance.models import (
    Benefit,
    BenefitMeasurement,
    Project,
    ProjectContract,
    ProjectStatusReport,
    ProjectSystem,
    StrategicGoal,
)
from tests.detail_helpers import add_history
from tests.factories import (
    ContractFactory,
    OrganisationFactory,
    PersonFactory,
    UnitFactory,
    UsageFactory,
)
from tests.harness import ModelCase

_periods = itertools.count()


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategicGoal

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Mål {n}")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Projekt {n}")


class StatusReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectStatusReport

    project = factory.SubFactory(ProjectFactory)
    organisation = factory.LazyAttribute(lambda report: report.project.organisation)
    period = factory.LazyFunction(
        lambda: datetime.date(2020, 1, 1) + datetime.timedelta(days=next(_periods))
    )
    time = cost = scope = benefits = "green"


# -- goals -------------------------------------------------------------------------------


def goal_row(org, label):
    parent = GoalFactory(organisation=org)
    goal = GoalFactory(organisation=org, title=label, parent=parent, start_year=2024,
                       end_year=2028, unit=UnitFactory(organisation=org),
                       owner=PersonFactory(organisation=org))
    ProjectFactory(organisation=org).goals.add(goal)
    return goal


def add_goal_rows(goal, count):
    org = goal.organisation
    for _ in range(count):
        GoalFactory(organisation=org, parent=goal)
        ProjectFactory(organisation=org).goals.add(goal)
    add_history(goal, count)


GOAL = ModelCase(
    model=StrategicGoal,
    make=lambda org: GoalFactory(organisation=org),
    make_row=goal_row,
    columns=tables.GOAL_COLUMNS,
    tabs=("overblik", "projekter", "historik"),
    add_rows=add_goal_rows,
    form_data=lambda org: {"title": "Digital først", "start_year": "2025", "end_year": "2028"},
    change={"description": "Borgerne betjener sig selv digitalt."},
    changed=lambda goal: goal.description == "Borgerne betjener sig selv digitalt.",
    cross_field="unit",
    cross_value=lambda other: UnitFactory(organisation=other).pk,
    invalid={"start_year": "2030", "end_year": "2025"},
    lookup=lambda org: StrategicGoal.objects.get(organisation=org, title="Digital først"),
)


# -- projects ----------------------------------------------------------------------------


def project_row(org, label):
    project = ProjectFactory(
        organisation=org, name=label, responsible_unit=UnitFactory(organisation=org),
        owner=PersonFactory(organisation=org), manager=PersonFactory(organisation=org),
        investment=1_000_000, yearly_operating_cost=50_000,
    )
    project.goals.add(GoalFactory(organisation=org))
    StatusReportFactory(project=project, time="red")
    StatusReportFactory(project=project)
    return project


def add_project_rows(project, count):
    org = project.organisation
    for _ in range(count):
        ProjectSystem.objects.create(project=project, usage=UsageFactory(organisation=org),
                                     effect="introduces")
        ProjectContract.objects.create(project=project,
                                       contract=ContractFactory(organisation=org),
                                       effect="ends")
        StatusReportFactory(project=project, reported_by=PersonFactory(organisation=org))
        project.goals.add(GoalFactory(organisation=org))
        project.units.add(UnitFactory(organisation=org))
    add_history(project, count)


PROJECT = ModelCase(
    model=Project,
    make=lambda org: ProjectFactory(organisation=org),
    make_row=project_row,
    columns=tables.PROJECT_COLUMNS,
    tabs=("overblik", "systemer", "status", "gevinster", "beslutninger", "roller", "historik"),
    add_rows=add_project_rows,
    form_data=lambda org: {
        "name": "Ny ESDH-løsning",
        "phase": "analysis",
        "investment": "2.500.000,00",
        "systems_introduces": [UsageFactory(organisation=org).pk],
        "goals": [GoalFactory(organisation=org).pk],
    },
    change={"phase": "in_progress"},
    changed=lambda project: project.phase == "in_progress",
    cross_field="systems_retires",
    cross_value=lambda other: [UsageFactory(organisation=other).pk],
    invalid={"investment": "-5"},
)


# -- status reports ----------------------------------------------------------------------


def report_row(org, label):
    project = ProjectFactory(organisation=org, name=f"Projekt {label}")
    return StatusReportFactory(project=project, text=label,
                               reported_by=PersonFactory(organisation=org))


STATUS_REPORT = ModelCase(
    model=ProjectStatusReport,
    make=lambda org: StatusReportFactory(project=ProjectFactory(organisation=org)),
    make_row=report_row,
    columns=tables.STATUS_REPORT_COLUMNS,
    exported_as=lambda report: report.project.name,
    tabs=("overblik", "historik"),
    add_rows=lambda report, count: add_history(report, count),
)


# -- benefits ----------------------------------------------------------------------------

_days = itertools.count()


class BenefitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Benefit

    project = factory.SubFactory(ProjectFactory)
    organisation = factory.LazyAttribute(lambda benefit: benefit.project.organisation)
    title = factory.Sequence(lambda n: f"Gevinst {n}")
    kind = "economic"
    baseline = 0
    target = 100_000


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BenefitMeasurement

    benefit = factory.SubFactory(BenefitFactory)
    organisation = factory.LazyAttribute(lambda measurement: measurement.benefit.organisation)
    measured_on = factory.LazyFunction(
        lambda: datetime.date(2024, 1, 1) + datetime.timedelta(days=next(_days))
    )
    value = 50_000


def benefit_row(org, label):
    project = ProjectFactory(organisation=org, responsible_unit=UnitFactory(organisation=org))
    benefit = BenefitFactory(project=project, title=label,
                             owner=PersonFactory(organisation=org),
                             due_date=datetime.date(2027, 6, 30))
    benefit.goals.add(GoalFactory(organisation=org))
    MeasurementFactory(benefit=benefit, value=20_000)
    MeasurementFactory(benefit=benefit, value=60_000)
    return benefit


def add_benefit_rows(benefit, count):
    org = benefit.organisation
    for _ in range(count):
        MeasurementFactory(benefit=benefit, measured_by=PersonFactory(organisation=org))
        benefit.goals.add(GoalFactory(organisation=org))
    add_history(benefit, count)


BENEFIT = ModelCase(
    model=Benefit,
    make=lambda org: BenefitFactory(project=ProjectFactory(organisation=org)),
    make_row=benefit_row,
    columns=tables.BENEFIT_COLUMNS,
    tabs=("overblik", "maalinger", "roller", "historik"),
    add_rows=add_benefit_rows,
    form_data=lambda org: {
        "project": ProjectFactory(organisation=org).pk,
        "title": "Færre manuelle sagsskridt",
        "kind": "time",
        "target": "1.200,5",
        "baseline": "300",
        "goals": [GoalFactory(organisation=org).pk],
    },
    change={"notes": "Målt i ESDH'ens statistik."},
    changed=lambda benefit: benefit.notes == "Målt i ESDH'ens statistik.",
    cross_field="project",
    cross_value=lambda other: ProjectFactory(organisation=other).pk,
    invalid={"kind": "magic"},
    lookup=lambda org: Benefit.objects.get(organisation=org,
                                           title="Færre manuelle sagsskridt"),
)
