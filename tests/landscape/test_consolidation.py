"""Duplicates and consolidation (landscape/consolidation.py): the groups of usages
serving the same KLE task or business type across forvaltninger, one system in several
forvaltninger, likely duplicates in the catalog, the yearly cost; every number agrees
with the list it links to; another organisation's data never shows; constant queries."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import openpyxl
import pytest
from django.db import connection
from django.http import QueryDict
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contracts.filtersets import ContractFilterSet
from contracts.models import Contract
from landscape.consolidation import GroupKind, consolidation, normalised_name
from portfolio.filtersets import SystemUsageFilterSet
from portfolio.models import SystemUsage, SystemUsageUnit
from tests.factories import (
    ContractFactory,
    CoverageFactory,
    ItSystemFactory,
    SupplierFactory,
    UnitFactory,
    UsageFactory,
)
from tests.governance.request_cases import kle

pytestmark = pytest.mark.django_db

URL = "/landskab/dubletter/"


def use(org, name, unit, *, kle_numbers=(), business_type="", using=(), supplier=None,
        lifecycle="operational"):
    system = ItSystemFactory(name=name, business_type=business_type,
                             rights_holder=supplier or SupplierFactory())
    system.kle_numbers.add(*[kle(number) for number in kle_numbers])
    usage = UsageFactory(organisation=org, system=system, responsible_unit=unit,
                         lifecycle=lifecycle)
    for other in using:
        SystemUsageUnit.objects.create(usage=usage, unit=other, organisation=org)
    return usage


def contract(org, cost, *usages):
    made = ContractFactory(organisation=org, yearly_cost=Decimal(cost))
    for usage in usages:
        CoverageFactory(contract=made, usage=usage)
    return made


@pytest.fixture
def world(org, other_org):
    root = UnitFactory(organisation=org, name="Kommunen")
    born = UnitFactory(organisation=org, parent=root, name="Børn og Unge")
    skoler = UnitFactory(organisation=org, parent=born, name="Skoler")
    teknik = UnitFactory(organisation=org, parent=root, name="Teknik og Miljø")
    social = UnitFactory(organisation=org, parent=root, name="Social")
    booking = use(org, "Lokalebooking", skoler, kle_numbers=["00.05.10"],
                  business_type="citizen_service")
    bred = use(org, "Bred booking", teknik, kle_numbers=["00.05"], business_type="economy")
    # Same system, used by two forvaltninger.
    esdh = use(org, "SBSYS", social, using=[teknik], business_type="esdh")
    # Retired: not in use, never counted.
    use(org, "Gammel booking", social, kle_numbers=["00.05.10"], lifecycle="retired")
    # A task only one forvaltning serves, with two systems: no group.
    use(org, "Løn 1", social, kle_numbers=["81.01"])
    use(org, "Løn 2", social, kle_numbers=["81.01"])
    shared = contract(org, "300000", booking, bred)
    contract(org, "50000", booking)
    contract(org, "20000", esdh)
    ended = ContractFactory(organisation=org, yearly_cost=Decimal("999"),  # not counted
                            start_date=datetime.date(2019, 1, 1),
                            expiry_date=datetime.date(2020, 1, 1))
    CoverageFactory(contract=ended, usage=booking)
    # Another organisation with the very same pattern and a foreign unit.
    foreign_unit = UnitFactory(organisation=other_org, name="Fremmed forvaltning")
    foreign = use(other_org, "Naboens booking", foreign_unit, kle_numbers=["00.05.10"])
    use(other_org, "Naboens anden", UnitFactory(organisation=other_org),
        kle_numbers=["00.05.10"])
    contract(other_org, "777777", foreign)
    return {"born": born, "teknik": teknik, "social": social, "booking": booking,
            "bred": bred, "esdh": esdh, "shared": shared, "foreign_unit": foreign_unit}


def _filter_count(link, filterset_class, model, user, total=None):
    query = QueryDict(mutable=True)
    for key, value in parse_qsl(urlsplit(link).query):
        query.appendlist(key, value)
    request = RequestFactory().get("/")
    request.user = user
    filterset = filterset_class(query, queryset=model.objects.visible_to(user), request=request)
    assert filterset.is_valid(), (link, filterset.errors)
    if total:
        return sum((row.yearly_cost or 0 for row in filterset.qs), Decimal(0))
    return filterset.qs.count()


def test_groups_of_the_same_task_business_type_and_system(client, world, editor):
    client.force_login(editor)
    analysis = client.get(URL).context["analysis"]
    by_kind = {kind: analysis.of_kind(kind) for kind in GroupKind.values}
    assert [(g.key, sorted(g.system_names)) for g in by_kind["kle"]] == [
        ("00.05.10", ["Bred booking", "Lokalebooking"])]
    kle_group = by_kind["kle"][0]
    # The contract covering both usages counts once.
    assert kle_group.contract_count == 2
    assert kle_group.yearly_cost == Decimal("350000")
    assert sorted(f.unit.name for f in kle_group.forvaltninger) == ["Børn og Unge",
                                                                    "Teknik og Miljø"]
    assert by_kind["business_type"] == []  # no type is shared across forvaltninger
    assert [g.label for g in by_kind["system"]] == ["SBSYS"]
    assert by_kind["system"][0].yearly_cost == Decimal("20000")
    assert analysis.yearly_cost == Decimal("370000")
    assert analysis.contract_count == 3
    html = client.get(URL).content.decode()
    assert "Naboens" not in html and "777.777" not in html


def test_every_number_agrees_with_the_list_it_links_to(client, world, editor):
    client.force_login(editor)
    analysis = client.get(URL).context["analysis"]
    checked = 0
    for group in analysis.groups:
        assert _filter_count(group.usage_url, SystemUsageFilterSet, SystemUsage,
                             editor) == group.usage_count
        for share in group.forvaltninger:
            assert _filter_count(share.url, SystemUsageFilterSet, SystemUsage,
                                 editor) == share.count
            checked += 1
        assert _filter_count(group.contract_url, ContractFilterSet, Contract,
                             editor) == group.contract_count
        assert _filter_count(group.contract_url, ContractFilterSet, Contract, editor,
                             total=True) == group.yearly_cost
        checked += 3
    for bar in analysis.chart:
        assert _filter_count(bar.url, ContractFilterSet, Contract, editor,
                             total=True) == bar.value
        checked += 1
    assert _filter_count(analysis.contract_url, ContractFilterSet, Contract,
                         editor) == analysis.contract_count
    assert _filter_count(analysis.contract_url, ContractFilterSet, Contract, editor,
                         total=True) == analysis.yearly_cost
    for pair in analysis.pairs:
        assert _filter_count(pair.usage_url, SystemUsageFilterSet, SystemUsage,
                             editor) == pair.usage_count
        checked += 1
    assert checked >= 10
    # The links open the real list pages with the same counts.
    group = analysis.groups[0]
    response = client.get(group.usage_url)
    assert response.status_code == 200
    assert response.context["paginator"].count == group.usage_count


def test_a_forvaltning_gets_its_consolidation_list(client, world, editor):
    client.force_login(editor)
    response = client.get(URL, {"unit": world["born"].uuid})
    assert response.status_code == 200
    analysis = response.context["analysis"]
    assert [g.kind for g in analysis.groups] == ["kle"]
    assert "Konsolideringsliste for Børn og Unge" in response.content.decode()
    social = client.get(URL, {"unit": world["social"].uuid}).context["analysis"]
    assert [g.label for g in social.groups] == ["SBSYS"]


def test_another_organisations_unit_and_bad_units_are_404(client, world, editor, outsider):
    client.force_login(editor)
    assert client.get(URL, {"unit": world["foreign_unit"].uuid}).status_code == 404
    assert client.get(URL, {"unit": "not-a-uuid"}).status_code == 404
    # A unit below a forvaltning is no forvaltning.
    skoler = world["booking"].responsible_unit
    assert client.get(URL, {"unit": skoler.uuid}).status_code == 404
    client.force_login(outsider)
    html = client.get(URL).content.decode()
    assert "Lokalebooking" not in html and "SBSYS" not in html


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response.url


def test_excel_export_has_the_groups_and_the_catalog_pairs(client, world, editor):
    client.force_login(editor)
    response = client.get(URL, {"format": "xlsx"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    groups = list(book["Dubletter"].iter_rows(values_only=True))
    assert len(groups) == 1 + 2
    assert any(row[1] == "SBSYS" and row[6] == 20000 for row in groups[1:])
    assert "Katalogdubletter" in book.sheetnames


def test_names_are_compared_without_case_versions_and_punctuation():
    assert normalised_name("SBSYS 5.2") == normalised_name("sbsys") == "sbsys"
    assert normalised_name("Office-pakke (v3)") == "office pakke"
    assert normalised_name("KMD Opus Løn 2019") == "kmd opus løn"


def test_likely_catalog_duplicates(org, editor):
    kmd = SupplierFactory(name="KMD")
    unit = UnitFactory(organisation=org)
    mine = use(org, "Acadre ESDH 5.2", unit)
    ItSystemFactory(name="ACADRE-ESDH", rights_holder=SupplierFactory())
    ItSystemFactory(name="KMD Opus Økonomi", rights_holder=kmd)
    ItSystemFactory(name="KMD Opus Økonomi Plus", rights_holder=kmd)
    ItSystemFactory(name="Helt andet system", rights_holder=kmd)
    ItSystemFactory(name="Nyt navn", previous_names="Gammelt Navn",
                    rights_holder=SupplierFactory())
    ItSystemFactory(name="Gammelt navn 2", rights_holder=SupplierFactory())
    pairs = consolidation(user=editor, organisation=org).pairs
    names = [(p.first.name, p.second.name) for p in pairs]
    assert names[0] == ("ACADRE-ESDH", "Acadre ESDH 5.2")  # the organisation uses one
    assert pairs[0].usages == [mine] and pairs[0].similarity == 1
    assert ("KMD Opus Økonomi", "KMD Opus Økonomi Plus") in names
    assert ("Gammelt navn 2", "Nyt navn") in names
    assert not any("Helt andet system" in pair for pair in names)


def test_query_count_is_constant_in_the_rows(client, org, editor):
    forvaltninger = [UnitFactory(organisation=org, name=f"Forvaltning {i}") for i in range(3)]

    def add(count):
        for index in range(count):
            unit = forvaltninger[index % 3]
            usage = use(org, f"System {UsageFactory._meta.model.objects.count()}", unit,
                        kle_numbers=["27.12.04"], business_type="social",
                        using=[forvaltninger[(index + 1) % 3]])
            contract(org, "1000", usage)

    add(3)
    client.force_login(editor)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    add(20)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert len(response.context["analysis"].of_kind("system")) == 23
    assert len(many) == len(few)


def test_the_usage_list_filters_the_links_use(org, editor, world):
    def rows(**params):
        query = QueryDict(mutable=True)
        for key, value in params.items():
            query[key] = str(value)
        request = RequestFactory().get("/")
        request.user = editor
        filterset = SystemUsageFilterSet(
            query, queryset=SystemUsage.objects.visible_to(editor), request=request)
        assert filterset.is_valid(), filterset.errors
        return sorted(usage.system.name for usage in filterset.qs)

    # The same number, one above (00.05) and the retired one; never another organisation's.
    assert rows(kle_task="00.05.10") == ["Bred booking", "Gammel booking", "Lokalebooking"]
    assert rows(kle_task="00.05") == ["Bred booking", "Gammel booking", "Lokalebooking"]
    assert rows(kle_task="00") == ["Bred booking", "Gammel booking", "Lokalebooking"]
    assert rows(kle_task="81.01.02") == ["Løn 1", "Løn 2"]
    assert rows(kle_task="nonsense") == []
    # Responsible or using unit in the subtree.
    assert rows(used_within=world["teknik"].uuid) == ["Bred booking", "SBSYS"]
    assert rows(used_within=world["born"].uuid) == ["Lokalebooking"]
    assert rows(business_type="esdh") == ["SBSYS"]


def test_a_reader_sees_the_pages_and_cannot_post(client, world, reader):
    client.force_login(reader)
    for url in (URL, "/landskab/kle-daekning/"):
        assert client.get(url).status_code == 200
        assert client.post(url).status_code == 405
    html = client.get(reverse("landscape_home")).content.decode()
    assert reverse("landscape_duplicates") in html and reverse("kle_coverage") in html
