"""The catalog, usage and integration lists (kitos/lists.py, portfolio/tables.py)."""

from __future__ import annotations

import pytest

from portfolio import tables
from tests import lists_support as support
from tests.factories import (
    CoverageFactory,
    IntegrationFactory,
    ItSystemFactory,
    UnitFactory,
    UsageFactory,
)
from tests.lists_support import ListCase, hold_role


def make_system(org, label):
    system = ItSystemFactory(name=label, is_local=True, owner_organisation=org)
    UsageFactory(organisation=org, system=system)
    return system


def make_usage(org, label):
    usage = UsageFactory(organisation=org, local_name=label,
                         responsible_unit=UnitFactory(organisation=org))
    usage.using_units.add(usage.responsible_unit, through_defaults={"organisation": org})
    hold_role(usage, "systemejer")
    hold_role(usage, "systemansvarlig")
    CoverageFactory(usage=usage, contract__organisation=org)
    return usage


def make_integration(org, label):
    return IntegrationFactory(organisation=org, name=label)


CASES = {
    "systems": (
        ListCase("system_list", make_system, shared_catalog=True), tables.SYSTEM_COLUMNS
    ),
    "usages": (ListCase("usage_list", make_usage), tables.USAGE_COLUMNS),
    "integrations": (ListCase("integration_list", make_integration), tables.INTEGRATION_COLUMNS),
}


@pytest.fixture(params=list(CASES))
def case(request):
    return CASES[request.param]


def test_anonymous_is_sent_to_login(client, db, case):
    support.check_anonymous_redirected(client, case[0])


def test_other_organisation_rows_never_appear(client, editor, org, other_org, case):
    support.check_other_organisation_hidden(client, editor, org, other_org, case[0])


def test_reader_sees_no_create_button(client, reader, editor, org, case):
    support.check_create_button(client, reader, editor, org, case[0])


def test_query_count_is_the_same_for_5_and_50_rows(client, editor, org, case):
    list_case, columns = case
    support.check_query_count_constant(client, editor, org, list_case, columns)


def test_search_and_export_hold_exactly_the_filtered_rows(client, editor, org, case):
    support.check_search_and_export(client, editor, org, case[0])


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
