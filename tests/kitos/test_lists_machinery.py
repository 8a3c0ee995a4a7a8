"""The shared list machinery (kitos/lists.py), exercised through the contract list:
sorting, pagination, invalid filters, remembered columns, htmx partials and links from
dashboards with filters the panel does not show."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from kitos.lists import Column, _deadline_state
from kitos.models import ListPreference
from tests.factories import ContractFactory, UnitFactory, UsageFactory

URL = "/kontrakter/"


@pytest.fixture
def contracts(org):
    return [
        ContractFactory(organisation=org, name=name, yearly_cost=Decimal(cost))
        for name, cost in (("Bravo", "300"), ("Alfa", "100"), ("Charlie", "200"))
    ]


def names(response) -> list[str]:
    return [str(row["cells"][0].value) for row in response.context["rows"]]


def test_sorting_by_a_column_header_both_ways(client, editor, contracts):
    client.force_login(editor)
    response = client.get(URL)
    assert names(response) == ["Alfa", "Bravo", "Charlie"]  # default: the first column
    response = client.get(URL, {"sort": "yearly_cost"})
    assert names(response) == ["Alfa", "Charlie", "Bravo"]
    header = next(h for h in response.context["headers"] if h["column"].key == "yearly_cost")
    assert header["aria_sort"] == "ascending"
    assert header["sort_param"] == "-yearly_cost"  # clicking again sorts descending
    assert 'aria-sort="ascending"' in response.content.decode()
    response = client.get(URL, {"sort": "-yearly_cost"})
    assert names(response) == ["Bravo", "Charlie", "Alfa"]


def test_unknown_or_unsortable_sort_keys_fall_back_to_the_default(client, editor, contracts):
    client.force_login(editor)
    for key in ("password", "-contract_owner", "organisation__memberships__user"):
        response = client.get(URL, {"sort": key})
        assert response.status_code == 200
        assert names(response) == ["Alfa", "Bravo", "Charlie"]


def test_equal_values_keep_one_order_across_pages(client, editor, org):
    for i in range(30):
        ContractFactory(organisation=org, name=f"K{i:02d}", yearly_cost=Decimal("5"))
    client.force_login(editor)
    first = names(client.get(URL, {"sort": "yearly_cost"}))
    second = names(client.get(URL, {"sort": "yearly_cost", "page": 2}))
    assert len(first) == 25 and len(second) == 5
    assert not set(first) & set(second)


def test_pagination_with_page_size_choice(client, editor, org):
    for i in range(60):
        ContractFactory(organisation=org, name=f"Kontrakt {i:02d}")
    client.force_login(editor)
    response = client.get(URL, {"page": 3})
    assert "51–60 af 60 rækker" in response.content.decode()
    response = client.get(URL, {"page_size": 50, "page": 2})
    assert len(response.context["rows"]) == 10
    assert "51–60 af 60 rækker" in response.content.decode()
    for bad in ({"page": "x"}, {"page": 99}, {"page_size": 7}, {"page_size": "alle"}):
        assert client.get(URL, bad).status_code == 200
    assert len(client.get(URL, {"page_size": 7}).context["rows"]) == 25


def test_invalid_filter_values_show_a_message_not_an_error(client, editor, contracts):
    client.force_login(editor)
    for bad in (
        {"notice_deadline_after": "i morgen"},
        {"supplier": "ikke-et-id"},
        {"status": "forsvundet"},
        {"changed_since": "+19:03"},
    ):
        response = client.get(URL, bad)
        assert response.status_code == 400
        assert response.context["rows"] == []
        assert "Et eller flere filtre er ugyldige" in response.content.decode()
    response = client.get(URL, {"status": "forsvundet", "format": "xlsx"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_columns_are_chosen_remembered_and_reset(client, editor, contracts):
    client.force_login(editor)
    response = client.post(f"{URL}?status=active",
                           {"columns": ["name", "contract_number", "nonsense"]})
    assert response.status_code == 302
    assert response.url == f"{URL}?status=active"  # back to the same filtered list
    preference = ListPreference.objects.get(user=editor, list_key="contract_list")
    assert preference.columns == ["name", "contract_number"]
    response = client.get(URL)
    assert [h["column"].key for h in response.context["headers"]] == ["name", "contract_number"]
    assert "K-" in response.content.decode()  # the contract numbers are shown

    # Keys saved by an older version are ignored; with none left, the defaults apply.
    preference.columns = ["removed_column"]
    preference.save()
    keys = [h["column"].key for h in client.get(URL).context["headers"]]
    assert keys[:3] == ["name", "supplier", "status"]

    client.post(URL, {"action": "reset"})
    assert not ListPreference.objects.filter(user=editor).exists()


def test_ticking_no_column_keeps_the_saved_choice(client, editor, contracts):
    client.force_login(editor)
    client.post(URL, {"columns": ["name"]})
    client.post(URL, {"columns": []})
    assert ListPreference.objects.get(user=editor).columns == ["name"]


def test_a_reader_may_choose_columns_but_sees_no_create_button(client, reader, contracts):
    client.force_login(reader)
    response = client.get(URL)
    assert response.context["create_url"] is None
    assert "Ny kontrakt" not in response.content.decode()
    assert client.post(URL, {"columns": ["name"]}).status_code == 302


def test_htmx_requests_get_the_results_partial(client, editor, contracts):
    client.force_login(editor)
    response = client.get(URL, {"sort": "-name"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert "<html" not in content
    assert 'id="list-results"' in content
    assert 'hx-swap-oob="true"' in content  # the panel keeps the new sort order
    assert 'name="sort" value="-name"' in content
    assert "HX-Request" in response["Vary"]
    # Restoring history after a cache miss needs the whole page.
    response = client.get(URL, headers={"HX-Request": "true",
                                        "HX-History-Restore-Request": "true"})
    assert "<html" in response.content.decode()


def test_filters_from_a_dashboard_link_are_named_and_kept(client, editor, org):
    top = UnitFactory(organisation=org, name="Børn og Unge")
    UsageFactory(organisation=org, responsible_unit=top)
    UsageFactory(organisation=org)
    client.force_login(editor)
    # The exact unit: the panel offers "the unit or one below it" instead.
    response = client.get("/systemanvendelser/", {"responsible_unit": str(top.uuid)})
    assert response.context["paginator"].count == 1
    kept = response.context["kept_filters"]
    assert [k["key"] for k in kept] == ["responsible_unit"]
    assert kept[0]["remove_url"] == "/systemanvendelser/?"
    content = response.content.decode()
    assert f'type="hidden" name="responsible_unit" value="{top.uuid}"' in content
    # Named by the unit's name, not its id.
    assert [(c["label"], c["value"]) for c in response.context["chips"]] == [
        ("Ansvarlig enhed", "Børn og Unge")]


def test_the_filter_panel_is_the_filtersets(client, editor, contracts):
    client.force_login(editor)
    response = client.get(URL, {"status": ["active", "future"], "notice_deadline_after":
                                "2027-01-01"})
    panel = {entry.name: entry for entry in response.context["panel"]}
    assert panel["status"].widget == "checkboxes"
    assert panel["status"].selected == ("active", "future")
    assert panel["notice_deadline"].widget == "daterange"
    assert panel["notice_deadline"].after == "2027-01-01"
    assert panel["supplier"].widget == "select"
    assert "changed_since" not in panel  # for sync clients, not people
    content = response.content.decode()
    assert '<label for="filter-q">' in content
    assert '<label for="filter-notice_deadline-after">' in content


def test_cells_resolve_paths_choices_and_deadlines(db):
    today = datetime.date(2026, 11, 22)
    contract = ContractFactory.build(name="X", status="in_notice", supplier=None)
    assert Column("s", "S", "get_status_display").cell(contract, today).value == "I opsigelse"
    assert Column("n", "N", "supplier.name").cell(contract, today).value is None
    assert _deadline_state("deadline", today - datetime.timedelta(days=1), today) == "overdue"
    assert _deadline_state("deadline", today + datetime.timedelta(days=90), today) == "soon"
    assert _deadline_state("deadline", today + datetime.timedelta(days=91), today) is None
    assert _deadline_state("date", today, today) is None
