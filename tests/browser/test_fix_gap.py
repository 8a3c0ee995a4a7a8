"""Fixing a gap from the gap page, in Chromium on the demo data: the demo chef follows
*Ret* for a contract without an owner, finds the role already chosen, picks a person,
saves, and is back on the gap page with one contract fewer; an overdue oversight is
recorded the same way. The demo reader sees the gaps but no *Ret*."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from contracts.models import Contract
from gdpr.models import DataProcessingAgreement

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


def gap_count(page) -> int:
    caption = page.locator("table.data caption").inner_text()
    return int(re.match(r"(\d+)", caption).group(1))


def chef_fixes_a_contract_without_owner_from_the_gap_page(live_server, page):
    log_in(page, live_server, "chef")
    gap_page = f"{live_server.url}/organisationer/demo/mangler/contract-without-owner/"
    page.goto(gap_page)
    page.get_by_role("heading", name="Kontrakt uden kontraktejer").wait_for()
    before = gap_count(page)
    first_row = page.locator("table.data tbody tr").first
    contract_name = first_row.locator("th").inner_text()

    first_row.get_by_role("link", name=re.compile(r"^Ret")).click()
    page.wait_for_url(re.compile(r"/rolletildelinger/ny/contract/"))
    # The role is chosen already: the link said which gap it fixes.
    role = page.locator("select[name=role_type]")
    assert role.locator("option:checked").inner_text() == "Kontraktejer"
    # The person is chosen in the searchable picker (static/js/pickers.js).
    page.get_by_role("combobox", name=re.compile(r"^Person")).click()
    page.get_by_role("listbox", name=re.compile(r"^Person")).get_by_role("option").filter(
        has_not_text="---").first.click()
    page.get_by_role("button", name="Opret").click()

    page.wait_for_url(gap_page)
    assert "er oprettet" in page.get_by_role("status").inner_text()
    assert gap_count(page) == before - 1
    assert page.locator("table.data tbody th", has_text=contract_name).count() == 0
    contract = Contract.objects.get(organisation__slug="demo", name=contract_name)
    assert contract.role_assignments.filter(role_type__code="kontraktejer").exists()


def chef_records_an_overdue_oversight_from_the_gap_page(live_server, page):
    log_in(page, live_server, "chef")
    gap_page = f"{live_server.url}/organisationer/demo/mangler/oversight-overdue/"
    page.goto(gap_page)
    before = gap_count(page)
    first_row = page.locator("table.data tbody tr").first
    name = first_row.locator("th").inner_text()

    first_row.get_by_role("link", name=re.compile(r"^Ret")).click()
    page.wait_for_url(re.compile(r"/tilsyn/ny/"))
    page.get_by_label("Metode").select_option(index=1)
    page.get_by_role("button", name="Opret").click()

    page.wait_for_url(gap_page)
    if before > 1:
        assert gap_count(page) == before - 1
    else:
        page.get_by_text("Ingen objekter har denne mangel").wait_for()
    agreement = DataProcessingAgreement.objects.get(organisation__slug="demo", name=name)
    assert agreement.oversight_records.exists()
    # The agreement's Tilsyn tab lists the record, and says nothing is overdue any more.
    page.goto(f"{live_server.url}/databehandleraftaler/{agreement.uuid}/?tab=tilsyn")
    assert page.locator("section", has_text="Tilsyn").locator("tbody tr").count() >= 1
    assert "Overskredet" not in page.locator("main").inner_text()


def reader_sees_the_gaps_but_no_ret(live_server, page):
    log_in(page, live_server, "laeser")
    page.goto(f"{live_server.url}/organisationer/demo/mangler/contract-without-owner/")
    page.get_by_role("heading", name="Kontrakt uden kontraktejer").wait_for()
    assert page.locator("table.data tbody tr").count() > 0
    assert page.get_by_role("link", name=re.compile(r"^Ret")).count() == 0


def test_gap_pages_on_the_demo(live_server, new_page, demo):
    """Seeding the demo takes a minute: the walks share one, each user in a browser
    context of their own."""
    reader_sees_the_gaps_but_no_ret(live_server, new_page())
    chef_fixes_a_contract_without_owner_from_the_gap_page(live_server, new_page())
    chef_records_an_overdue_oversight_from_the_gap_page(live_server, new_page())
