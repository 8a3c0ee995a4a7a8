"""The contract page's tabs and the supplier page (access, content, constant queries)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.contracts.cases import CONTRACT, SUPPLIER
from tests.detail_helpers import tab_url
from tests.factories import ContractFactory, CostLineFactory, CoverageFactory, SupplierFactory
from tests.harness import DetailViewTests

pytestmark = pytest.mark.django_db


class TestContractTabs(DetailViewTests):
    case = CONTRACT


class TestSupplierDetail(DetailViewTests):
    case = SUPPLIER


def test_economy_tab_lists_cost_lines_with_totals(client, org, editor):
    contract = ContractFactory(organisation=org)
    CostLineFactory(contract=contract, year=2026, amount="1000.50")
    CostLineFactory(contract=contract, year=2026, amount="2000", kind="acquisition")
    client.force_login(editor)
    html = client.get(tab_url(contract, "oekonomi")).content.decode()
    assert "3.000,50" in html
    assert reverse("costline_create", args=[contract.uuid]) in html


def test_systems_tab_links_the_usages(client, org, reader):
    link = CoverageFactory(contract=ContractFactory(organisation=org), is_main=True)
    client.force_login(reader)
    html = client.get(tab_url(link.contract, "systemer")).content.decode()
    assert reverse("systemusage_detail", args=[link.usage.uuid]) in html
    assert "Ja, hovedkontrakt" in html


def test_shared_supplier_shows_only_own_contracts(client, org, other_org, reader):
    supplier = SupplierFactory()
    ContractFactory(organisation=org, supplier=supplier, name="Vores kontrakt")
    ContractFactory(organisation=other_org, supplier=supplier, name="Naboens kontrakt")
    client.force_login(reader)
    html = client.get(tab_url(supplier, "kontrakter")).content.decode()
    assert "Vores kontrakt" in html and "Naboens kontrakt" not in html
