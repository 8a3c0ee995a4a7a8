"""The catalog, usage and integration lists (kitos/lists.py, portfolio/tables.py): the
shared list tests (tests/harness.py) for each, then each list's own filters."""

from __future__ import annotations

from tests import lists_support as support
from tests.factories import IntegrationFactory, ItSystemFactory, UnitFactory, UsageFactory
from tests.harness import ListViewTests
from tests.lists_support import hold_role
from tests.portfolio.cases import INTEGRATION, SYSTEM, USAGE


class TestSystemList(ListViewTests):
    case = SYSTEM


class TestUsageList(ListViewTests):
    case = USAGE


class TestIntegrationList(ListViewTests):
    case = INTEGRATION


def test_systems_filter_by_business_type(client, editor, org):
    ItSystemFactory(name="Økonomisystem", business_type="economy")
    ItSystemFactory(name="Journal", business_type="esdh")
    client.force_login(editor)
    response = client.get("/it-systemer/", {"business_type": "economy"})
    assert response.context["paginator"].count == 1
    assert "Økonomisystem" in support.row_labels(response)


def test_usages_filter_by_system_owner_and_subtree(client, editor, org):
    top = UnitFactory(organisation=org, name="Børn og Unge")
    below = UnitFactory(organisation=org, parent=top, name="Skoler")
    owned = UsageFactory(organisation=org, local_name="Med ejer", responsible_unit=below)
    hold_role(owned, "systemejer")
    UsageFactory(organisation=org, local_name="Uden ejer", responsible_unit=top)
    client.force_login(editor)
    response = client.get("/systemanvendelser/", {"has_system_owner": "false"})
    assert support.row_labels(response).startswith("Uden ejer")
    assert response.context["paginator"].count == 1
    response = client.get("/systemanvendelser/", {"within": str(below.uuid)})
    assert response.context["paginator"].count == 1
    assert "Med ejer" in support.row_labels(response)
    response = client.get("/systemanvendelser/", {"within": str(top.uuid)})
    assert response.context["paginator"].count == 2


def test_integrations_filter_by_interface_type(client, editor, org):
    IntegrationFactory(organisation=org, name="Via REST", interface_type="rest")
    IntegrationFactory(organisation=org, name="Via fil", interface_type="file")
    client.force_login(editor)
    response = client.get("/integrationer/", {"interface_type": "rest"})
    assert response.context["paginator"].count == 1
    assert "Via REST" in support.row_labels(response)
