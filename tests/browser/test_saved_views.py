"""Saved views in a real browser: an editor arranges the contract list (filter, sort,
columns), saves it as a view shared with the organisation; a colleague of the same
organisation opens it from the list header's menu and sees the same filters, columns and
sort; an admin makes it the organisation's default and the plain list way out stays."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kitos.models import SavedView
from tests.factories import ContractFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, base_url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base_url}/kontrakter/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill("test-password-123")
    page.get_by_role("button", name="Log ind").click()
    page.get_by_role("heading", name="Kontrakter").wait_for()


def headers(page) -> list[str]:
    # The column headers, without the bulk selection box only editors see.
    return [text.strip().rstrip("▲▼↕").strip()
            for text in page.locator("table.list-table thead th:not(.bulk-select)")
            .all_inner_texts()]


def names(page) -> list[str]:
    return [text.strip() for text in page.locator("table.list-table tbody th").all_inner_texts()]


def test_a_shared_view_shows_a_colleague_the_same_list(live_server, page):
    demo = OrganisationFactory(name="Demo Kommune", slug="demo")
    MembershipFactory(user=UserFactory(username="chef"), organisation=demo, role="editor")
    MembershipFactory(user=UserFactory(username="kollega"), organisation=demo, role="reader")
    MembershipFactory(user=UserFactory(username="admin"), organisation=demo, role="admin")
    terms = {"start_date": datetime.date(2020, 1, 1), "renewal_months": 12}
    for name, cost in (("Aula", "76000"), ("KMD Opus", "900000"), ("Acadre", "650000")):
        ContractFactory(organisation=demo, name=name, yearly_cost=Decimal(cost), **terms)
    ContractFactory(organisation=demo, name="Gammel aftale", expiry_date=datetime.date(2021, 1, 1),
                    start_date=datetime.date(2019, 1, 1))

    log_in(page, live_server.url, "chef")
    # Arrange the list: active contracts, most expensive first, with the contract number.
    page.get_by_role("group", name="Status").get_by_label("Aktiv").check()
    page.get_by_role("button", name="Filtrér").click()
    page.wait_for_url("**status=active**")
    page.get_by_role("link", name="Årlig udgift (kr.)").click()
    page.wait_for_url("**sort=yearly_cost**")
    page.get_by_role("link", name="Årlig udgift (kr.)").click()
    page.wait_for_url("**sort=-yearly_cost**")
    page.get_by_text("Kolonner", exact=True).click()
    page.get_by_label("Kontraktnummer").check()
    page.get_by_role("button", name="Gem kolonner").click()
    expect(page.get_by_role("columnheader", name="Kontraktnummer")).to_be_visible()
    arranged_headers, arranged_names = headers(page), names(page)
    assert arranged_names == ["KMD Opus", "Acadre", "Aula"]

    # Save it as a view shared with the organisation.
    page.get_by_text("Visninger", exact=True).click()
    page.get_by_label("Gem visning").fill("Dyre aktive")
    page.get_by_label("Del med organisationen").check()
    page.get_by_role("button", name="Gem visning").click()
    expect(page.locator(".open-view")).to_contain_text("Dyre aktive")
    view = SavedView.objects.get()
    assert view.shared
    assert "visning=" in page.url

    # A colleague opens it from the menu.
    log_in(page, live_server.url, "kollega")
    assert names(page) != arranged_names  # the colleague's own plain list first
    page.get_by_text("Visninger", exact=True).click()
    expect(page.get_by_role("heading", name="Delte visninger")).to_be_visible()
    page.get_by_role("link", name="Dyre aktive").click()
    expect(page.locator(".open-view")).to_contain_text("Dyre aktive")
    assert headers(page) == arranged_headers
    assert names(page) == arranged_names
    assert "status=active" in page.url and "sort=-yearly_cost" in page.url
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Årlig udgift")
    expect(page.get_by_role("group", name="Status").get_by_label("Aktiv")).to_be_checked()
    # The colleague (a reader) cannot change, share or delete it.
    page.get_by_text("Visninger", exact=True).click()
    expect(page.get_by_role("button", name="Gem ændringer")).to_have_count(0)
    expect(page.get_by_role("button", name="Slet")).to_have_count(0)

    # An admin makes it the organisation's default.
    log_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/kontrakter/?{view.query}&visning={view.uuid}")
    page.get_by_text("Visninger", exact=True).click()
    page.get_by_role("button", name="Gør til standard").click()
    expect(page.locator(".open-view")).to_contain_text("Standard")
    page.get_by_text("Visninger", exact=True).click()
    page.screenshot(path="/tmp/kitos-saved-views.png")

    # The colleague's plain list is now the default; "Nulstil" leads out of it for good.
    log_in(page, live_server.url, "kollega")
    page.wait_for_url("**visning=**")
    assert names(page) == arranged_names
    page.get_by_text("Visninger", exact=True).click()
    page.get_by_role("link", name="Nulstil").first.click()
    page.wait_for_url("**visning=ingen")
    expect(page.locator(".open-view")).to_have_count(0)
    assert len(names(page)) == 4
