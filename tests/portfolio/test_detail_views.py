"""Detail pages of system usages, catalog systems and integrations (tabs, access,
constant query counts)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from gdpr.models import DataAssetUsage
from tests.detail_helpers import add_history, tab_url
from tests.factories import (
    ContractFactory,
    CoverageFactory,
    DataAssetFactory,
    IntegrationFactory,
    RoleAssignmentFactory,
    UsageFactory,
)
from tests.harness import DetailViewTests
from tests.portfolio.cases import INTEGRATION, SYSTEM, USAGE

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


class TestUsageDetail(DetailViewTests):
    case = USAGE


class TestSystemDetail(DetailViewTests):
    case = SYSTEM


class TestIntegrationDetail(DetailViewTests):
    case = INTEGRATION


class TestUsageTabs:
    def test_tabs_show_contracts_data_roles_and_integrations(self, client, org, reader):
        usage = UsageFactory(organisation=org, local_name="Opus Løn")
        contract = ContractFactory(organisation=org, name="Lønkontrakt")
        CoverageFactory(usage=usage, contract=contract, is_main=True)
        holder = RoleAssignmentFactory(target=usage, person__name="Sara Systemejer")
        RoleAssignmentFactory(
            target=usage, person__name="Tidligere Ejer", role_type=holder.role_type,
            start_date=TODAY - datetime.timedelta(days=100),
            end_date=TODAY - datetime.timedelta(days=1),
        )
        asset = DataAssetFactory(organisation=org, name="Lønsedler")
        DataAssetUsage.objects.create(asset=asset, usage=usage)
        IntegrationFactory(organisation=org, source=usage, name="Løn til økonomi")
        client.force_login(reader)
        contracts = client.get(tab_url(usage, "kontrakter")).content.decode()
        assert "Lønkontrakt" in contracts and "Hovedkontrakt" in contracts
        assert reverse("contract_detail", args=[contract.uuid]) in contracts
        roles = client.get(tab_url(usage, "roller")).content.decode()
        assert "Sara Systemejer" in roles and "Tidligere Ejer" in roles
        assert roles.index("Sara Systemejer") < roles.index("Tidligere")
        assert "Lønsedler" in client.get(tab_url(usage, "data")).content.decode()
        integrations = client.get(tab_url(usage, "integrationer")).content.decode()
        assert "Løn til økonomi" in integrations

    def test_overview_names_the_holders(self, client, org, reader):
        usage = UsageFactory(organisation=org)
        RoleAssignmentFactory(target=usage, person__name="Sara Systemejer")
        client.force_login(reader)
        assert "Sara Systemejer" in client.get(tab_url(usage, "overblik")).content.decode()

    def test_editor_sees_the_assign_role_button(self, client, org, editor):
        usage = UsageFactory(organisation=org)
        client.force_login(editor)
        html = client.get(tab_url(usage, "roller")).content.decode()
        assert reverse("roleassignment_create", args=["system_usage", usage.uuid]) in html

    def test_history_shows_field_differences_newest_first(self, client, org, editor):
        from portfolio.services import usage_update

        usage = UsageFactory(organisation=org, lifecycle="planned")
        usage_update(actor=editor, usage=usage, data={"lifecycle": "operational"})
        usage_update(actor=editor, usage=usage, data={"version": "2.0"})
        client.force_login(editor)
        html = client.get(tab_url(usage, "historik")).content.decode()
        assert "Livscyklus" in html and "Planlagt" in html and "I drift" in html
        assert html.index("2.0") < html.index("Planlagt")  # newest first

    def test_history_is_paginated(self, client, org, reader):
        usage = UsageFactory(organisation=org)
        add_history(usage, 30)
        client.force_login(reader)
        response = client.get(tab_url(usage, "historik"))
        assert len(response.context["history"]) == 25
        assert "side=2" in response.content.decode()
        assert len(client.get(tab_url(usage, "historik") + "&side=2").context["history"]) == 5


def test_gaps_of_the_object_are_shown_above_the_tabs(client, org, editor):
    from roles.models import RoleType

    usage = UsageFactory(organisation=org, lifecycle="operational")
    client.force_login(editor)
    html = client.get(tab_url(usage, "overblik")).content.decode()
    assert "System uden systemejer" in html
    assert reverse("systemusage_update", args=[usage.uuid]) in html.split('id="detail-tabs"')[0]
    owner = RoleType.objects.get(organisation=None, applies_to="system_usage", code="systemejer")
    RoleAssignmentFactory(target=usage, role_type=owner)
    assert "System uden systemejer" not in client.get(tab_url(usage, "overblik")).content.decode()


class TestCatalogUsageCount:
    """The catalog entry's Anvendelser tab counts the organisations on the whole
    installation that use the system, and names only the user's own."""

    def test_counts_every_organisation_and_names_only_the_users(self, client, org, reader):
        from tests.factories import ItSystemFactory, OrganisationFactory

        system = ItSystemFactory(name="Fælles fagsystem")
        UsageFactory(organisation=org, system=system, local_name="Vores fagsystem")
        hidden = [OrganisationFactory(name=f"Skjult Kommune {n}") for n in range(3)]
        for other in hidden[:2]:
            UsageFactory(organisation=other, system=system)
        UsageFactory(organisation=hidden[2], system=system, lifecycle="retired")
        UsageFactory(organisation=hidden[0])  # another system: not counted
        client.force_login(reader)
        response = client.get(tab_url(system, "anvendelser"))
        assert response.status_code == 200
        text = response.content.decode()
        assert "4 organisationer på installationen har registreret" in text
        assert "heraf 3 med systemet i drift" in text
        assert "Navnene på 3 organisationer, du ikke er medlem af, vises ikke." in text
        assert "Vores fagsystem" in text and org.name in text
        assert "Skjult Kommune" not in text

    def test_a_system_nobody_uses(self, client, org, reader):
        from tests.factories import ItSystemFactory

        system = ItSystemFactory()
        client.force_login(reader)
        text = client.get(tab_url(system, "anvendelser")).content.decode()
        assert "0 organisationer på installationen har registreret" in text
        assert "vises ikke" not in text

    def test_one_aggregate_query_however_many_organisations(self, client, org, reader):
        from tests.factories import ItSystemFactory, OrganisationFactory
        from tests.helpers import count_queries

        system = ItSystemFactory()
        UsageFactory(organisation=org, system=system)
        client.force_login(reader)
        url = tab_url(system, "anvendelser")
        count_queries(client, url)
        few = count_queries(client, url)
        for n in range(20):
            UsageFactory(organisation=OrganisationFactory(name=f"K{n}"), system=system)
        assert count_queries(client, url) == few
