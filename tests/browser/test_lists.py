"""An editor works with the contract list in a real browser: keyboard to the filters,
filter, sort, choose columns and export the filtered rows to Excel."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from tests.factories import ContractFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_editor_filters_sorts_chooses_columns_and_exports(live_server, page):
    demo = OrganisationFactory(name="Demo Kommune", slug="demo")
    MembershipFactory(user=UserFactory(username="chef"), organisation=demo, role="editor")
    terms = {"start_date": datetime.date(2020, 1, 1), "renewal_months": 12}
    for name, cost in (("Aula", "76000"), ("KMD Opus", "900000"), ("Acadre", "650000")):
        ContractFactory(organisation=demo, name=name, yearly_cost=Decimal(cost), **terms)
    ContractFactory(organisation=demo, name="Gammel aftale", expiry_date=datetime.date(2021, 1, 1),
                    start_date=datetime.date(2019, 1, 1))

    page.goto(f"{live_server.url}/kontrakter/")
    page.get_by_label("Brugernavn").fill("chef")
    page.get_by_label("Adgangskode").fill("test-password-123")
    page.get_by_role("button", name="Log ind").click()
    page.get_by_role("heading", name="Kontrakter").wait_for()
    rows = page.locator("table.list-table tbody tr")
    assert rows.count() == 4

    # Keyboard: from the search field, Tab reaches the status filter's checkboxes.
    page.get_by_label("Søg", exact=True).focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.name")
    assert focused == "status"

    # Filter (htmx swaps the rows and pushes the URL).
    page.get_by_role("group", name="Status").get_by_label("Udløbet").check()
    page.get_by_role("button", name="Filtrér").click()
    page.wait_for_url("**/kontrakter/?**status=expired**")
    page.locator("table.list-table tbody tr").first.wait_for()
    assert rows.count() == 1
    assert "Gammel aftale" in rows.first.inner_text()
    page.get_by_role("link", name="Nulstil").click()
    page.wait_for_url(f"{live_server.url}/kontrakter/")

    # Sort by yearly cost, then the other way round.
    page.get_by_role("link", name="Årlig udgift (kr.)").click()
    page.wait_for_url("**sort=yearly_cost**")
    expect_first = page.locator("table.list-table tbody tr").first
    assert "Gammel aftale" in expect_first.inner_text() or "Aula" in expect_first.inner_text()
    assert page.locator("th[aria-sort=ascending]").inner_text().startswith("Årlig udgift")
    page.get_by_role("link", name="Årlig udgift (kr.)").click()
    page.wait_for_url("**sort=-yearly_cost**")
    assert "KMD Opus" in page.locator("table.list-table tbody tr").first.inner_text()

    # Choose columns: add the contract number, remembered on the next visit.
    page.get_by_text("Kolonner", exact=True).click()
    page.get_by_label("Kontraktnummer").check()
    page.get_by_role("button", name="Gem kolonner").click()
    page.get_by_role("columnheader", name="Kontraktnummer").wait_for()
    page.goto(f"{live_server.url}/kontrakter/")
    assert page.get_by_role("columnheader", name="Kontraktnummer").is_visible()

    # Export the filtered list.
    page.goto(f"{live_server.url}/kontrakter/?q=a&status=active")
    shown = page.locator("table.list-table tbody tr").count()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Eksportér til Excel").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.path(), "rb").read())).worksheets[0]
    data_rows = [row for row in sheet.iter_rows(min_row=2, values_only=True) if any(row)]
    assert len(data_rows) == shown == 3
    page.screenshot(path="/tmp/kitos-list.png", full_page=True)
