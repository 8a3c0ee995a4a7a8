"""Supplier dependence (landscape.suppliers): the figures, the lock-in score, the trend
and the monopoly-break view, and that every number on the pages agrees with the list
its link opens."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from kitos.dates import add_months
from landscape import suppliers
from tests.factories import (
    ContractFactory,
    IntegrationFactory,
    ItSystemFactory,
    SupplierFactory,
    UsageFactory,
)
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

D = datetime.date
FIGURE = re.compile(r'<a href="([^"]+)" data-figure="([a-z_]+)">(\d+)</a>')


def _today():
    return timezone.localdate()


def build(org):
    """KMD with two systems in use (one critical) and a retired one, three integrations
    (two proprietary), a contract without exit, an open-ended one and an expired one;
    another supplier with a critical system and a contract with an option left; and a
    contract without supplier."""
    today = _today()
    kmd = SupplierFactory(name="KMD A/S")
    other = SupplierFactory(name="Netcompany A/S")
    u1 = UsageFactory(organisation=org, system=ItSystemFactory(rights_holder=kmd),
                      criticality="critical")
    u2 = UsageFactory(organisation=org, system=ItSystemFactory(rights_holder=kmd),
                      criticality="low")
    UsageFactory(organisation=org, system=ItSystemFactory(rights_holder=kmd),
                 lifecycle="retired", criticality="critical")
    u3 = UsageFactory(organisation=org, system=ItSystemFactory(rights_holder=other),
                      criticality="high")
    IntegrationFactory(organisation=org, source=u1, target=u3, interface_type="rest")
    IntegrationFactory(organisation=org, source=u1, target=u2, interface_type="database")
    IntegrationFactory(organisation=org, source=u3, target=u2, interface_type="")
    locked = ContractFactory(organisation=org, supplier=kmd, start_date=D(2024, 1, 1),
                             expiry_date=D(today.year + 5, 12, 31),
                             yearly_cost=Decimal("300000"))
    ContractFactory(organisation=org, supplier=kmd, start_date=D(2024, 1, 1),
                    expiry_date=None, notice_months=3, yearly_cost=Decimal("100000"))
    ContractFactory(organisation=org, supplier=kmd, start_date=D(2019, 1, 1),
                    expiry_date=D(2021, 6, 30), yearly_cost=Decimal("50000"))
    ContractFactory(organisation=org, supplier=other, start_date=D(2024, 1, 1),
                    expiry_date=D(today.year + 1, 12, 31), extension_months=12,
                    extensions_total=1, yearly_cost=Decimal("100000"))
    ContractFactory(organisation=org, supplier=None, yearly_cost=Decimal("100000"),
                    start_date=D(2024, 1, 1), expiry_date=D(today.year + 1, 12, 31))
    return kmd, other, locked


def test_the_figures_and_the_score(org, reader):
    kmd, other, _locked = build(org)
    dependence = suppliers.supplier_dependence(reader, org, today=_today())
    assert [row.supplier for row in dependence.suppliers] == [kmd, other]
    row = dependence.get(kmd)
    assert row.spend == Decimal("400000")
    assert row.spend_share == Decimal(400000) / Decimal(600000)
    assert row.spend_contracts.value == 2
    assert row.systems.value == 2  # the retired usage does not count
    assert row.critical_systems.value == 1
    assert row.running_contracts.value == 2
    assert row.contracts_without_exit.value == 1
    assert row.integrations.value == 3  # u1→u2 counts once
    assert row.proprietary_integrations.value == 2  # database and no type
    assert row.ending_soon.value == 1  # the open-ended one
    assert dependence.totals.spend == Decimal("600000")
    assert dependence.totals.systems.value == 3
    assert dependence.totals.critical_systems.value == 2
    points = {c.key: c.fraction * c.weight for c in row.components}
    assert points == {
        "spend": Decimal(suppliers.WEIGHT_SPEND),  # 2/3 ≥ 50 %: full
        "critical": Decimal(suppliers.WEIGHT_CRITICAL),  # 1/2 ≥ 50 %
        "systems": Decimal(suppliers.WEIGHT_SYSTEMS),  # 2/3
        "no_exit": Decimal(suppliers.WEIGHT_NO_EXIT) / 2,
        "proprietary": Decimal(suppliers.WEIGHT_PROPRIETARY) * 2 / 3,
        "no_window": Decimal(suppliers.WEIGHT_NO_WINDOW) / 2,
    }
    assert row.score == round(sum(points.values()))
    assert 0 <= row.score <= 100


def test_the_weights_add_up_to_100():
    assert sum(weight for _label, weight, _text in suppliers.score_weights()) == 100


def _figures(html: str) -> list[tuple[str, str, int]]:
    return [(url.replace("&amp;", "&"), name, int(value))
            for url, name, value in FIGURE.findall(html)]


def _check_links(client, html: str) -> int:
    checked = 0
    for url, name, value in _figures(html):
        response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        assert response.context["paginator"].count == value, (name, url)
        checked += 1
    return checked


def test_every_number_on_the_dependence_page_agrees_with_its_list(client, org, reader):
    build(org)
    client.force_login(reader)
    response = client.get(reverse("supplier_dependence"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "KMD A/S" in html
    # 2 suppliers × 8 figures + 3 totals.
    assert _check_links(client, html) == 19


def test_every_number_on_the_supplier_page_agrees_with_its_list(client, org, reader):
    kmd, _other, _locked = build(org)
    client.force_login(reader)
    response = client.get(reverse("supplier_dependence_detail", args=[kmd.uuid]))
    assert response.status_code == 200
    html = response.content.decode()
    trend_years = suppliers.TREND_PAST_YEARS + 1 + suppliers.TREND_FUTURE_YEARS
    assert _check_links(client, html) == 8 + 2 * trend_years


def test_the_trend_follows_the_contracts_validity(org, reader):
    kmd, _other, _locked = build(org)
    today = _today()
    trend = {p.year: p for p in suppliers.supplier_trend(reader, org, kmd, today=today)}
    assert sorted(trend) == suppliers.trend_years(today)
    # 2021: only the expired KMD contract was valid (the others started in 2024).
    assert trend[2021].spend == Decimal("50000")
    assert trend[2021].share == 1
    # This year: the two KMD contracts running, the other supplier's and the one
    # without supplier.
    assert trend[today.year].spend == Decimal("400000")
    assert trend[today.year].total == Decimal("600000")
    # After the other contracts' expiry only KMD's remain.
    assert trend[today.year + 2].share == 1
    assert trend[today.year + 2].is_future


def test_the_monopoly_break_view_lists_the_windows(client, org, reader):
    kmd, other, locked = build(org)
    client.force_login(reader)
    response = client.get(reverse("monopoly_break"))
    assert response.status_code == 200
    entries = response.context["suppliers"]
    assert [entry.dependence.supplier for entry in entries] == [kmd, other]
    kmd_contracts = entries[0].contracts
    assert [c.contract for c in kmd_contracts][-1] == locked  # latest end last
    assert [c.without_exit for c in kmd_contracts] == [False, True]
    assert [c.in_window for c in kmd_contracts] == [True, False]
    assert entries[0].spend_in_window == Decimal("100000")
    html = response.content.decode()
    assert _check_links(client, html) == 2
    assert locked.name in html


def test_the_exports(client, org, reader):
    kmd, _other, _locked = build(org)
    client.force_login(reader)
    for url, rows in (
        (reverse("supplier_dependence"), 3),
        (reverse("monopoly_break"), 4),
        (reverse("supplier_dependence_detail", args=[kmd.uuid]), 8),
    ):
        response = client.get(url + "?format=xlsx")
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml")
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        assert workbook.worksheets[0].max_row == rows, url


def test_another_organisations_figures_are_never_shown(client, org, other_org, outsider):
    kmd, _other, _locked = build(org)
    local = SupplierFactory(name="Lokal leverandør", owner_organisation=org, is_local=True)
    ContractFactory(organisation=org, supplier=local)
    client.force_login(outsider)
    response = client.get(reverse("supplier_dependence"))
    assert response.status_code == 200
    assert response.context["dependence"].suppliers == []
    assert "KMD A/S" not in response.content.decode()
    # The local supplier of another organisation: 404.
    assert client.get(reverse("supplier_dependence_detail", args=[local.uuid])
                      ).status_code == 404
    # A shared supplier: the outsider's own organisation's figures, which are none.
    response = client.get(reverse("supplier_dependence_detail", args=[kmd.uuid]))
    assert response.status_code == 200
    assert response.context["row"].spend == 0
    assert response.context["row"].systems.value == 0
    monopoly = client.get(reverse("monopoly_break"))
    assert monopoly.context["suppliers"] == []


def test_the_pages_need_a_login(client):
    for name in ("supplier_dependence", "monopoly_break"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert "/konto/log-ind/" in response.url


def _rows(org, count):
    for index in range(count):
        supplier = SupplierFactory(name=f"Leverandør {index:03d}")
        source = UsageFactory(organisation=org, system=ItSystemFactory(rights_holder=supplier),
                              criticality="high")
        target = UsageFactory(organisation=org, system=ItSystemFactory(rights_holder=supplier))
        IntegrationFactory(organisation=org, source=source, target=target,
                           interface_type="file")
        ContractFactory(organisation=org, supplier=supplier,
                        expiry_date=add_months(_today(), 12 * (index % 6 + 1)))


def test_the_query_count_does_not_grow_with_the_rows(client, org, reader):
    client.force_login(reader)
    _rows(org, 3)
    urls = [reverse("supplier_dependence"), reverse("monopoly_break")]
    few = [count_queries(client, url) for url in urls]
    _rows(org, 12)
    many = [count_queries(client, url) for url in urls]
    assert few == many
