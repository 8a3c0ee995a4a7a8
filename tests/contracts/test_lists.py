"""The contract and supplier lists (kitos/lists.py, contracts/tables.py): the shared list
tests (tests/harness.py) for each, then each list's own filters."""

from __future__ import annotations

import datetime

from django.utils import timezone

from tests import lists_support as support
from tests.contracts.cases import CONTRACT, SUPPLIER
from tests.factories import ContractFactory, SupplierFactory
from tests.harness import ListViewTests


class TestContractList(ListViewTests):
    case = CONTRACT


class TestSupplierList(ListViewTests):
    case = SUPPLIER


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
