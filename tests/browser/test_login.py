"""A user logs in through the real login form and sees their organisations."""

from __future__ import annotations

import pytest

from tests.factories import MembershipFactory, OrganisationFactory, UsageFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_shows_own_organisations_only(live_server, page):
    mine = OrganisationFactory(name="Demo Kommune", slug="demo")
    OrganisationFactory(name="Nabo Kommune", slug="nabo")
    UsageFactory.create_batch(2, organisation=mine)
    MembershipFactory(user=UserFactory(username="chef"), organisation=mine, role="editor")

    page.goto(f"{live_server.url}/")
    assert "/konto/log-ind/" in page.url  # redirected to the login page
    page.get_by_label("Brugernavn").fill("chef")
    page.get_by_label("Adgangskode").fill("forkert")
    page.get_by_role("button", name="Log ind").click()
    assert page.get_by_role("alert").is_visible()

    page.get_by_label("Adgangskode").fill("test-password-123")
    page.get_by_role("button", name="Log ind").click()
    page.get_by_role("heading", name="Dine organisationer").wait_for()
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 1
    assert "Demo Kommune" in rows.first.inner_text()
    assert "Nabo Kommune" not in page.content()
    page.screenshot(path="/tmp/kitos-home.png", full_page=True)

    page.locator(".user-menu summary").click()  # the account menu under the user's name
    page.get_by_role("button", name="Log ud").click()
    assert "/konto/log-ind/" in page.url or page.get_by_role("heading", name="Log ind").is_visible()


def test_keyboard_user_can_skip_to_content_and_log_in(live_server, page):
    MembershipFactory(
        user=UserFactory(username="tastatur"), organisation=OrganisationFactory(), role="reader"
    )
    page.goto(f"{live_server.url}/konto/log-ind/")
    skip = page.get_by_role("link", name="Spring til indhold")
    skip.focus()
    box = skip.bounding_box()
    assert box and box["x"] >= 0  # shown on screen when focused, hidden otherwise
    page.get_by_label("Brugernavn").focus()
    page.keyboard.type("tastatur")
    page.keyboard.press("Tab")
    page.keyboard.type("test-password-123")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Dine organisationer").wait_for()
    page.screenshot(path="/tmp/kitos-login-result.png")
