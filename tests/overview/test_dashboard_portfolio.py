"""The dashboard's portfolio section: projects by phase × latest light, benefits due and
overdue, what waits for a decision; every number agrees with the list it links to, per
forvaltning, and another organisation's rows never count."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.filtersets import BenefitFilterSet, DecisionFilterSet, ProjectFilterSet
from governance.models import Benefit, Decision, NewSystemRequest, Project, SteeringGroup
from overview.dashboard import worst_light
from tests.factories import UnitFactory
from tests.governance.cases import (
    BenefitFactory,
    MeasurementFactory,
    ProjectFactory,
    StatusReportFactory,
)
from tests.overview.test_dashboard import _filter_count, url

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _world(org, unit, *, today):
    """Projects, benefits, a request and decisions in `unit` (of `org`)."""
    red = ProjectFactory(organisation=org, phase="in_progress", responsible_unit=unit)
    StatusReportFactory(project=red, period=today - 60 * DAY, cost="red")
    StatusReportFactory(project=red, period=today - 30 * DAY, cost="yellow")  # latest
    green = ProjectFactory(organisation=org, phase="in_progress", responsible_unit=unit)
    StatusReportFactory(project=green, period=today - 10 * DAY)
    ProjectFactory(organisation=org, phase="idea", responsible_unit=unit)  # no report
    due = BenefitFactory(project=green, due_date=today + 30 * DAY)
    MeasurementFactory(benefit=due, value=10)  # measured, short of the target
    reached = BenefitFactory(project=green, due_date=today + 10 * DAY)
    MeasurementFactory(benefit=reached, value=100_000)  # reached: not due any more
    BenefitFactory(project=red, due_date=today - 5 * DAY)  # overdue, never measured
    late = BenefitFactory(project=red, due_date=today - 400 * DAY)
    MeasurementFactory(benefit=late, value=99_999)  # overdue, short of the target
    BenefitFactory(project=red, due_date=today + 200 * DAY)  # later than 90 days
    NewSystemRequest.objects.create(organisation=org, title=f"Anmodning {unit.name}",
                                    need="Et system", unit=unit, status="awaiting_decision")
    NewSystemRequest.objects.create(organisation=org, title=f"Kladde {unit.name}",
                                    need="Et system", unit=unit, status="draft")
    group = SteeringGroup.objects.create(organisation=org, name=f"Gruppe {unit.name}",
                                         unit=unit)
    for follow_up, done in ((today - DAY, False), (today - DAY, True), (today + DAY, False)):
        Decision.objects.create(
            organisation=org, group=group, title="Beslutning", outcome="approved",
            decided_on=today - 30 * DAY, follow_up_date=follow_up, follow_up_done=done,
        )


def test_worst_light():
    assert worst_light(None, None, None, None) == "none"
    assert worst_light("green", "yellow", "red", "green") == "red"
    assert worst_light("green", "yellow", "green", "green") == "yellow"
    assert worst_light("green", "green", "green", "green") == "green"


def test_portfolio_numbers_agree_with_their_lists_per_forvaltning(
    client, org, other_org, editor
):
    today = timezone.localdate()
    forvaltning = UnitFactory(organisation=org, name="Børn og Unge")
    skoler = UnitFactory(organisation=org, parent=forvaltning, name="Skoler")
    teknik = UnitFactory(organisation=org, name="Teknik")
    _world(org, skoler, today=today)
    _world(org, teknik, today=today)
    _world(other_org, UnitFactory(organisation=other_org, name="Nabo"), today=today)
    client.force_login(editor)

    for scope, factor in ((None, 2), (forvaltning, 1)):
        response = client.get(url(org, within=scope.uuid) if scope else url(org))
        portfolio = response.context["dashboard"].portfolio
        matrix = {row.label: [c.count for c in row.cells] for row in portfolio.rows}
        # Columns: red, yellow, green, no report.
        assert matrix["I gang"] == [0, factor, factor, 0]
        assert matrix["Idé"] == [0, 0, 0, factor]
        assert portfolio.total.count == 3 * factor
        assert [t.value for t in portfolio.benefits] == [1 * factor, 2 * factor]
        assert [t.value for t in portfolio.waiting] == [1 * factor, 1 * factor]
        assert portfolio.benefits[1].warn and portfolio.waiting[1].warn

        checked = 0
        for row in portfolio.rows:
            for cell in [*row.cells, row.total]:
                assert _filter_count(cell.url, ProjectFilterSet, Project, editor) == cell.count
                checked += 1
        for cell in [*portfolio.totals, portfolio.total]:
            assert _filter_count(cell.url, ProjectFilterSet, Project, editor) == cell.count
        for tile in portfolio.benefits:
            assert _filter_count(tile.url, BenefitFilterSet, Benefit, editor) == tile.value
        decisions = portfolio.waiting[1]
        assert _filter_count(decisions.url, DecisionFilterSet, Decision, editor) == factor
        assert checked == 7 * 5

    html = response.content.decode()
    assert "Projekter efter fase og seneste status" in html
    assert f"{reverse('project_list')}?within={forvaltning.uuid}" in html


def test_decisions_within_a_unit_include_binding_and_project_decisions(org, editor):
    forvaltning = UnitFactory(organisation=org)
    inside = UnitFactory(organisation=org, parent=forvaltning)
    outside = UnitFactory(organisation=org)
    group = SteeringGroup.objects.create(organisation=org, name="Den Digitale Styregruppe")
    day = timezone.localdate()

    def decide(title, **fields):
        return Decision.objects.create(organisation=org, group=group, title=title,
                                       outcome="approved", decided_on=day, **fields)

    binding = decide("Bindende")
    binding.binding_units.add(inside, outside)
    decide("Projekt", project=ProjectFactory(organisation=org, responsible_unit=inside))
    decide("Udenfor", project=ProjectFactory(organisation=org, responsible_unit=outside))
    decide("Hele kommunen")
    link = f"/?within={forvaltning.uuid}"
    assert _filter_count(link, DecisionFilterSet, Decision, editor) == 2


def test_reached_and_no_report_filters(org, editor):
    project = ProjectFactory(organisation=org)
    reached = BenefitFactory(project=project)
    MeasurementFactory(benefit=reached, value=100_000)
    BenefitFactory(project=project)
    assert _filter_count("/?reached=true", BenefitFilterSet, Benefit, editor) == 1
    assert _filter_count("/?reached=false", BenefitFilterSet, Benefit, editor) == 1
    StatusReportFactory(project=ProjectFactory(organisation=org))
    assert _filter_count("/?latest_status=none", ProjectFilterSet, Project, editor) == 1
    assert _filter_count("/?latest_status=green&latest_status=none", ProjectFilterSet,
                         Project, editor) == 2
