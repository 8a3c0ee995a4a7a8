"""Global search: grouped by kind, scoped, bounded queries, Danish letters."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import (
    ContractFactory,
    ItSystemFactory,
    PersonFactory,
    ProcessingActivityFactory,
    SupplierFactory,
    UnitFactory,
    UsageFactory,
)
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def search(q):
    return f"{reverse('search')}?q={q}"


def test_login_required(client):
    response = client.get(search("skole"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_empty_and_one_letter_queries_search_nothing(client, reader,
                                                     django_assert_max_num_queries):
    client.force_login(reader)
    response = client.get(reverse("search"))
    assert response.status_code == 200 and response.context["groups"] == []
    response = client.get(search("a"))
    assert response.context["too_short"] is True
    assert "Skriv mindst to tegn." in response.content.decode()
    assert client.post(search("skole")).status_code == 405


def test_finds_every_kind_in_the_own_organisation_only(client, org, other_org, reader):
    supplier = SupplierFactory(name="Skolesystemer ApS")
    system = ItSystemFactory(name="Skoleintra", rights_holder=supplier)
    UsageFactory(organisation=org, system=system)
    ContractFactory(organisation=org, name="Skoleaftale", supplier=supplier)
    PersonFactory(organisation=org, name="Skole Søren")
    ProcessingActivityFactory(organisation=org, name="Skoleindskrivning")
    UnitFactory(organisation=org, name="Skoleafdelingen")
    ContractFactory(organisation=other_org, name="Skolekontrakt i nabokommunen")
    local = ItSystemFactory(name="Skole lokal", is_local=True, owner_organisation=other_org)
    client.force_login(reader)
    response = client.get(search("skole"))
    groups = {group.kind.key: group for group in response.context["groups"]}
    assert set(groups) == {"usages", "systems", "contracts", "suppliers", "persons",
                           "activities", "units"}
    assert groups["contracts"].total == 1
    assert [hit.obj.name for hit in groups["contracts"].hits] == ["Skoleaftale"]
    assert local not in [hit.obj for hit in groups["systems"].hits]
    html = response.content.decode()
    assert "nabokommunen" not in html
    assert f"{reverse('contract_list')}?q=skole&amp;organisation={org.uuid}" in html


def test_danish_letters(client, org, reader):
    UnitFactory(organisation=org, name="Børn og Unge")
    PersonFactory(organisation=org, name="Åse Ærø")
    client.force_login(reader)
    groups = client.get(search("børn")).context["groups"]
    assert [g.kind.key for g in groups] == ["units"]
    groups = client.get(search("ærø")).context["groups"]
    assert [hit.obj.name for g in groups for hit in g.hits] == ["Åse Ærø"]


def test_many_hits_are_counted_and_capped_with_constant_queries(client, org, reader):
    client.force_login(reader)
    ContractFactory.create_batch(5, organisation=org, name=factory_name())
    count_queries(client, search("rammeaftale"))
    few = count_queries(client, search("rammeaftale"))
    ContractFactory.create_batch(45, organisation=org, name=factory_name())
    response = client.get(search("rammeaftale"))
    group = response.context["groups"][0]
    assert group.total == 50 and len(group.hits) == 8 and group.more == 42
    assert count_queries(client, search("rammeaftale")) == few


def test_a_word_found_everywhere_is_counted_up_to_the_cap(client, org, reader, monkeypatch):
    """Counting every hit of a common word in a very large municipality would cost a
    count of thousands of rows on every search; beyond COUNT_CAP the page says "over"."""
    from overview import search as global_search

    monkeypatch.setattr(global_search, "COUNT_CAP", 10)
    client.force_login(reader)
    ContractFactory.create_batch(10, organisation=org, name=factory_name())
    group = client.get(search("rammeaftale")).context["groups"][0]
    assert (group.total, group.capped, group.total_text) == (10, False, "10")

    ContractFactory.create_batch(3, organisation=org, name=factory_name())
    response = client.get(search("rammeaftale"))
    group = response.context["groups"][0]
    assert (group.total, group.capped, len(group.hits)) == (10, True, 8)
    html = response.content.decode()
    assert "Over 10 resultater for »rammeaftale«" in html
    assert "Kontrakter <span class=\"muted\">(over 10)</span>" in html
    assert "Vis alle i listen" in html


def factory_name():
    import factory

    return factory.Sequence(lambda n: f"Rammeaftale {n}")
