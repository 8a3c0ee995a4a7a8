"""The supplier page's yearly spend (contracts/spend.py, a panel that contracts adds to
the portfolio's Supplier page): the contracts in force of the user's organisations only,
per organisation and per forvaltning (roles' one rule for what a forvaltning is)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from contracts.spend import supplier_spend
from tests.factories import ContractFactory, MembershipFactory, SupplierFactory, UnitFactory


def _tree(org):
    root = UnitFactory(organisation=org, name="Kommunen")  # a single root: the organisation
    social = UnitFactory(organisation=org, parent=root, name="Socialforvaltningen")
    team = UnitFactory(organisation=org, parent=social, name="Team Job")
    teknik = UnitFactory(organisation=org, parent=root, name="Teknikforvaltningen")
    return root, social, team, teknik


def _spend_rows(entries):
    return [(entry.label, entry.total, entry.count) for entry in entries]


def test_spend_per_organisation_and_forvaltning(client, reader, org, other_org):
    supplier = SupplierFactory(name="KMD")
    root, social, team, teknik = _tree(org)
    ContractFactory(organisation=org, supplier=supplier, responsible_unit=team,
                    yearly_cost=Decimal(100000))
    ContractFactory(organisation=org, supplier=supplier, responsible_unit=social,
                    yearly_cost=Decimal(20000))
    ContractFactory(organisation=org, supplier=supplier, responsible_unit=teknik,
                    yearly_cost=Decimal(50000))
    ContractFactory(organisation=org, supplier=supplier, responsible_unit=root,
                    yearly_cost=Decimal(7000))
    ContractFactory(organisation=org, supplier=supplier, yearly_cost=Decimal(3000))
    # Not in force: not spend.
    ContractFactory(organisation=org, supplier=supplier, yearly_cost=Decimal(900000),
                    start_date=datetime.date(2015, 1, 1), expiry_date=datetime.date(2016, 1, 1))
    # Another organisation's contract with the same (shared) supplier: never counted.
    ContractFactory(organisation=other_org, supplier=supplier, yearly_cost=Decimal(555555))

    spend = supplier_spend(reader, supplier)
    assert spend.total == Decimal(180000)
    assert spend.count == 5
    assert _spend_rows(spend.organisations) == [(org.name, Decimal(180000), 5)]
    assert _spend_rows(spend.forvaltninger) == [
        ("Socialforvaltningen", Decimal(120000), 2),
        ("Teknikforvaltningen", Decimal(50000), 1),
        (None, Decimal(10000), 2),  # the root itself and no unit: no forvaltning
    ]

    client.force_login(reader)  # readers see the spend too
    content = client.get(f"/leverandoerer/{supplier.uuid}/").content.decode()
    assert "Årlig driftsudgift hos leverandøren" in content
    assert "180.000" in content
    assert "Socialforvaltningen" in content
    assert "555.555" not in content
    assert other_org.name not in content


def test_a_user_of_two_organisations_sees_both(client, reader, org, other_org):
    supplier = SupplierFactory()
    ContractFactory(organisation=org, supplier=supplier, yearly_cost=Decimal(1000))
    ContractFactory(organisation=other_org, supplier=supplier, yearly_cost=Decimal(2000))
    MembershipFactory(user=reader, organisation=other_org, role="reader")
    spend = supplier_spend(reader, supplier)
    assert _spend_rows(spend.organisations) == [
        (other_org.name, Decimal(2000), 1), (org.name, Decimal(1000), 1),
    ]
    assert spend.total == Decimal(3000)


def test_outsiders_see_none_of_the_spend(client, outsider, org):
    shared = SupplierFactory()
    ContractFactory(organisation=org, supplier=shared, yearly_cost=Decimal(424242))
    client.force_login(outsider)
    response = client.get(f"/leverandoerer/{shared.uuid}/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "424.242" not in content
    assert "Ingen af dine organisationers kontrakter i kraft" in content
    assert supplier_spend(outsider, shared).count == 0
    # A supplier local to another organisation is not found at all.
    local = SupplierFactory(is_local=True, owner_organisation=org)
    ContractFactory(organisation=org, supplier=local)
    assert client.get(f"/leverandoerer/{local.uuid}/").status_code == 404


def test_spend_takes_two_queries_however_many_contracts(reader, org, django_assert_num_queries):
    supplier = SupplierFactory()
    _root, social, team, teknik = _tree(org)
    for unit in (social, team, teknik, None, team):
        ContractFactory(organisation=org, supplier=supplier, responsible_unit=unit)
    # visible_to may read the user's memberships once; the spend itself is two queries.
    supplier_spend(reader, supplier)
    with django_assert_num_queries(2):
        supplier_spend(reader, supplier)
