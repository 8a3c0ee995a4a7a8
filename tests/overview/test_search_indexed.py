"""Global search at scale: on PostgreSQL its condition is the indexed form (trigram GIN
indexes, ``= ANY(ARRAY(...))`` for related names), and it finds exactly what the lists'
own search finds, on PostgreSQL and on SQLite alike; long searches are shortened with a
message."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from contracts.filtersets import ContractFilterSet
from contracts.models import Contract
from overview import search as global_search
from tests.factories import (
    ContractFactory,
    ItSystemFactory,
    PersonFactory,
    SupplierFactory,
    UnitFactory,
    UsageFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio(org, other_org):
    """Names where the words sit at the start, the middle, in other casings, with Danish
    letters, in a related row (the supplier) or only in another organisation."""
    skolesoft = SupplierFactory(name="Skolesoft ApS")
    other = SupplierFactory(name="Økonomihuset A/S")
    ContractFactory(organisation=org, name="Licens til elevplan", supplier=skolesoft)
    ContractFactory(organisation=org, name="Drift af SKOLEPORTAL", supplier=other)
    ContractFactory(organisation=org, name="Rammeaftale økonomi", supplier=other,
                    contract_number="ØK-2024-7")
    ContractFactory(organisation=org, name="Ærø færgebooking", supplier=None)
    ContractFactory(organisation=org, name="Vinterbekæmpelse", contract_number="SKOLE-9",
                    supplier=other)
    ContractFactory(organisation=other_org, name="Skolekontrakt i nabokommunen",
                    supplier=skolesoft)
    UsageFactory(organisation=org, system=ItSystemFactory(name="Skoleintra",
                                                          rights_holder=skolesoft))
    PersonFactory(organisation=org, name="Søren Skolegaard")
    UnitFactory(organisation=org, name="Skoler og SFO")


EXPECTED_CONTRACTS = {
    "skole": {"Licens til elevplan", "Drift af SKOLEPORTAL", "Vinterbekæmpelse"},
    "ØKONOMI": {"Drift af SKOLEPORTAL", "Rammeaftale økonomi", "Vinterbekæmpelse"},
    "øk 2024": {"Rammeaftale økonomi"},
    "ærø": {"Ærø færgebooking"},
    "skole drift": {"Drift af SKOLEPORTAL"},
    "ingenting": set(),
}


@pytest.mark.parametrize("query", list(EXPECTED_CONTRACTS))
def test_finds_what_the_contract_list_finds(client, org, reader, portfolio, query):
    """The same rows on either database: the expected names are fixed, and they are the
    contract list's own search's."""
    client.force_login(reader)
    groups = client.get(reverse("search"), {"q": query}).context["groups"]
    found = {hit.obj.name for group in groups if group.kind.key == "contracts"
             for hit in group.hits}
    assert found == EXPECTED_CONTRACTS[query]
    listed = ContractFilterSet({"q": query}, queryset=Contract.objects.filter(organisation=org))
    assert {c.name for c in listed.qs} == found


def test_every_kind_agrees_with_its_list(client, org, reader, portfolio):
    client.force_login(reader)
    groups = client.get(reverse("search"), {"q": "skole"}).context["groups"]
    for group in groups:
        kind = group.kind
        queryset = kind.model.objects.visible_to(reader)
        params = {"q": "skole"}
        if kind.per_organisation:
            queryset = queryset.filter(organisation=org)
        listed = kind.filterset_class(params, queryset=queryset).qs
        assert {hit.obj.pk for hit in group.hits} == {row.pk for row in listed}, kind.key
        assert group.total == listed.count(), kind.key
    assert {group.kind.key for group in groups} == {
        "usages", "systems", "contracts", "suppliers", "persons", "units"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes")
def test_postgresql_serves_the_contract_search_from_indexes(org, portfolio):
    condition = global_search._indexed_search(
        Contract, ContractFilterSet.search_fields, ["skole"])
    queryset = Contract.objects.filter(condition).order_by()
    with connection.cursor() as cursor:
        # A test table is tiny, so the planner would rightly read it whole: forbidding
        # that shows the indexes can serve every branch of the condition.
        cursor.execute("SET enable_seqscan = off")
        try:
            plan = queryset.explain()
        finally:
            cursor.execute("SET enable_seqscan = on")
    assert "contract_name_trgm" in plan
    assert "contract_number_trgm" in plan
    assert "supplier_id = ANY" in plan and "BitmapOr" in plan
    assert {c.name for c in queryset.filter(organisation=org)} == EXPECTED_CONTRACTS["skole"]


def test_long_searches_are_shortened_with_a_message(client, org, reader, portfolio):
    client.force_login(reader)
    words = " ".join(f"ord{n}" for n in range(20))
    response = client.get(reverse("search"), {"q": f"skole {words}"})
    assert response.status_code == 200
    assert response.context["query"].split() == ["skole"] + [f"ord{n}" for n in range(7)]
    assert "Søgningen er forkortet" in response.content.decode()
    response = client.get(reverse("search"), {"q": "skole"})
    assert "Søgningen er forkortet" not in response.content.decode()
