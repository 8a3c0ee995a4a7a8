"""The contract page's tabs and the supplier page (access, content, constant queries)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.detail_helpers import DetailChecks, DetailSpec, add_history, tab_url
from tests.factories import (
    AgreementFactory,
    ContractFactory,
    CostLineFactory,
    CoverageFactory,
    IntegrationFactory,
    ItSystemFactory,
    RoleAssignmentFactory,
    RoleTypeFactory,
    SupplierFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


def add_contract_rows(contract, count):
    org = contract.organisation
    role_type = RoleTypeFactory(applies_to="contract")
    start = contract.cost_lines.count()
    for i in range(count):
        CoverageFactory(contract=contract)
        unit = UnitFactory(organisation=org)
        CostLineFactory(contract=contract, year=2000 + start + i, unit=unit)
        RoleAssignmentFactory(target=contract, role_type=role_type)
        AgreementFactory(organisation=org, contract=contract)
        IntegrationFactory(organisation=org).contracts.add(contract)
    add_history(contract, count)


def add_supplier_rows(supplier, count):
    org = supplier.owner_organisation
    for _ in range(count):
        ItSystemFactory(rights_holder=supplier)
        ContractFactory(organisation=org, supplier=supplier)
        AgreementFactory(organisation=org, processor=supplier)
    add_history(supplier, count)


class TestContractTabs(DetailChecks):
    spec = DetailSpec(
        "contract",
        make=lambda org: ContractFactory(organisation=org),
        add_rows=add_contract_rows,
        tabs=("overblik", "systemer", "oekonomi", "roller", "databehandling", "historik"),
    )


class TestSupplierDetail(DetailChecks):
    editor_fixture = "admin_user"
    spec = DetailSpec(
        "supplier",
        make=lambda org: SupplierFactory(owner_organisation=org, is_local=True),
        add_rows=add_supplier_rows,
        tabs=("overblik", "kontrakter", "historik"),
    )


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
    assert reverse("usage_detail", args=[link.usage.uuid]) in html
    assert "Ja, hovedkontrakt" in html


def test_shared_supplier_shows_only_own_contracts(client, org, other_org, reader):
    supplier = SupplierFactory()
    ContractFactory(organisation=org, supplier=supplier, name="Vores kontrakt")
    ContractFactory(organisation=other_org, supplier=supplier, name="Naboens kontrakt")
    client.force_login(reader)
    html = client.get(tab_url(supplier, "kontrakter")).content.decode()
    assert "Vores kontrakt" in html and "Naboens kontrakt" not in html
