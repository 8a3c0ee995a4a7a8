"""The chain contract → system → data → activities → processor → sub-processors →
countries (gdpr/chain.py) and its pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from contracts.models import ContractCoverage
from gdpr.chain import (
    ACTIVITY,
    ASSET,
    CATEGORY,
    CONTRACT,
    COUNTRY,
    PROCESSOR,
    SUB_PROCESSOR,
    USAGE,
    activity_chain,
    contract_chain,
    layout,
    usage_chain,
)
from gdpr.models import DataAssetUsage
from tests.factories import (
    AgreementFactory,
    ContractFactory,
    DataAssetFactory,
    DataCategoryFactory,
    ProcessingActivityFactory,
    SubProcessorFactory,
    SupplierFactory,
    UsageFactory,
)
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def build(org, *, systems=1, activities=1, subs=1, prefix=""):
    """A contract covering `systems` usages, each with a data asset, `activities`
    activities and an agreement with `subs` sub-processors (the last one in the US)."""
    contract = ContractFactory(organisation=org, name=f"{prefix}Kontrakt")
    supplier = SupplierFactory(name=f"{prefix}Databehandler A/S", country="DK")
    agreement = AgreementFactory(
        organisation=org, name=f"{prefix}DBA", processor=supplier, contract=contract
    )
    for n in range(subs):
        SubProcessorFactory(
            agreement=agreement,
            supplier=SupplierFactory(name=f"{prefix}Under {n}"),
            country="US" if n == subs - 1 else "DE",
            service="Hosting",
        )
    category = DataCategoryFactory(name=f"{prefix}Helbred", kind="sensitive")
    usages, all_activities = [], []
    for s in range(systems):
        usage = UsageFactory(organisation=org, local_name=f"{prefix}System {s}")
        ContractCoverage.objects.create(contract=contract, usage=usage, organisation=org)
        asset = DataAssetFactory(organisation=org, name=f"{prefix}Aktiv {s}")
        asset.categories.add(category)
        DataAssetUsage.objects.create(asset=asset, usage=usage, organisation=org)
        agreement.usages.add(usage)
        for a in range(activities):
            activity = ProcessingActivityFactory(
                organisation=org, name=f"{prefix}Behandling {s}-{a}"
            )
            activity.usages.add(usage)
            activity.data_categories.add(category)
            all_activities.append(activity)
        usages.append(usage)
    return contract, usages, all_activities, agreement


def labels(chain, level):
    return sorted(n.label for n in chain.nodes.values() if n.level == level)


class TestBuild:
    def test_the_contract_chain_has_every_level(self, org, reader):
        contract, usages, activities, agreement = build(org, subs=2)
        chain = contract_chain(reader, contract)
        assert labels(chain, CONTRACT) == ["Kontrakt"]
        assert labels(chain, USAGE) == ["System 0"]
        assert labels(chain, ASSET) == ["Aktiv 0"]
        assert labels(chain, CATEGORY) == ["Helbred"]
        assert labels(chain, ACTIVITY) == ["Behandling 0-0"]
        assert labels(chain, PROCESSOR) == ["Databehandler A/S"]
        assert labels(chain, SUB_PROCESSOR) == ["Under 0", "Under 1"]
        assert labels(chain, COUNTRY) == ["Danmark", "Tyskland", "USA"]
        third = {n.label for n in chain.nodes.values() if n.third_country}
        assert third == {"USA", "Under 1"}
        assert chain.has_third_country
        edges = {(chain.nodes[s].label, chain.nodes[t].label) for s, t in chain.edges}
        assert ("Kontrakt", "System 0") in edges
        assert ("System 0", "Aktiv 0") in edges
        assert ("Aktiv 0", "Helbred") in edges
        assert ("Helbred", "Behandling 0-0") in edges
        assert ("System 0", "Behandling 0-0") in edges
        assert ("System 0", "Databehandler A/S") in edges
        assert ("Databehandler A/S", "Under 1") in edges
        assert ("Under 1", "USA") in edges

    def test_the_activity_chain_holds_only_that_activity(self, org, reader):
        contract, usages, activities, _ = build(org, activities=2)
        chain = activity_chain(reader, activities[0])
        assert labels(chain, ACTIVITY) == ["Behandling 0-0"]
        assert labels(chain, CONTRACT) == ["Kontrakt"]
        assert [n.start for n in chain.nodes.values() if n.level == ACTIVITY] == [True]

    def test_an_activity_without_systems_is_a_chain_of_one(self, org, reader):
        activity = ProcessingActivityFactory(organisation=org, name="Alene")
        chain = activity_chain(reader, activity)
        assert labels(chain, ACTIVITY) == ["Alene"]
        assert len(chain.nodes) == 1
        diagram = layout(chain)
        assert len(diagram.empty) == 7

    def test_the_usage_chain_reaches_its_contracts(self, org, reader):
        contract, usages, _, _ = build(org, systems=2)
        chain = usage_chain(reader, usages[1])
        assert labels(chain, USAGE) == ["System 1"]
        assert labels(chain, CONTRACT) == ["Kontrakt"]
        assert labels(chain, ACTIVITY) == ["Behandling 1-0"]

    def test_another_organisations_objects_never_appear(self, org, other_org, reader):
        contract, usages, activities, agreement = build(org)
        # Links the database would refuse on PostgreSQL, made here anyway.
        foreign_activity = ProcessingActivityFactory(organisation=other_org, name="Fremmed")
        foreign_activity.usages.add(usages[0])
        foreign_agreement = AgreementFactory(organisation=other_org, name="Fremmed DBA")
        foreign_agreement.usages.add(usages[0])
        foreign_asset = DataAssetFactory(organisation=other_org, name="Fremmed aktiv")
        activities[0].data_assets.add(foreign_asset)
        for chain in (contract_chain(reader, contract), usage_chain(reader, usages[0]),
                      activity_chain(reader, activities[0])):
            names = " ".join(n.label + n.detail for n in chain.nodes.values())
            assert "Fremmed" not in names


class TestJoinedReads:
    """What the builder reads together: the assets of the usages and of the activities,
    the categories of the activities and of the assets, the agreements with their
    sub-processors."""

    def test_an_agreement_without_sub_processors_is_in_the_chain(self, org, reader):
        contract, usages, _, _ = build(org, subs=0)
        chain = usage_chain(reader, usages[0])
        assert labels(chain, PROCESSOR) == ["Databehandler A/S"]
        assert labels(chain, SUB_PROCESSOR) == []
        assert labels(chain, COUNTRY) == ["Danmark"]

    def test_every_sub_processor_under_its_own_agreement(self, org, reader):
        contract, usages, _, first = build(org, subs=2)
        second = AgreementFactory(organisation=org, name="Anden DBA", contract=contract,
                                  processor=SupplierFactory(name="Anden A/S", country="SE"))
        SubProcessorFactory(agreement=second, supplier=SupplierFactory(name="Anden under"),
                            country="IN", service="")
        AgreementFactory(organisation=org, name="Tom DBA", contract=contract,
                         processor=SupplierFactory(name="Tom A/S", country="DK"))
        chain = contract_chain(reader, contract)
        assert labels(chain, PROCESSOR) == ["Anden A/S", "Databehandler A/S", "Tom A/S"]
        edges = {(chain.nodes[s].label, chain.nodes[t].label) for s, t in chain.edges}
        assert {(a, b) for a, b in edges if b.startswith(("Under", "Anden under"))} == {
            ("Databehandler A/S", "Under 0"), ("Databehandler A/S", "Under 1"),
            ("Anden A/S", "Anden under")}
        node = next(n for n in chain.nodes.values() if n.label == "Anden under")
        assert node.detail == "Indien" and node.third_country
        assert node.url == reverse("dataprocessingagreement_detail", args=[second.uuid])

    def test_the_categories_and_assets_of_activities_and_of_systems(self, org, reader):
        contract, usages, activities, _ = build(org)
        own = DataAssetFactory(organisation=org, name="Eget aktiv")
        own.categories.add(DataCategoryFactory(name="Navn", kind="ordinary"))
        activities[0].data_assets.add(own)
        activities[0].data_categories.add(DataCategoryFactory(name="CPR", kind="cpr"))
        chain = activity_chain(reader, activities[0])
        assert labels(chain, ASSET) == ["Aktiv 0", "Eget aktiv"]
        assert labels(chain, CATEGORY) == ["CPR", "Helbred", "Navn"]
        edges = {(chain.nodes[s].label, chain.nodes[t].label) for s, t in chain.edges}
        assert {("System 0", "Aktiv 0"), ("Aktiv 0", "Helbred"), ("Eget aktiv", "Navn"),
                ("Eget aktiv", "Behandling 0-0"), ("Helbred", "Behandling 0-0"),
                ("CPR", "Behandling 0-0")} <= edges
        assert ("System 0", "Eget aktiv") not in edges


class TestQueries:
    def test_a_chain_with_every_level_is_seven_queries_at_most(self, org, reader):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        contract, usages, activities, _ = build(org, systems=3, activities=2, subs=3)
        activities[0].data_assets.add(DataAssetFactory(organisation=org, name="Eget"))
        counts = {}
        for build_chain, start in ((contract_chain, contract), (usage_chain, usages[0]),
                                   (activity_chain, activities[0])):
            with CaptureQueriesContext(connection) as queries:
                build_chain(reader, start)
            counts[build_chain.__name__] = len(queries)
        # The usages (from an activity), the coverage, the activities and agreements
        # using the usages, the data assets, the activities, the categories, the
        # agreements with their sub-processors.
        assert counts == {"contract_chain": 6, "usage_chain": 6, "activity_chain": 7}

    def test_queries_do_not_grow_with_the_chain(self, org, client, reader):
        client.force_login(reader)
        small = build(org, prefix="a")
        large = build(org, systems=8, activities=4, subs=6, prefix="b")
        for index, name in ((0, "contract_chain"),):
            urls = [reverse(name, args=[small[index].uuid]),
                    reverse(name, args=[large[index].uuid])]
            assert count_queries(client, urls[0]) == count_queries(client, urls[1])
        assert count_queries(
            client, reverse("usage_chain", args=[small[1][0].uuid])
        ) == count_queries(client, reverse("usage_chain", args=[large[1][0].uuid]))
        assert count_queries(
            client, reverse("activity_chain", args=[small[2][0].uuid])
        ) == count_queries(client, reverse("activity_chain", args=[large[2][0].uuid]))


def chain_urls(contract, usages, activities):
    return [
        reverse("contract_chain", args=[contract.uuid]),
        reverse("usage_chain", args=[usages[0].uuid]),
        reverse("activity_chain", args=[activities[0].uuid]),
    ]


class TestPages:
    def test_anonymous_is_sent_to_login(self, client, org):
        contract, usages, activities, _ = build(org)
        for url in chain_urls(contract, usages, activities):
            response = client.get(url)
            assert response.status_code == 302
            assert response.url.startswith(reverse("login"))

    def test_other_organisation_is_404(self, client, org, outsider):
        contract, usages, activities, _ = build(org)
        client.force_login(outsider)
        for url in chain_urls(contract, usages, activities):
            assert client.get(url).status_code == 404

    def test_reader_sees_diagram_and_table_without_write_actions(self, client, org, reader):
        contract, usages, activities, agreement = build(org)
        client.force_login(reader)
        for url in chain_urls(contract, usages, activities):
            response = client.get(url)
            assert response.status_code == 200
            html = response.content.decode()
            assert "<svg" in html and 'class="data chain-table"' in html
            assert "Under 0" in html and "USA" in html
            assert "Kæden når et tredjeland" in html
            assert reverse("dataprocessingagreement_detail", args=[agreement.uuid]) in html
            assert 'method="post"' not in html.split('<main id="main"')[1]

    def test_editor_sees_the_chain(self, client, org, editor):
        contract, usages, activities, _ = build(org)
        client.force_login(editor)
        assert client.get(chain_urls(contract, usages, activities)[0]).status_code == 200

    def test_post_is_not_allowed(self, client, org, editor):
        contract, usages, activities, _ = build(org)
        client.force_login(editor)
        assert client.post(chain_urls(contract, usages, activities)[0]).status_code == 405


class TestReach:
    """The chain is reached from the pages of the objects it starts from, and a long
    name is wrapped in its box, never cut off."""

    def test_contract_usage_and_activity_pages_link_to_their_chain(self, client, org, reader):
        from kitos.links import object_url

        contract, usages, activities, _ = build(org)
        client.force_login(reader)
        for obj, url in zip(
            (contract, usages[0], activities[0]), chain_urls(contract, usages, activities),
            strict=True,
        ):
            html = client.get(object_url(obj)).content.decode()
            assert f'href="{url}"' in html, obj
            assert client.get(url).status_code == 200

    def test_a_tab_swap_does_not_repeat_the_link(self, client, org, reader):
        from kitos.links import object_url

        contract, usages, activities, _ = build(org)
        client.force_login(reader)
        response = client.get(f"{object_url(contract)}?tab=oversigt", HTTP_HX_REQUEST="true")
        assert reverse("contract_chain", args=[contract.uuid]) not in response.content.decode()

    def test_long_names_wrap_instead_of_being_cut(self, client, org, reader):
        long_name = "Fælles Sammenhængende Borgeroverblik for Socialområdet og Beskæftigelse"
        contract, usages, activities, _ = build(org)
        usages[0].local_name = long_name
        usages[0].save()
        chain = usage_chain(reader, usages[0])
        node = next(n for n in chain.nodes.values() if n.level == USAGE)
        assert len(node.label_lines) > 1
        assert " ".join(node.label_lines) == long_name
        assert all(len(line) <= 19 for line in node.label_lines)
        diagram = layout(chain)
        assert node.height > 44 and diagram.height >= node.y + node.height
        below = [n for n in chain.nodes.values() if n.level == USAGE and n.row > node.row]
        assert all(n.y >= node.y + node.height for n in below)
        client.force_login(reader)
        html = client.get(reverse("usage_chain", args=[usages[0].uuid])).content.decode()
        svg = html.split("<svg")[1].split("</svg>")[0]
        assert "…" not in svg
        for line in node.label_lines:
            assert f">{line}</text>" in svg
