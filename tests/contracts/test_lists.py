"""The contract and supplier lists (kitos/lists.py, contracts/tables.py)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from contracts import tables
from tests import lists_support as support
from tests.factories import ContractFactory, CoverageFactory, SupplierFactory
from tests.lists_support import ListCase, hold_role


def make_contract(org, label):
    contract = ContractFactory(organisation=org, name=label)
    CoverageFactory(contract=contract)
    hold_role(contract, "kontraktejer")
    hold_role(contract, "contract-manager")
    return contract


def make_supplier(org, label):
    supplier = SupplierFactory(name=label, is_local=True, owner_organisation=org)
    ContractFactory(organisation=org, supplier=supplier)
    return supplier


CASES = {
    "contracts": (ListCase("contract_list", make_contract), tables.CONTRACT_COLUMNS),
    "suppliers": (
        ListCase("supplier_list", make_supplier, shared_catalog=True), tables.SUPPLIER_COLUMNS
    ),
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


def test_contracts_filter_by_notice_deadline_and_status(client, editor, org):
    today = timezone.localdate()
    # Tacitly renewing contracts: notice must be given 3 months before the period ends.
    terms = {"start_date": datetime.date(2020, 1, 1), "renewal_months": 12}
    soon = ContractFactory(organisation=org, name="Snart",
                           expiry_date=today + datetime.timedelta(days=120), **terms)
    ContractFactory(organisation=org, name="Senere",
                    expiry_date=today + datetime.timedelta(days=900), **terms)
    client.force_login(editor)
    before = (today + datetime.timedelta(days=60)).isoformat()
    response = client.get("/kontrakter/", {"notice_deadline_before": before})
    assert [row["url"] for row in response.context["rows"]] == [
        f"/kontrakter/{soon.uuid}/"
    ]
    marked = response.context["rows"][0]["cells"][4]
    assert marked.state == "soon"
    response = client.get("/kontrakter/", {"status": "expired"})
    assert response.context["paginator"].count == 0


def test_suppliers_filter_by_country(client, editor, org):
    SupplierFactory(name="Svensk AB", country="SE")
    SupplierFactory(name="Dansk A/S", country="DK")
    client.force_login(editor)
    response = client.get("/leverandoerer/", {"country": "SE"})
    assert support.row_labels(response).startswith("Svensk AB")
    assert response.context["paginator"].count == 1
