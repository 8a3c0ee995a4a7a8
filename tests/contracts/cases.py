"""The contracts app's models, declared once for the shared list, detail and form tests
(tests/harness.py): contracts and suppliers."""

from __future__ import annotations

import datetime

from contracts import tables
from contracts.models import Contract
from portfolio.models import Supplier
from tests.detail_helpers import add_history
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
    UsageFactory,
)
from tests.harness import ModelCase
from tests.lists_support import hold_role

# -- contracts ---------------------------------------------------------------------------


def contract_row(org, label):
    contract = ContractFactory(organisation=org, name=label)
    CoverageFactory(contract=contract)
    hold_role(contract, "kontraktejer")
    hold_role(contract, "contract-manager")
    return contract


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


def contract_data(org):
    usage = UsageFactory(organisation=org)
    return {
        "name": "Ny kontrakt",
        "supplier": SupplierFactory().pk,
        "start_date": "2025-01-01",
        "expiry_date": "2028-12-31",
        "notice_months": "3",
        "extensions_total": "0",
        "extensions_used": "0",
        "lead_months": "6",
        "yearly_cost": "125000,50",
        "usages": [usage.pk],
        "main_for": [usage.pk],
    }


CONTRACT = ModelCase(
    model=Contract,
    make=lambda org: ContractFactory(organisation=org),
    make_row=contract_row,
    columns=tables.CONTRACT_COLUMNS,
    tabs=("overblik", "systemer", "oekonomi", "roller", "databehandling", "historik"),
    add_rows=add_contract_rows,
    form_data=contract_data,
    change={"notice_months": "6", "terminated_on": "2026-12-31"},
    changed=lambda contract: contract.notice_months == 6
    and contract.terminated_on == datetime.date(2026, 12, 31),
    cross_field="responsible_unit",
    cross_value=lambda other: UnitFactory(organisation=other).pk,
    # A rule of the model (used options at most the options), checked by the service.
    invalid={"extensions_total": "1", "extension_months": "12", "extensions_used": "2"},
)


# -- suppliers (shared: every organisation sees them, admins maintain local ones) ---------


def supplier_row(org, label):
    supplier = SupplierFactory(name=label, is_local=True, owner_organisation=org)
    ContractFactory(organisation=org, supplier=supplier)
    return supplier


def add_supplier_rows(supplier, count):
    org = supplier.owner_organisation
    for _ in range(count):
        ItSystemFactory(rights_holder=supplier)
        ContractFactory(organisation=org, supplier=supplier)
        AgreementFactory(organisation=org, processor=supplier)
    add_history(supplier, count)


SUPPLIER = ModelCase(
    model=Supplier,
    shared_catalog=True,
    make=lambda org: SupplierFactory(owner_organisation=org, is_local=True),
    make_row=supplier_row,
    columns=tables.SUPPLIER_COLUMNS,
    tabs=("overblik", "kontrakter", "roller", "historik"),
    add_rows=add_supplier_rows,
    form_data=lambda org: {"name": "Lokal leverandør ApS", "cvr": "12345678", "country": "DK",
                           "is_local": "on"},
    change={"website": "https://leverandoer.example.dk"},
    changed=lambda supplier: supplier.website == "https://leverandoer.example.dk",
    cross_field=None,  # a supplier points at nothing of an organisation's
    invalid={"country": "Danmark"},
)
