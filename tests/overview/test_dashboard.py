"""The dashboard per forvaltning: access, numbers that agree with the lists they link to,
units with their subtree, and a constant number of queries."""

from __future__ import annotations

import datetime
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.http import QueryDict
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from contracts.filtersets import ContractFilterSet
from contracts.models import Contract
from governance.models import Decision, NewSystemRequest, SteeringGroup
from portfolio.filtersets import SystemUsageFilterSet
from portfolio.models import SystemUsage
from roles.models import RoleType
from tests.factories import (
    ContractFactory,
    RoleAssignmentFactory,
    SupplierFactory,
    UnitFactory,
    UsageFactory,
)
from tests.governance.cases import (
    BenefitFactory,
    MeasurementFactory,
    ProjectFactory,
    StatusReportFactory,
)
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def url(org, **query):
    base = reverse("dashboard", args=[org.slug])
    return f"{base}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else base


def due_in(days, **fields):
    """Contract terms whose notice deadline falls `days` from today (open-ended, notice
    to any day: the engine puts the deadline on today + 0 months; see DEADLINES.md)."""
    today = timezone.localdate()
    return {
        "start_date": today - 400 * DAY,
        "expiry_date": today + days * DAY + 90 * DAY,
        "notice_months": 3,
        "extension_months": 12,
        "extensions_total": 1,
        **fields,
    }


def test_anonymous_is_sent_to_login(client, org):
    for path in (reverse("dashboard_active"), url(org)):
        response = client.get(path)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_active_dashboard_redirects_to_the_active_organisation(client, org, editor):
    client.force_login(editor)
    response = client.get(reverse("dashboard_active") + "?within=x")
    assert response.status_code == 302
    assert response.url == url(org) + "?within=x"


def test_other_organisation_and_its_units_are_404(client, org, other_org, outsider, editor):
    client.force_login(outsider)
    assert client.get(url(org)).status_code == 404
    foreign_unit = UnitFactory(organisation=other_org)
    client.force_login(editor)
    assert client.get(url(org, within=foreign_unit.uuid)).status_code == 404
    assert client.get(url(org, within="not-a-uuid")).status_code == 404
    assert client.get(url(other_org)).status_code == 404


def test_reader_sees_the_dashboard_but_cannot_post(client, org, reader):
    UsageFactory(organisation=org)
    client.force_login(reader)
    response = client.get(url(org))
    assert response.status_code == 200
    assert response.context["dashboard"].tiles[0].value == 1
    assert client.post(url(org)).status_code == 405


def _filter_count(link: str, filterset_class, model, user) -> int:
    """How many rows the list behind `link` shows (its FilterSet on the user's rows)."""
    query = QueryDict(mutable=True)
    for key, value in parse_qsl(urlsplit(link).query):
        query.appendlist(key, value)
    request = RequestFactory().get("/")
    request.user = user
    filterset = filterset_class(query, queryset=model.objects.visible_to(user), request=request)
    assert filterset.is_valid(), (link, filterset.errors)
    return filterset.qs.count()


def test_a_supplier_keeps_its_name_when_its_first_group_pays_nothing(client, org, editor):
    """The dashboard reads a supplier's name once, in the first of its groups by unit:
    also when that group holds only contracts with nothing to pay."""
    first = UnitFactory(organisation=org, name="Først")
    second = UnitFactory(organisation=org, name="Anden")
    supplier = SupplierFactory(name="Netcompany A/S")
    ContractFactory(organisation=org, supplier=supplier, responsible_unit=first,
                    yearly_cost=Decimal("0"))
    ContractFactory(organisation=org, supplier=supplier, responsible_unit=second,
                    yearly_cost=Decimal("250000"))
    ContractFactory(organisation=org, supplier=None, responsible_unit=first,
                    yearly_cost=Decimal("1000"))

    client.force_login(editor)
    chart = client.get(url(org)).context["dashboard"].charts["supplier"]
    assert [(segment.label, segment.value, segment.count) for segment in chart.segments] == [
        ("Netcompany A/S", Decimal("250000"), 1), ("Uden leverandør", Decimal("1000"), 1),
    ]
    assert f"supplier={supplier.uuid}" in chart.segments[0].url


def test_every_number_agrees_with_the_list_it_links_to(client, org, other_org, editor):
    forvaltning = UnitFactory(organisation=org, name="Børn og Unge")
    skoler = UnitFactory(organisation=org, parent=forvaltning, name="Skoler")
    teknik = UnitFactory(organisation=org, name="Teknik")
    owner = RoleType.objects.get(organisation=None, code="systemejer")
    UsageFactory(organisation=org, responsible_unit=skoler, criticality="high",
                 time_assessment="invest")
    owned = UsageFactory(organisation=org, responsible_unit=forvaltning, lifecycle="retired")
    RoleAssignmentFactory(target=owned, role_type=owner)
    UsageFactory(organisation=org, responsible_unit=teknik, lifecycle="planned")
    UsageFactory.create_batch(3, organisation=other_org)
    kmd = SupplierFactory(name="KMD A/S")
    ContractFactory(organisation=org, supplier=kmd, responsible_unit=skoler,
                    yearly_cost=Decimal("300000"), **due_in(20))
    ContractFactory(organisation=org, supplier=SupplierFactory(), responsible_unit=teknik,
                    yearly_cost=Decimal("100000"), **due_in(100, lead_months=2))
    ContractFactory(organisation=org, supplier=None, responsible_unit=None,
                    yearly_cost=Decimal("50000"))
    ContractFactory(organisation=other_org, supplier=kmd, yearly_cost=Decimal("999999"))

    client.force_login(editor)
    dashboard = client.get(url(org)).context["dashboard"]
    assert dashboard.tiles[0].value == 3  # systems, another organisation's not counted
    supplier_chart = dashboard.charts["supplier"]
    assert supplier_chart.total == Decimal("450000")
    assert supplier_chart.largest.label == "KMD A/S"
    assert round(supplier_chart.largest.percent) == 67

    checked = 0
    for chart in dashboard.charts.values():
        model, filterset = (
            (Contract, ContractFilterSet) if chart.money else (SystemUsage, SystemUsageFilterSet)
        )
        for segment in chart.segments:
            assert segment.url, segment.label
            rows = _filter_count(segment.url, filterset, model, editor)
            assert rows == (segment.count if chart.money else segment.value), segment.label
            checked += 1
    for row in dashboard.deadline_rows:
        for window in [*row.windows, *([row.late] if row.late else [])]:
            assert _filter_count(window.url, ContractFilterSet, Contract, editor) == window.count
            checked += 1
    for tile in dashboard.tiles[:5]:
        if tile.money:
            continue
        model, filterset = (
            (Contract, ContractFilterSet) if "ontrakt" in tile.label
            else (SystemUsage, SystemUsageFilterSet)
        )
        assert _filter_count(tile.url, filterset, model, editor) == tile.value, tile.label
        checked += 1
    assert checked > 20
    # Windows: 30 days holds the first notice deadline, 180 days both.
    notice = dashboard.deadline_rows[0]
    assert [w.count for w in notice.windows] == [1, 1, 2]
    assert [e.kind for e in dashboard.events].count("notice") == 2


def test_a_unit_includes_its_subtree(client, org, editor):
    forvaltning = UnitFactory(organisation=org, name="Børn og Unge")
    skoler = UnitFactory(organisation=org, parent=forvaltning, name="Skoler")
    teknik = UnitFactory(organisation=org, name="Teknik")
    UsageFactory(organisation=org, responsible_unit=forvaltning)
    UsageFactory(organisation=org, responsible_unit=skoler)
    UsageFactory(organisation=org, responsible_unit=teknik)
    ContractFactory(organisation=org, responsible_unit=skoler, yearly_cost=Decimal("10"))
    ContractFactory(organisation=org, responsible_unit=teknik, yearly_cost=Decimal("99"))
    client.force_login(editor)
    response = client.get(url(org, within=forvaltning.uuid))
    dashboard = response.context["dashboard"]
    assert dashboard.unit == forvaltning
    assert dashboard.tiles[0].value == 2
    assert dashboard.charts["unit"].total == Decimal("10")
    assert [s.label for s in dashboard.charts["unit"].segments] == ["Skoler"]
    html = response.content.decode()
    assert f"within={forvaltning.uuid}" in html
    assert "Oversigt: Børn og Unge" in html


def test_one_root_unit_is_broken_down_by_its_forvaltninger(client, org, editor):
    kommune = UnitFactory(organisation=org, name="Demo Testkommune")
    for name in ("Børn og Unge", "Teknik og Miljø"):
        unit = UnitFactory(organisation=org, parent=kommune, name=name)
        ContractFactory(organisation=org, responsible_unit=unit, yearly_cost=Decimal("10"))
    ContractFactory(organisation=org, responsible_unit=kommune, yearly_cost=Decimal("5"))
    client.force_login(editor)
    chart = client.get(url(org)).context["dashboard"].charts["unit"]
    assert [s.label for s in chart.segments] == [
        "Børn og Unge", "Teknik og Miljø", "Demo Testkommune selv",
    ]
    for segment in chart.segments:
        assert _filter_count(segment.url, ContractFilterSet, Contract, editor) == segment.count


def test_empty_organisation_shows_zeros(client, org, editor):
    client.force_login(editor)
    response = client.get(url(org))
    assert response.status_code == 200
    assert "Ingen opsigelsesfrister eller genudbud i perioden." in response.content.decode()


def _populate(org, n):
    units = [UnitFactory(organisation=org) for _ in range(3)]
    suppliers = [SupplierFactory() for _ in range(12)]
    group = SteeringGroup.objects.create(organisation=org, name=f"Gruppe {org.slug} {n}")
    today = timezone.localdate()
    for i in range(n):
        UsageFactory(organisation=org, responsible_unit=units[i % 3],
                     criticality=["low", "high", ""][i % 3])
        ContractFactory(organisation=org, supplier=suppliers[i % 12],
                        responsible_unit=units[i % 3], **due_in(i * 3 % 170))
        # The portfolio section: projects with reports, benefits, requests, decisions.
        project = ProjectFactory(organisation=org, responsible_unit=units[i % 3],
                                 phase=["idea", "in_progress", "closed"][i % 3])
        StatusReportFactory(project=project, cost=["green", "red"][i % 2])
        MeasurementFactory(benefit=BenefitFactory(project=project,
                                                  due_date=today + (i * 7 - 100) * DAY))
        NewSystemRequest.objects.create(organisation=org, title=f"Anmodning {project.name}",
                                        need="x", unit=units[i % 3],
                                        status="awaiting_decision")
        Decision.objects.create(organisation=org, group=group, title="B", outcome="noted",
                                decided_on=today - 10 * DAY, follow_up_date=today - DAY)


def test_query_count_is_the_same_for_5_and_50_rows(client, org, other_org, editor):
    client.force_login(editor)
    _populate(org, 5)
    count_queries(client, url(org))  # warm caches (content types, session)
    few = count_queries(client, url(org))
    _populate(other_org, 1)
    _populate(org, 45)
    many = count_queries(client, url(org))
    assert few == many
    # 30 for the systems, contracts and gaps, 4 for the portfolio section.
    assert many <= 34


def test_deadlines_on_the_same_day_are_one_marker_with_all_contracts(client, org, editor):
    """Six notice deadlines on one day: one marker saying 6, naming every contract on
    hover and keyboard focus, and one table row listing them all."""
    same_day = [
        ContractFactory(organisation=org, name=f"Samme dag {n}", **due_in(60))
        for n in range(6)
    ]
    other = ContractFactory(organisation=org, name="En anden dag", **due_in(120))
    client.force_login(editor)
    response = client.get(url(org))
    dashboard = response.context["dashboard"]
    notice = dashboard.notice_markers
    assert [marker.count for marker in notice] == [6, 1]
    assert {event.contract for event in notice[0].events} == set(same_day)
    assert notice[1].events[0].contract == other
    html = response.content.decode()
    day = notice[0].date.isoformat()
    # Focusable (a button), described by its tooltip, with the count as text.
    assert f'aria-describedby="tip-notice-{day}"' in html
    assert '<span class="timeline-count">6</span>' in html
    tip = html.split(f'id="tip-notice-{day}"', 1)[1].split("</span>\n</li>", 1)[0]
    assert all(contract.name in tip for contract in same_day)
    row = html.split('<table class="data events">', 1)[1].split("</tr>", 2)[1]
    assert all(contract.name in row for contract in same_day)


def test_money_tile_reads_in_millions_or_billions_with_grouping():
    """A very large municipality's yearly cost stays readable and inside its tile."""
    from overview.dashboard import Tile

    small = Tile("Årlige driftsudgifter", Decimal("2500000"), None, money=True)
    large = Tile("Årlige driftsudgifter", Decimal("58256500000"), None, money=True)
    huge_count = Tile("Løbende kontrakter", 37126, None)
    assert (small.display, small.unit) == ("2,5", "mio. kr.")
    assert (large.display, large.unit) == ("58,3", "mia. kr.")
    assert (huge_count.display, huge_count.unit) == ("37.126", "")


def test_the_nearest_events_come_from_either_deadline(client, org, editor, monkeypatch):
    """The timeline takes the EVENT_CONTRACTS contracts whose next event is nearest: a
    contract whose re-tender start comes before its notice deadline competes with the
    others by that re-tender start."""
    from overview import dashboard as dashboard_module

    monkeypatch.setattr(dashboard_module, "EVENT_CONTRACTS", 3)
    for name, days in (("A", 10), ("B", 20), ("C", 30), ("D", 40)):
        ContractFactory(organisation=org, name=name, **due_in(days, lead_months=0))
    ContractFactory(organisation=org, name="E", **due_in(170, lead_months=5))
    client.force_login(editor)
    events = client.get(url(org)).context["dashboard"].events
    assert [event.contract.name for event in events][:1] == ["A"]
    assert {event.contract.name for event in events} == {"A", "B", "E"}
    e = next(event for event in events if event.contract.name == "E")
    assert e.kind == "retender"
