"""The first morning on the demo: the system owner logs in and Min side lists the notice
deadlines of the contracts covering their systems, with the calendar address; the chef
logs in, Min side shows Børn og Unge's numbers and Oversigt opens on Børn og Unge, where
deadlines sharing a day are one marker naming every contract on keyboard focus."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from alerts.my_deadlines import person_deadlines
from roles.models import Person

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


def system_owner_first_morning(live_server, page):
    person = Person.objects.get(user__username="systemejer", organisation__slug="demo")
    notices = [due for due in person_deadlines(person, today=timezone.localdate())
               if due.kind == "notice"]
    assert notices, "the demo gives the system owner notice deadlines"

    log_in(page, live_server, "systemejer")
    page.wait_for_url(re.compile(r"/min-side/$"))
    page.get_by_role("heading", name="Mine frister").wait_for()
    table = page.locator("table.my-deadlines")
    for due in notices:
        row = table.locator("tr", has_text=due.obj.name).first
        assert "Sidste frist for opsigelse" in table.inner_text()
        assert row.count() == 1
    assert "Systemejer:" in table.inner_text()
    assert "Ingen frister" not in page.locator("main").inner_text()
    address = page.get_by_label(re.compile("Abonnér på de samme frister")).input_value()
    assert address.startswith(live_server.url) and address.endswith(".ics")
    page.screenshot(path="/tmp/kitos-first-morning-systemejer.png", full_page=True)

    # The calendar feed at that address has the same deadlines.
    feed = page.request.get(address).text()
    for due in notices:
        assert due.uid in feed.replace("\r\n ", "")


def chef_first_morning(live_server, page):
    log_in(page, live_server, "chef")
    page.wait_for_url(re.compile(r"/min-side/$"))
    # The header says where the chef works.
    header = page.locator("header .header-unit")
    assert header.inner_text().strip().endswith("Børn og Unge")
    # Min side: the forvaltning's numbers, not zeros.
    page.get_by_role("heading", name="Børn og Unge", exact=True).wait_for()
    tiles = page.locator(".led-unit .tile-value").all_inner_texts()
    assert any(re.sub(r"\D", "", value) not in ("", "0") for value in tiles)
    page.screenshot(path="/tmp/kitos-first-morning-chef-min-side.png", full_page=True)

    # Oversigt opens on Børn og Unge.
    page.get_by_role("link", name="Oversigt", exact=True).click()
    page.get_by_role("heading", name=re.compile(r"^Oversigt: Børn og Unge")).wait_for()
    assert "din forvaltning" in page.locator("main").inner_text()
    # Every timeline marker is reachable by keyboard and names its contracts.
    marker = page.locator(".timeline-marker button").first
    marker.focus()
    tip = page.locator(".timeline-marker:focus-within .timeline-tip")
    assert tip.is_visible()
    assert tip.inner_text().strip()
    page.screenshot(path="/tmp/kitos-first-morning-chef-oversigt.png", full_page=True)
    # Escape hides it again, and focus stays on the marker.
    page.keyboard.press("Escape")
    assert not page.locator(".timeline-marker:focus-within .timeline-tip").is_visible()
    assert page.evaluate("document.activeElement.classList.contains('timeline-dot')")


def test_first_morning_on_the_demo(live_server, new_page, demo):
    """Seeding the demo takes a minute: the walks share one, each user in a browser
    context of their own."""
    system_owner_first_morning(live_server, new_page())
    chef_first_morning(live_server, new_page())
