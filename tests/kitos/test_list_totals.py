"""Totals of list pages (kitos/lists.py ``Column.total``, ``ListView.totals``): the sums
of all filtered rows (not just the page) in the table's footer, from one aggregate query
that also gives the paginator its count."""

from __future__ import annotations

from decimal import Decimal

from contracts import tables
from contracts.choices import ContractStatus
from contracts.models import Contract
from tests import lists_support as support
from tests.factories import ContractFactory, SupplierFactory
from tests.helpers import count_queries


def _footer(response) -> dict:
    footer = response.context["footer"]
    keys = [column.key for column in response.context["view"].chosen_columns()]
    return {
        "label": str(footer["label"]),
        **{key: cell.value for key, cell in zip(keys, footer["cells"], strict=True) if cell},
    }


def _contracts(org, count, *, status=ContractStatus.ACTIVE, start=1, supplier=None):
    return [
        ContractFactory(organisation=org, status=status, supplier=supplier,
                        yearly_cost=Decimal(1000 * (start + i)))
        for i in range(count)
    ]


def test_totals_are_of_all_filtered_rows_not_the_page(client, editor, org):
    supplier = SupplierFactory()
    active = _contracts(org, 30, supplier=supplier)
    _contracts(org, 4, start=100, supplier=SupplierFactory())
    client.force_login(editor)
    response = client.get("/kontrakter/", {"supplier": str(supplier.uuid), "page": 2})
    assert response.status_code == 200
    assert len(response.context["rows"]) == 5  # page 2 of 25 per page
    footer = _footer(response)
    assert footer["yearly_cost"] == sum(contract.yearly_cost for contract in active)
    assert footer["label"] == "I alt (30 kontrakter)"
    assert response.context["paginator"].count == 30
    content = response.content.decode()
    assert "<tfoot>" in content
    assert "I alt (30 kontrakter)" in content
    assert "465.000" in content  # Danish thousands separator, as the cells have it


def test_totals_follow_htmx_reloads_and_one_row(client, editor, org):
    _contracts(org, 1)
    client.force_login(editor)
    response = client.get("/kontrakter/", headers={"HX-Request": "true"})
    assert response.templates[0].name == "kitos/_list_results.html"
    assert _footer(response)["label"] == "I alt (1 kontrakt)"
    assert "I alt (1 kontrakt)" in response.content.decode()


def test_other_organisations_rows_are_never_in_the_totals(client, editor, org, other_org):
    mine = _contracts(org, 3)
    _contracts(other_org, 5, start=50)
    client.force_login(editor)
    footer = _footer(client.get("/kontrakter/"))
    assert footer["yearly_cost"] == sum(contract.yearly_cost for contract in mine)
    assert footer["label"] == "I alt (3 kontrakter)"
    # Asking for the other organisation's rows gives nothing, not their sum.
    response = client.get("/kontrakter/", {"organisation": str(other_org.uuid)})
    assert response.context["paginator"].count == 0
    assert "<tfoot>" not in response.content.decode()


def test_readers_see_totals(client, reader, org):
    _contracts(org, 2)
    client.force_login(reader)
    footer = _footer(client.get("/kontrakter/"))
    assert footer["yearly_cost"] == Decimal(3000)


def test_count_columns_are_summed_too(client, editor, org):
    # The supplier list's contract count sums the per-row counts (a subquery annotation).
    first, second = SupplierFactory(name="Første"), SupplierFactory(name="Anden")
    _contracts(org, 2, supplier=first)
    _contracts(org, 3, supplier=second)
    client.force_login(editor)
    response = client.get("/leverandoerer/", {"q": ""}, follow=True)  # cleaned URL
    assert _footer(response)["contract_count"] == 5


def test_hidden_columns_are_not_totalled(client, editor, org):
    _contracts(org, 2)
    client.force_login(editor)
    response = client.get("/kontrakter/")
    # Anskaffelsespris is a totalled column that is hidden by default.
    assert "total_acquisition_cost" not in response.context["view"].totals(
        Contract.objects.all(), response.context["view"].chosen_columns())


def test_query_count_is_the_same_for_1_and_1000_rows_totals_included(client, editor, org):
    case = support.ListCase("contract_list", make=None)
    support.show_all_columns(editor, case, tables.CONTRACT_COLUMNS)
    client.force_login(editor)
    url = "/kontrakter/?page_size=100&sort=-yearly_cost"
    supplier = SupplierFactory()
    _contracts(org, 1, supplier=supplier)
    one = count_queries(client, url)
    Contract.objects.bulk_create(
        ContractFactory.build(organisation=org, supplier=supplier, yearly_cost=Decimal(i))
        for i in range(999)
    )
    response = client.get(url)
    assert response.context["paginator"].count == 1000
    assert _footer(response)["yearly_cost"] == Decimal(1000) + sum(range(999))
    assert count_queries(client, url) == one
