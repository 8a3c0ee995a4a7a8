"""An editor creates a contract through the form, reads it on its tabbed page (switching
tabs with the keyboard) and edits it; a reader sees no edit controls."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from contracts.models import Contract
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    SupplierFactory,
    UsageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, live_server, username, next_path):
    page.goto(f"{live_server.url}{next_path}")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill("test-password-123")
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(re.compile(re.escape(next_path)))


def test_editor_creates_reads_and_edits_a_contract(live_server, page):
    org = OrganisationFactory(name="Demo Kommune", slug="demo")
    MembershipFactory(user=UserFactory(username="chef"), organisation=org, role="editor")
    SupplierFactory(name="KMD A/S")
    UsageFactory(organisation=org, local_name="Opus Løn")

    log_in(page, live_server, "chef", "/kontrakter/ny/")
    page.get_by_role("heading", name="Opret kontrakt").wait_for()
    page.locator("#id_name").fill("Lønsystem drift")
    page.locator("#id_supplier").select_option(label="KMD A/S")
    page.locator("#id_usages").select_option(label="Opus Løn")
    page.locator("#id_main_for").select_option(label="Opus Løn")
    page.locator("#id_start_date").fill("2025-01-01")
    page.locator("#id_expiry_date").fill("2028-12-31")
    page.locator("#id_notice_months").fill("6")
    page.get_by_role("button", name="Opret").click()

    page.get_by_role("heading", name="Lønsystem drift", exact=True).wait_for()
    assert "er oprettet" in page.get_by_role("status").inner_text()
    contract = Contract.objects.get(name="Lønsystem drift")
    assert list(contract.coverage.values_list("usage__local_name", "is_main")) == [
        ("Opus Løn", True)
    ]

    # Tabs: the selected one has focus on Tab; arrows move and load the next panel.
    overview = page.get_by_role("tab", name="Overblik")
    assert overview.get_attribute("aria-selected") == "true"
    overview.focus()
    page.keyboard.press("ArrowRight")
    systems = page.get_by_role("tab", name="Systemer")
    expect(page.locator("#tab-systemer")).to_have_attribute("aria-selected", "true")
    assert "tab=systemer" in page.url
    assert "Opus Løn" in page.get_by_role("tabpanel").inner_text()
    expect(page.locator("#tab-systemer")).to_be_focused()
    assert systems.evaluate("el => el === document.activeElement")
    page.keyboard.press("End")
    expect(page.locator("#tab-historik")).to_have_attribute("aria-selected", "true")
    assert "Oprettet" in page.get_by_role("tabpanel").inner_text()
    page.screenshot(path="/tmp/kitos-contract-tabs.png", full_page=True)

    page.get_by_role("link", name="Rediger").first.click()
    page.locator("#id_yearly_cost").fill("250.000,50")
    page.get_by_role("button", name="Gem ændringer").click()
    page.get_by_role("heading", name="Lønsystem drift", exact=True).wait_for()
    assert "er gemt" in page.get_by_role("status").inner_text()
    page.get_by_role("tab", name="Økonomi").click()
    expect(page.locator("#tab-oekonomi")).to_have_attribute("aria-selected", "true")
    assert "250.000,50" in page.get_by_role("tabpanel").inner_text()


def test_reader_sees_no_edit_controls(live_server, page):
    org = OrganisationFactory(name="Demo Kommune", slug="demo")
    MembershipFactory(user=UserFactory(username="laeser"), organisation=org, role="reader")
    usage = UsageFactory(organisation=org, local_name="Opus Løn")
    path = f"/systemanvendelser/{usage.uuid}/"

    log_in(page, live_server, "laeser", path)
    page.get_by_role("heading", name="Opus Løn").wait_for()
    assert page.get_by_role("link", name="Rediger").count() == 0
    assert page.get_by_role("link", name="Slet").count() == 0
    page.get_by_role("tab", name="Roller").click()
    expect(page.locator("#tab-roller")).to_have_attribute("aria-selected", "true")
    assert page.get_by_role("link", name="Tildel rolle").count() == 0
    response = page.goto(f"{live_server.url}{path}rediger/")
    assert response.status == 403
