"""The benefit pages: the shared list, detail and form tests (tests/harness.py), the
project's Gevinster tab, measurements, the portfolio view and the gevinstdiagram."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from governance.models import BenefitMeasurement
from kitos.detail import object_url
from tests.detail_helpers import tab_url
from tests.factories import OrganisationFactory, PersonFactory, UnitFactory
from tests.governance.cases import (
    BENEFIT,
    BenefitFactory,
    GoalFactory,
    MeasurementFactory,
    ProjectFactory,
)
from tests.harness import DetailViewTests, FormViewTests, ListViewTests
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


class TestBenefitPages(ListViewTests, DetailViewTests, FormViewTests):
    case = BENEFIT


def test_project_tab_lists_its_benefits_with_realisation(client, org, editor):
    benefit = BenefitFactory(project=ProjectFactory(organisation=org), title="Færre opkald",
                             baseline=0, target=200)
    MeasurementFactory(benefit=benefit, value=50)
    client.force_login(editor)
    page = client.get(tab_url(benefit.project, "gevinster")).content.decode()
    assert "Færre opkald" in page and "25 %" in page
    assert f"{reverse('benefit_create')}?project={benefit.project.uuid}" in page


def test_new_benefit_form_starts_with_the_project_of_the_link(client, org, editor):
    project = ProjectFactory(organisation=org)
    other = ProjectFactory(organisation=OrganisationFactory())
    client.force_login(editor)
    form = client.get(f"{reverse('benefit_create')}?project={project.uuid}").context["form"]
    assert form.initial["project"] == project.pk
    for wanted in (str(other.uuid), "not-a-uuid"):
        form = client.get(f"{reverse('benefit_create')}?project={wanted}").context["form"]
        assert "project" not in form.initial


def test_measurement_is_added_from_the_benefit_page(client, org, editor):
    benefit = BenefitFactory(project=ProjectFactory(organisation=org))
    client.force_login(editor)
    url = reverse("benefitmeasurement_create", args=[benefit.uuid])
    response = client.post(url, {"measured_on": "01-03-2025", "value": "12.500,00"})
    assert response.status_code == 302
    assert response["Location"].endswith("?tab=maalinger")
    measurement = BenefitMeasurement.objects.get(benefit=benefit)
    assert measurement.value == Decimal("12500") and measurement.organisation == org
    # The same date again is refused with the constraint's message, not a 500.
    response = client.post(url, {"measured_on": "01-03-2025", "value": "1"})
    assert response.status_code == 200
    assert "allerede målt den dato" in response.content.decode()


def test_measurement_pages_of_another_organisation_are_404(client, org, editor):
    other = MeasurementFactory(
        benefit=BenefitFactory(project=ProjectFactory(organisation=OrganisationFactory()))
    )
    client.force_login(editor)
    for url in (
        reverse("benefitmeasurement_create", args=[other.benefit.uuid]),
        reverse("benefitmeasurement_update", args=[other.uuid]),
        reverse("benefitmeasurement_delete", args=[other.uuid]),
        reverse("benefit_diagram", args=[other.benefit.project.uuid]),
    ):
        assert client.get(url).status_code == 404, url


def test_reader_sees_no_measurement_actions(client, org, reader):
    benefit = MeasurementFactory(
        benefit=BenefitFactory(project=ProjectFactory(organisation=org))
    ).benefit
    client.force_login(reader)
    page = client.get(tab_url(benefit, "maalinger")).content.decode()
    assert reverse("benefitmeasurement_create", args=[benefit.uuid]) not in page
    assert "/rediger/" not in page
    assert client.get(
        reverse("benefitmeasurement_create", args=[benefit.uuid])
    ).status_code == 403


def test_overdue_filter_finds_benefits_past_due_without_measurement(client, org, editor):
    project = ProjectFactory(organisation=org)
    past = datetime.date.today() - datetime.timedelta(days=3)
    late = BenefitFactory(project=project, title="Forsinket", due_date=past)
    measured = BenefitFactory(project=project, title="Målt", due_date=past)
    MeasurementFactory(benefit=measured)
    BenefitFactory(project=project, title="Senere",
                   due_date=datetime.date.today() + datetime.timedelta(days=3))
    client.force_login(editor)
    rows = client.get(reverse("benefit_list"), {"overdue": "true"}).context["rows"]
    assert [row["cells"][0].value for row in rows] == [late.title]


def test_list_totals_expected_and_realised_kroner_of_economic_benefits(client, org, editor):
    project = ProjectFactory(organisation=org)
    economic = BenefitFactory(project=project, target=1000)
    MeasurementFactory(benefit=economic, value=400)
    BenefitFactory(project=project, kind="time", target=99999)
    client.force_login(editor)
    response = client.get(reverse("benefit_list"))
    footer = response.context["footer"]
    values = [cell.value for cell in footer["cells"] if cell is not None]
    assert Decimal("1000") in values and Decimal("400") in values


def test_portfolio_groups_by_forvaltning_and_due_year(client, org, editor):
    root = UnitFactory(organisation=org, name="Kommunen")
    social = UnitFactory(organisation=org, name="Social", parent=root)
    team = UnitFactory(organisation=org, name="Team", parent=social)
    project = ProjectFactory(organisation=org, responsible_unit=team)
    first = BenefitFactory(project=project, target=1000, due_date=datetime.date(2026, 3, 1))
    MeasurementFactory(benefit=first, value=500)
    BenefitFactory(project=project, target=2000, due_date=datetime.date(2026, 9, 1))
    BenefitFactory(project=ProjectFactory(organisation=org), target=10, baseline=10)
    BenefitFactory(project=ProjectFactory(organisation=OrganisationFactory()), target=7)
    client.force_login(editor)
    response = client.get(reverse("benefit_portfolio"))
    assert response.status_code == 200
    rows = {(row.forvaltning, row.year): row for row in response.context["rows"]}
    assert set(rows) == {("Social", 2026), ("Uden forvaltning", None)}
    social_row = rows[("Social", 2026)]
    assert (social_row.count, social_row.measured, social_row.expected,
            social_row.realised, social_row.share) == (2, 1, 3000, 500, 17)
    assert response.context["expected"] == Decimal("3010")
    # A bad filter is an empty page with a message, not a 500.
    assert client.get(reverse("benefit_portfolio"), {"due_date_after": "x"}).status_code == 200


def test_portfolio_query_count_does_not_grow_with_benefits(client, org, editor):
    client.force_login(editor)

    def add(count):
        for _ in range(count):
            project = ProjectFactory(organisation=org,
                                     responsible_unit=UnitFactory(organisation=org))
            MeasurementFactory(benefit=BenefitFactory(project=project))

    add(1)
    few = count_queries(client, reverse("benefit_portfolio"))
    add(10)
    assert count_queries(client, reverse("benefit_portfolio")) == few


def test_diagram_links_project_effects_benefits_and_goals(client, org, editor):
    project = ProjectFactory(organisation=org, name="Ny ESDH")
    goal = GoalFactory(organisation=org, title="Digital først")
    long_measure = "Antal sager behandlet uden manuel journalisering pr. måned " * 3
    benefit = BenefitFactory(project=project, title="Mindre manuel journalisering",
                             measure=long_measure, owner=PersonFactory(organisation=org))
    benefit.goals.add(goal)
    BenefitFactory(project=project, title="Uden måling")
    client.force_login(editor)
    response = client.get(reverse("benefit_diagram", args=[project.uuid]))
    assert response.status_code == 200
    page = response.content.decode()
    svg = page[page.index('<svg class="chain-svg"'):page.index("</svg>")]
    assert " style=" not in svg and "<script" not in svg
    diagram = response.context["diagram"]
    titles = {title: [n.label for n in nodes] for title, nodes in diagram.columns}
    assert titles["Gevinster"] == ["Mindre manuel journalisering", "Uden måling"]
    assert titles["Mål"] == ["Digital først"]
    assert titles["Effekter"] == [long_measure.strip()]
    effect = diagram.columns[1][1][0]
    # The long text wraps into several lines of the box, every word on one of them.
    lines = [text for css, text, _y in effect.lines]
    assert len(lines) > 3 and " ".join(lines).split() == long_measure.split()
    assert object_url(goal) in page


def test_diagram_query_count_does_not_grow(client, org, editor):
    project = ProjectFactory(organisation=org)
    client.force_login(editor)

    def add(count):
        for _ in range(count):
            benefit = BenefitFactory(project=project, measure="m")
            benefit.goals.add(GoalFactory(organisation=org))
            MeasurementFactory(benefit=benefit)

    add(1)
    url = reverse("benefit_diagram", args=[project.uuid])
    few = count_queries(client, url)
    add(8)
    assert count_queries(client, url) == few
