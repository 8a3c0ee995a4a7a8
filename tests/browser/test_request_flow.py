"""The governance issue's acceptance walk for the buying process: a chef follows a
new-system request from idea to decision in Chromium. The duplicate check beside the
form names the system already used for the same KLE task; the request is submitted,
the five specialists sign off, the steering group decides through the decision form,
and the project appears in the portfolio."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from governance.models import NewSystemRequest, SteeringGroup
from tests.browser.helpers import log_in, pick
from tests.factories import (
    ItSystemFactory,
    MembershipFactory,
    OrganisationFactory,
    UsageFactory,
    UserFactory,
)
from tests.governance.request_cases import kle

pytestmark = pytest.mark.django_db(transaction=True)


def test_chef_follows_a_request_from_idea_to_project(live_server, page):
    demo = OrganisationFactory(name="Demo Kommune", slug="demo")
    MembershipFactory(user=UserFactory(username="chef"), organisation=demo, role="editor")
    booking = UsageFactory(organisation=demo, system=ItSystemFactory(name="Lokalebooking"))
    booking.system.kle_numbers.add(kle("00.05.10"))
    UsageFactory(organisation=demo, system=ItSystemFactory(name="Lønsystem",
                                                           business_type="payroll_hr"))
    kle("00.06.01")
    SteeringGroup.objects.create(organisation=demo, name="Den Digitale Styregruppe")

    # The request form: picking the KLE number shows at once the system already used.
    log_in(page, f"{live_server.url}/portefoelje/anmodninger/ny/")
    page.get_by_role("heading", name=re.compile("Opret anmodning")).wait_for()
    check = page.locator("#duplicate-check")
    expect(check).not_to_contain_text("Lokalebooking")
    page.locator("#id_title").fill("Nyt bookingsystem til hallerne")
    page.locator("#id_need").fill("Foreninger skal kunne booke haller digitalt.")
    pick(page, "KLE-numre", "00.05.10")
    expect(check).to_contain_text("Lokalebooking")
    expect(check).to_contain_text("00.05.10")
    expect(check).not_to_contain_text("Lønsystem")
    page.locator("#id_expected_investment").fill("350.000")
    page.get_by_role("button", name="Opret", exact=True).click()
    page.wait_for_url(re.compile(r"/portefoelje/anmodninger/[0-9a-f-]{36}/$"))
    # The request's page names the duplicate too.
    expect(page.locator("main")).to_contain_text("Lokalebooking")
    request = NewSystemRequest.objects.get(title="Nyt bookingsystem til hallerne")
    assert request.status == "draft"

    # Submit it to the specialists; each of the five roles signs off.
    page.get_by_role("button", name="Send til vurdering").click()
    expect(page.locator("main")).to_contain_text("Til vurdering")
    page.goto(f"{live_server.url}/portefoelje/anmodninger/{request.uuid}/?tab=vurderinger")
    for role in ("It-arkitekt", "Kontraktansvarlig", "Udbudskonsulent", "Økonomikonsulent",
                 "Databeskyttelsesrådgiver (DPO)"):
        page.get_by_label(f"Vurdering ({role})").select_option("approved")
        page.get_by_role("button", name=f"Afgiv vurdering som {role}").click()
        expect(page.locator("main")).to_contain_text(f"{role} har afgivet sin vurdering")
    request.refresh_from_db()
    assert request.status == "awaiting_decision"

    # The steering group decides through the decision form, opened from the request.
    page.goto(f"{live_server.url}/portefoelje/anmodninger/{request.uuid}/?tab=beslutninger")
    page.get_by_role("link", name="Ny beslutning").click()
    page.get_by_role("heading", name=re.compile("Opret beslutning")).wait_for()
    # The group's picker keeps the plain <select> underneath; choose there.
    page.locator("#id_group").select_option(label="Den Digitale Styregruppe", force=True)
    page.get_by_label("Udfald").select_option("approved")
    page.locator("#id_decided_on").fill("2025-05-01")
    page.get_by_role("button", name="Opret", exact=True).click()
    page.wait_for_url(re.compile(r"/beslutninger/[0-9a-f-]{36}/$"))
    request.refresh_from_db()
    assert request.status == "approved" and request.project is not None

    # The project is in the portfolio, decided.
    page.goto(f"{live_server.url}/projekter/")
    row = page.locator("table.list-table tbody tr", has_text="Nyt bookingsystem til hallerne")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Besluttet")
