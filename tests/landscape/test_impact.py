"""The impact analysis service (landscape/impact.py): the walk over the integrations
(both directions, depth, cycles), the sections, scoping and a constant query count."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gdpr.models import DataAssetUsage
from governance.models import ProjectContract, ProjectSystem
from landscape import impact
from portfolio.models import SystemUsage, SystemUsageUnit
from tests.factories import (
    ContractFactory,
    CoverageFactory,
    DataAssetFactory,
    IntegrationFactory,
    ItSystemFactory,
    PersonFactory,
    ProcessingActivityFactory,
    RoleAssignmentFactory,
    RoleTypeFactory,
    SupplierFactory,
    UnitFactory,
    UsageFactory,
)
from tests.governance.cases import ProjectFactory

pytestmark = pytest.mark.django_db


def usage_named(org, name, **kwargs):
    return UsageFactory(organisation=org, system=ItSystemFactory(name=name), **kwargs)


@pytest.fixture
def graph(org):
    """A → B → C → A (a cycle), E → A, C → D, D → F; X is not connected."""
    names = "ABCDEFX"
    usages = {name: usage_named(org, f"System {name}") for name in names}

    def link(source, target, **kwargs):
        return IntegrationFactory(organisation=org, source=usages[source],
                                  target=usages[target], name=f"{source}-{target}", **kwargs)

    edges = {pair: link(*pair) for pair in ("AB", "BC", "CA", "EA", "CD", "DF")}
    return usages, edges


def names(reached):
    return {r.usage.system.name[-1]: r for r in reached}


def test_the_walk_follows_both_directions_and_ends_on_cycles(graph, editor):
    usages, edges = graph
    hops, reached, more = impact.walk_integrations(user=editor, start=[usages["A"]], depth=6)
    found = names(reached)
    assert set(found) == set("BCDEF")
    assert {name: r.depth for name, r in found.items()} == {
        "B": 1, "C": 1, "E": 1, "D": 2, "F": 3}
    assert found["B"].direction == impact.OUTGOING
    assert found["C"].direction == impact.INCOMING  # C sends to A
    assert found["E"].direction == impact.INCOMING
    assert found["D"].direction == impact.MIXED  # C → A, then C → D
    assert found["F"].direction == impact.MIXED
    assert [h.integration.name for h in found["F"].path] == ["C-A", "C-D", "D-F"]
    assert found["F"].via == usages["D"]
    # Every integration once, the one inside the cycle (B → C) too; X never.
    assert sorted(h.integration.name for h in hops) == sorted(
        ["A-B", "B-C", "C-A", "E-A", "C-D", "D-F"])
    assert {h.integration.name: h.depth for h in hops}["B-C"] == 2
    assert more is False


def test_the_depth_limits_the_walk_and_says_there_is_more(graph, editor):
    usages, _edges = graph
    hops, reached, more = impact.walk_integrations(user=editor, start=[usages["A"]], depth=1)
    assert set(names(reached)) == set("BCE")
    assert {h.integration.name for h in hops} == {"A-B", "C-A", "E-A"}
    assert more is True
    _hops, reached, more = impact.walk_integrations(user=editor, start=[usages["A"]], depth=2)
    assert set(names(reached)) == set("BCED")
    assert more is True
    _hops, _reached, more = impact.walk_integrations(user=editor, start=[usages["A"]], depth=3)
    assert more is False


def test_a_two_way_integration_is_two_way(org, editor):
    a, b = usage_named(org, "A"), usage_named(org, "B")
    IntegrationFactory(organisation=org, source=b, target=a, direction="two_way")
    _hops, reached, _more = impact.walk_integrations(user=editor, start=[a], depth=3)
    assert [r.direction for r in reached] == [impact.TWO_WAY]


@pytest.mark.parametrize("value", ["0", "7", "-1", "x", "2.5", "1e3", " "])
def test_a_bad_depth_is_refused(value):
    with pytest.raises(impact.DepthError):
        impact.parse_depth(value)


def test_the_depth_defaults_and_accepts_the_range():
    assert impact.parse_depth(None) == impact.parse_depth("") == impact.DEFAULT_DEPTH
    assert [impact.parse_depth(str(d)) for d in range(1, impact.MAX_DEPTH + 1)] == list(
        range(1, impact.MAX_DEPTH + 1))


def star(org, count: int):
    """A usage with `count` of everything around it: integrations in and out, units,
    activities, data assets, contracts, role holders and projects."""
    unit = UnitFactory(organisation=org)
    centre = usage_named(org, f"Centre {count}", responsible_unit=unit, user_count="100_499")
    role_type = RoleTypeFactory(applies_to="system_usage")
    contract_role = RoleTypeFactory(applies_to="contract")
    for n in range(count):
        other = usage_named(org, f"Other {count}-{n}")
        if n % 2:
            IntegrationFactory(organisation=org, source=centre, target=other)
        else:
            IntegrationFactory(organisation=org, source=other, target=centre)
        SystemUsageUnit.objects.create(usage=centre, unit=UnitFactory(organisation=org))
        ProcessingActivityFactory(organisation=org).usages.add(centre)
        DataAssetUsage.objects.create(asset=DataAssetFactory(organisation=org), usage=centre)
        contract = ContractFactory(organisation=org)
        CoverageFactory(contract=contract, usage=centre, is_main=n == 0)
        RoleAssignmentFactory(target=centre, role_type=role_type,
                              person=PersonFactory(organisation=org))
        RoleAssignmentFactory(target=contract, role_type=contract_role,
                              person=PersonFactory(organisation=org))
        RoleAssignmentFactory(target=other, role_type=role_type,
                              person=PersonFactory(organisation=org))
        project = ProjectFactory(organisation=org)
        ProjectSystem.objects.create(project=project, usage=centre, effect="changes")
    return centre


def test_every_section_of_a_usage(org, editor):
    centre = star(org, 3)
    result = impact.usage_impact(user=editor, usage_uuid=centre.uuid)
    assert result.usages == [centre]
    assert len(result.hops) == len(result.reached) == 3
    assert len(result.processing_activities) == 3
    assert [row.relation for row in result.data_assets] == ["stores"] * 3
    assert [row.relation for row in result.units].count(impact.RESPONSIBLE) == 1
    assert [row.relation for row in result.units].count(impact.USING) == 3
    assert [row.relation for row in result.contracts] == [
        impact.COVERS_MAIN, impact.COVERS, impact.COVERS]
    # On the usage, its contracts and the systems one step away.
    assert len(result.role_holders) == 9
    assert len(result.projects) == 3


def test_ended_roles_are_not_listed(org, editor):
    usage = usage_named(org, "A")
    RoleAssignmentFactory(target=usage, role_type=RoleTypeFactory(),
                          person=PersonFactory(organisation=org),
                          start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2021, 1, 1))
    assert impact.usage_impact(user=editor, usage_uuid=usage.uuid).role_holders == []


def test_the_query_count_does_not_grow_with_the_rows(org, editor):
    few, many = star(org, 2), star(org, 12)
    ContentType.objects.get_for_models(SystemUsage)  # the content type cache is warm
    counts = []
    for centre in (few, many):
        with CaptureQueriesContext(connection) as queries:
            impact.usage_impact(user=editor, usage_uuid=centre.uuid, depth=3)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_a_supplier_is_its_systems_and_its_contracts_in_the_users_organisations(
        org, other_org, editor):
    supplier = SupplierFactory()
    own = UsageFactory(organisation=org, system=ItSystemFactory(rights_holder=supplier))
    covered = usage_named(org, "Hosted")
    contract = ContractFactory(organisation=org, supplier=supplier)
    CoverageFactory(contract=contract, usage=covered, is_main=True)
    UsageFactory(organisation=other_org, system=ItSystemFactory(rights_holder=supplier))
    ContractFactory(organisation=other_org, supplier=supplier)
    project = ProjectFactory(organisation=org)
    ProjectContract.objects.create(project=project, contract=contract, effect="ends")
    result = impact.supplier_impact(user=editor, supplier_uuid=supplier.uuid)
    assert set(result.usages) == {own, covered}
    assert [(row.contract, row.relation) for row in result.contracts] == [
        (contract, impact.SUPPLIER_CONTRACT)]
    assert [row.target for row in result.projects] == [contract]


def test_a_contract_is_what_it_covers_and_its_sub_contracts(org, editor):
    contract = ContractFactory(organisation=org)
    child = ContractFactory(organisation=org, parent=contract)
    covered = usage_named(org, "Covered")
    CoverageFactory(contract=contract, usage=covered)
    other = ContractFactory(organisation=org)
    CoverageFactory(contract=other, usage=covered, is_main=True)
    result = impact.contract_impact(user=editor, contract_uuid=contract.uuid)
    assert result.usages == [covered]
    assert [(row.contract, row.relation) for row in result.contracts] == [
        (contract, impact.SUBJECT), (child, impact.CHILD), (other, impact.COVERS_MAIN)]


def test_another_organisations_objects_are_not_found(org, other_org, editor):
    usage = usage_named(other_org, "Theirs")
    contract = ContractFactory(organisation=other_org)
    local = SupplierFactory(owner_organisation=other_org, is_local=True, cvr="")
    with pytest.raises(SystemUsage.DoesNotExist):
        impact.usage_impact(user=editor, usage_uuid=usage.uuid)
    with pytest.raises(type(contract).DoesNotExist):
        impact.contract_impact(user=editor, contract_uuid=contract.uuid)
    with pytest.raises(type(local).DoesNotExist):
        impact.supplier_impact(user=editor, supplier_uuid=local.uuid)


def line(org, count):
    """`count` + 1 usages in a row, each sending to the next."""
    usages = [usage_named(org, f"Line {count}-{n}") for n in range(count + 1)]
    for n, (source, target) in enumerate(zip(usages, usages[1:], strict=False)):
        IntegrationFactory(organisation=org, source=source, target=target, name=f"Led {n}")
    return usages


def test_the_walk_is_one_query_however_deep(org, editor):
    usages = line(org, impact.MAX_DEPTH + 2)
    ContentType.objects.get_for_models(SystemUsage)
    walks, analyses = {}, {}
    for depth in (1, impact.MAX_DEPTH):
        with CaptureQueriesContext(connection) as queries:
            hops, reached, more = impact.walk_integrations(
                user=editor, start=[usages[0]], depth=depth)
        walks[depth] = len(queries)
        assert [r.usage for r in reached] == usages[1:depth + 1]
        assert [hop.depth for hop in hops] == list(range(1, depth + 1))
        assert [h.integration.name for h in reached[-1].path] == [
            f"Led {n}" for n in range(depth)]
        assert more is True  # the row goes on past the depth
        with CaptureQueriesContext(connection) as queries:
            impact.usage_impact(user=editor, usage_uuid=usages[0].uuid, depth=depth)
        analyses[depth] = len(queries)
    assert walks == {1: 1, impact.MAX_DEPTH: 1}
    assert analyses[1] == analyses[impact.MAX_DEPTH], analyses


def test_the_walk_from_the_middle_goes_both_ways_and_ends_where_the_row_does(org, editor):
    usages = line(org, 4)
    hops, reached, more = impact.walk_integrations(user=editor, start=[usages[2]], depth=2)
    assert {r.usage: (r.depth, r.direction) for r in reached} == {
        usages[1]: (1, impact.INCOMING), usages[3]: (1, impact.OUTGOING),
        usages[0]: (2, impact.INCOMING), usages[4]: (2, impact.OUTGOING)}
    assert more is False
    assert impact.walk_integrations(user=editor, start=[], depth=3) == ([], [], False)


def test_the_data_assets_in_the_systems_then_those_the_integrations_carry(org, editor):
    centre, other = usage_named(org, "Centre"), usage_named(org, "Other")
    integration = IntegrationFactory(organisation=org, source=centre, target=other)
    stored = DataAssetFactory(organisation=org, name="B-register")
    used = DataAssetFactory(organisation=org, name="A-register")
    DataAssetUsage.objects.create(asset=stored, usage=centre, use="stores")
    DataAssetUsage.objects.create(asset=used, usage=centre, use="uses")
    DataAssetUsage.objects.create(asset=used, usage=other, use="exposes")  # not going
    carried = DataAssetFactory(organisation=org, name="0-udtræk")
    carried.integrations.add(integration)
    result = impact.usage_impact(user=editor, usage_uuid=centre.uuid)
    assert [(row.asset, row.relation, str(row.relation_label), row.via)
            for row in result.data_assets] == [
        (used, "uses", "Anvender", centre),
        (stored, "stores", "Opbevarer", centre),
        (carried, impact.TRANSFERRED, "Overføres via integration", integration),
    ]


def test_the_projects_say_what_they_do_to_the_systems_then_to_the_contracts(org, editor):
    contract = ContractFactory(organisation=org)
    usage = usage_named(org, "ESDH")
    CoverageFactory(contract=contract, usage=usage)
    other = ContractFactory(organisation=org)
    CoverageFactory(contract=other, usage=usage, is_main=True)
    second, first = (ProjectFactory(organisation=org, name=name) for name in ("B", "A"))
    ProjectContract.objects.create(project=first, contract=contract, effect="ends")
    ProjectSystem.objects.create(project=second, usage=usage, effect="retires")
    ProjectSystem.objects.create(project=first, usage=usage, effect="changes")
    # A project on another contract of the usage is that contract's business.
    ProjectContract.objects.create(project=second, contract=other, effect="creates")
    result = impact.contract_impact(user=editor, contract_uuid=contract.uuid)
    assert [(row.project, row.effect, str(row.effect_label), row.target)
            for row in result.projects] == [
        (first, "changes", "Ændrer", usage),
        (second, "retires", "Udfaser", usage),
        (first, "ends", "Afslutter", contract),
    ]


def test_a_sub_contract_covering_the_usages_stays_a_sub_contract(org, editor):
    contract = ContractFactory(organisation=org, name="B")
    child = ContractFactory(organisation=org, parent=contract, name="A")
    covered = usage_named(org, "Covered")
    CoverageFactory(contract=contract, usage=covered)
    CoverageFactory(contract=child, usage=covered, is_main=True)
    result = impact.contract_impact(user=editor, contract_uuid=contract.uuid)
    assert [(row.contract, row.relation) for row in result.contracts] == [
        (contract, impact.SUBJECT), (child, impact.CHILD)]
    with pytest.raises(type(contract).DoesNotExist):
        impact.contract_impact(user=editor, contract_uuid=uuid.uuid4())
