"""The portal issue's acceptance walk on the real demo data: the demo chef opens the
dashboard, follows a number to its list, filters it, exports it, creates a contract and
sees it counted on the dashboard; the demo reader sees no edit controls."""

from __future__ import annotations

import io
import re
from io import StringIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from contracts.models import Contract

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "kitos-demo-2026"


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=StringIO())


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/konto/log-ind/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(re.compile(r"/$"))


def tile_value(page, label: str) -> int:
    tile = page.locator(".tile", has_text=label)
    return int(re.sub(r"\D", "", tile.locator(".tile-value").inner_text()))


def row_total(page) -> int:
    """The list's "x–y af n" count."""
    text = page.locator("main").inner_text()
    match = re.search(r"af ([\d.]+) række", text)
    assert match, text[:500]
    return int(match.group(1).replace(".", ""))


def chef_dashboard_list_filter_export_create(live_server, page):
    log_in(page, live_server, "chef")
    page.get_by_role("link", name="Oversigt", exact=True).click()
    # Oversigt opens on the chef's own forvaltning; the whole municipality is one choice
    # away, and kitos keeps that choice (the way back below opens on it).
    page.get_by_role("heading", name=re.compile(r"^Oversigt: Børn og Unge")).wait_for()
    page.get_by_label("Forvaltning eller enhed").select_option(label="Hele Demo Kommune")
    page.get_by_role("heading", name=re.compile(r"^Oversigt: Demo Kommune")).wait_for()
    without_owner = tile_value(page, "Systemer uden systemejer")
    running = tile_value(page, "Løbende kontrakter")
    missing_contract_owner = tile_value(page, "Kontrakter uden kontraktejer")
    assert without_owner > 0

    # The number leads to the list behind it, which shows exactly as many rows.
    page.locator(".tile", has_text="Systemer uden systemejer").get_by_role("link").click()
    page.wait_for_url(re.compile(r"has_system_owner=false"))
    assert row_total(page) == without_owner

    # Filter further with the free-text search; the list narrows.
    term = page.locator("table.list-table tbody tr th a").first.inner_text().split()[0]
    page.locator("#filter-q").fill(term)
    page.get_by_role("button", name="Filtrér").click()
    page.wait_for_url(re.compile(r"q="))
    page.locator("table.list-table tbody tr").first.wait_for()
    filtered = row_total(page)
    assert 0 < filtered <= without_owner

    # Export the filtered list: the workbook holds exactly those rows.
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Eksportér til Excel")).click()
    content = download_info.value.path().read_bytes()
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    data_rows = [row for row in sheet.iter_rows(min_row=2, values_only=True) if any(row)]
    assert len(data_rows) == filtered

    # Create a running contract without a contract owner through the form.
    page.goto(f"{live_server.url}/kontrakter/ny/")
    page.get_by_role("heading", name="Opret kontrakt").wait_for()
    page.locator("#id_name").fill("Journey-kontrakt på skoleintra")
    page.locator("#id_start_date").fill("2025-01-01")
    page.locator("#id_expiry_date").fill("2030-12-31")
    page.locator("#id_notice_months").fill("6")
    page.get_by_role("button", name="Opret").click()
    page.get_by_role("heading", name="Journey-kontrakt på skoleintra", exact=True).wait_for()
    assert Contract.objects.filter(name="Journey-kontrakt på skoleintra").exists()

    # Back on the dashboard the new contract is counted.
    page.get_by_role("link", name="Oversigt", exact=True).click()
    page.get_by_role("heading", name=re.compile(r"^Oversigt: Demo Kommune")).wait_for()
    assert tile_value(page, "Løbende kontrakter") == running + 1
    assert tile_value(page, "Kontrakter uden kontraktejer") == missing_contract_owner + 1
    page.locator(".tile", has_text="Kontrakter uden kontraktejer").get_by_role("link").click()
    page.wait_for_url(re.compile(r"has_contract_owner=false"))
    page.get_by_role("link", name="Journey-kontrakt på skoleintra").wait_for()


def reader_sees_no_edit_controls(live_server, page):
    log_in(page, live_server, "laeser")
    page.goto(f"{live_server.url}/kontrakter/")
    page.locator("table.list-table tbody tr").first.wait_for()
    assert page.get_by_role("link", name=re.compile(r"^Ny ")).count() == 0
    page.locator("table.list-table tbody tr a").first.click()
    page.get_by_role("tab", name="Overblik").wait_for()
    for name in ("Rediger", "Slet"):
        assert page.get_by_role("link", name=name, exact=True).count() == 0
        assert page.get_by_role("button", name=name, exact=True).count() == 0
    # A forced visit to the edit form is refused.
    response = page.goto(page.url.split("?")[0] + "rediger/")
    assert response.status == 403


def test_chef_journey_on_the_demo(live_server, new_page, demo):
    """Seeding the demo takes a minute: the walks share one, each user in a browser
    context of their own."""
    reader_sees_no_edit_controls(live_server, new_page())
    chef_dashboard_list_filter_export_create(live_server, new_page())
