"""The benefit portfolio's bar chart: one expected and one realised bar per row of the
table beside it, scaled to the largest amount, accessible (title, desc), in a constant
number of queries."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from governance.benefit_charts import PortfolioRow, portfolio_chart
from tests.factories import OrganisationFactory, UnitFactory
from tests.governance.cases import BenefitFactory, MeasurementFactory, ProjectFactory
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

BAR = re.compile(r'<rect class="bar" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)"[^>]*'
                 r'data-value="([\d.]+)"><title>([^<]*)</title>')


def test_bars_are_scaled_to_the_largest_amount():
    chart = portfolio_chart([
        PortfolioRow("Social", 2026, expected=Decimal(4000), realised=Decimal(1000)),
        PortfolioRow("Teknik", None, expected=Decimal(0), realised=Decimal(0)),
    ])
    span = 520 - 200 - 60
    widths = [[float(bar.width) for bar in group.bars] for group in chart.groups]
    assert widths == [[span, span / 4], [0, 0]]
    assert [group.label for group in chart.groups] == ["Social 2026", "Teknik Uden dato"]
    # Each row's bars lie below the previous row's.
    assert float(chart.groups[1].bars[0].y) > float(chart.groups[0].bars[1].y)
    assert portfolio_chart([]).groups == []
    long = portfolio_chart([PortfolioRow("Borgerservice og Digitalisering", 2027)])
    assert long.groups[0].short_label == "Borgerservice og… 2027"


def test_the_page_draws_a_bar_pair_per_table_row(client, org, editor):
    social = UnitFactory(organisation=org, name="Social")
    teknik = UnitFactory(organisation=org, name="Teknik")
    first = BenefitFactory(project=ProjectFactory(organisation=org, responsible_unit=social),
                           target=4000, due_date=datetime.date(2026, 3, 1))
    MeasurementFactory(benefit=first, value=1000)
    BenefitFactory(project=ProjectFactory(organisation=org, responsible_unit=teknik),
                   target=2000, due_date=datetime.date(2027, 3, 1))
    BenefitFactory(project=ProjectFactory(organisation=OrganisationFactory()), target=9999)
    client.force_login(editor)
    html = client.get(reverse("benefit_portfolio")).content.decode()
    assert 'role="img" aria-labelledby="portfolio-chart-title portfolio-chart-desc"' in html
    assert '<title id="portfolio-chart-title">' in html
    assert '<desc id="portfolio-chart-desc">' in html
    bars = BAR.findall(html)
    assert [(Decimal(value), title.split(":")[0]) for _x, _y, _w, value, title in bars] == [
        (Decimal(4000), "Social 2026 – Forventet"), (Decimal(1000), "Social 2026 – Realiseret"),
        (Decimal(2000), "Teknik 2027 – Forventet"), (Decimal(0), "Teknik 2027 – Realiseret"),
    ]
    widths = [float(width) for _x, _y, width, _v, _t in bars]
    assert widths[0] == max(widths) and widths[1] == widths[0] / 4
    assert widths[2] == widths[0] / 2 and widths[3] == 0
    # The table with the same numbers stays beside it.
    assert "<caption" in html and "Forventet (kr.)" in html and "9999" not in html


def test_chart_query_count_does_not_grow_with_rows(client, org, editor):
    client.force_login(editor)

    def add(count, year):
        for index in range(count):
            project = ProjectFactory(organisation=org,
                                     responsible_unit=UnitFactory(organisation=org))
            MeasurementFactory(benefit=BenefitFactory(
                project=project, due_date=datetime.date(year + index % 3, 1, 1)))

    add(2, 2026)
    few = count_queries(client, reverse("benefit_portfolio"))
    add(20, 2030)
    html_rows = client.get(reverse("benefit_portfolio")).content.decode().count('class="bar"')
    assert html_rows == 2 * len(client.get(reverse("benefit_portfolio")).context["rows"])
    assert count_queries(client, reverse("benefit_portfolio")) == few
