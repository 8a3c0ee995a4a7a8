"""Searchable pickers and filter chips in a real browser: choose a supplier by typing
and Enter, see it as a chip and in the title, remove it with the chip; search persons at
the picker endpoint; the list's name column and header stay in view at 1366 px."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from kitos.models import ListPreference
from tests.browser.helpers import log_in
from tests.factories import (
    ContractFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    RoleAssignmentFactory,
    SupplierFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_pick_a_supplier_by_keyboard_then_remove_its_chip(live_server, page):
    demo = OrganisationFactory(name="Demo Kommune", slug="demo")
    MembershipFactory(user=UserFactory(username="chef"), organisation=demo, role="editor")
    for number in range(12):
        ContractFactory(organisation=demo, name=f"Aftale {number:02}",
                        supplier=SupplierFactory(name=f"Leverandør {number:02}"))
    ContractFactory(organisation=demo, name="Skoleportal",
                    supplier=SupplierFactory(name="Acme Skole A/S"))

    log_in(page, f"{live_server.url}/kontrakter/")
    rows = page.locator("table.list-table tbody tr")
    expect(rows).to_have_count(13)

    # The picker is the combobox the label names; type, arrows, Enter.
    picker = page.get_by_role("combobox", name="Leverandør", exact=True)
    picker.click()
    picker.press_sequentially("acme")
    options = page.get_by_role("listbox", name="Leverandør", exact=True)
    expect(options.get_by_role("option", name="Acme Skole A/S")).to_be_visible()
    expect(options.get_by_role("option", name="Leverandør 01")).to_have_count(0)
    picker.press("Enter")
    picker.press("Escape")
    page.get_by_role("button", name="Filtrér").click()

    page.wait_for_url(re.compile(r"/kontrakter/\?supplier=[0-9a-f-]{36}$"))  # no "q=&..."
    expect(rows).to_have_count(1)
    chips = page.get_by_role("list", name="Aktive filtre")
    expect(chips).to_contain_text("Leverandør: Acme Skole A/S")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Leverandør: Acme Skole A/S")
    expect(page).to_have_title(re.compile("Kontrakter · Leverandør: Acme Skole A/S"))
    if os.environ.get("KITOS_SCREENSHOT_DIR"):
        page.get_by_role("heading", level=1).scroll_into_view_if_needed()
        page.screenshot(path=os.path.join(os.environ["KITOS_SCREENSHOT_DIR"], "chips.png"))

    page.get_by_role("link", name="Fjern filteret Leverandør: Acme Skole A/S").click()
    page.wait_for_url(f"{live_server.url}/kontrakter/")
    expect(rows).to_have_count(13)
    expect(page.get_by_role("list", name="Aktive filtre")).to_have_count(0)


def test_persons_are_searched_at_the_picker_endpoint(live_server, page):
    demo = OrganisationFactory(name="Demo Kommune", slug="demo")
    MembershipFactory(user=UserFactory(username="chef"), organisation=demo, role="editor")
    RoleAssignmentFactory(organisation=demo,
                          person=PersonFactory(organisation=demo, name="Bente Hansen"))
    RoleAssignmentFactory(organisation=demo,
                          person=PersonFactory(organisation=demo, name="Carl Jensen"))
    other = OrganisationFactory(name="Nabo", slug="nabo")
    PersonFactory(organisation=other, name="Bente Nabo")

    log_in(page, f"{live_server.url}/rolletildelinger/")
    rows = page.locator("table.list-table tbody tr")
    expect(rows).to_have_count(2)
    picker = page.get_by_role("combobox", name="Person", exact=True)
    picker.click()
    picker.press_sequentially("bente")
    options = page.get_by_role("listbox", name="Person", exact=True)
    expect(options.get_by_role("option", name="Bente Hansen")).to_be_visible()
    expect(options.get_by_role("option", name="Bente Nabo")).to_have_count(0)
    picker.press("Enter")
    picker.press("Escape")
    page.get_by_role("button", name="Filtrér").click()
    page.wait_for_url(re.compile(r"\?person="))
    expect(rows).to_have_count(1)
    expect(page.get_by_role("list", name="Aktive filtre")).to_contain_text("Person: Bente Hansen")


def test_the_name_column_and_header_stay_in_view_at_1366(live_server, browser, tmp_path):
    demo = OrganisationFactory(name="Demo Kommune", slug="demo")
    user = UserFactory(username="chef")
    MembershipFactory(user=user, organisation=demo, role="editor")
    for number in range(40):
        ContractFactory(organisation=demo, name=f"Driftsaftale nummer {number:02}",
                        supplier=SupplierFactory(name=f"Leverandør med langt navn {number:02}"))
    ListPreference.objects.create(user=user, list_key="contract_list", columns=[
        "name", "supplier", "status", "next_end", "notice_deadline", "yearly_cost",
        "contract_number", "contract_type", "responsible_unit", "retender_start",
        "expiry_date", "criticality", "procurement_form", "acquisition_cost",
    ])
    context = browser.new_context(locale="da-DK", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    log_in(page, f"{live_server.url}/kontrakter/")
    box = page.locator(".table-scroll")
    name_cell = page.locator("table.list-table tbody th").first
    header = page.locator("table.list-table thead th").nth(1)
    expect(name_cell).to_be_visible()
    before = name_cell.bounding_box()
    header_before = header.bounding_box()
    box.evaluate("element => { element.scrollLeft = 10000; element.scrollTop = 600; }")
    after = name_cell.bounding_box()
    # The first column did not move sideways; the header did not scroll up.
    assert abs(after["x"] - before["x"]) < 1
    assert abs(header.bounding_box()["y"] - header_before["y"]) < 1
    shot = os.environ.get("KITOS_SCREENSHOT_DIR")
    page.screenshot(path=str(tmp_path / "list-1366.png"))
    if shot:
        page.screenshot(path=os.path.join(shot, "list-1366.png"))
    context.close()
