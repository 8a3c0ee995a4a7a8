"""Bulk actions in the browser: 20 vacancies of *Ledige roller* given to one person in one
step (one audit group), and a lifecycle changed on a page of the systems list."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kitos.models import AuditEntry
from portfolio.models import SystemUsage
from roles.models import Person, RoleAssignment, RoleType
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    UsageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, url):
    page.goto(url)
    page.get_by_label("Brugernavn").fill("chef")
    page.get_by_label("Adgangskode").fill("test-password-123")
    page.get_by_role("button", name="Log ind").click()


@pytest.fixture
def organisation():
    organisation = OrganisationFactory(name="Demo Kommune", slug="demo")
    MembershipFactory(user=UserFactory(username="chef"), organisation=organisation,
                      role="editor")
    return organisation


def test_twenty_vacancies_to_one_person(live_server, page, organisation):
    owner = RoleType.objects.get(organisation=None, applies_to="system_usage", code="systemejer")
    for number in range(20):
        UsageFactory(organisation=organisation, system__name=f"System {number:02d}")
    PersonFactory(organisation=organisation, name="Lone Larsen")

    log_in(page, f"{live_server.url}/roller/ledige/?role_type={owner.uuid}")
    expect(page.get_by_role("heading", name="Ledige roller", exact=True)).to_be_visible()
    page.get_by_label("Vælg alle uden Systemejer").check()
    expect(page.locator("[data-bulk-count]")).to_have_text("20 valgt")
    # The person is chosen in the searchable picker (static/js/pickers.js), as a user does.
    page.get_by_role("combobox", name="Giv de valgte roller til").click()
    options = page.get_by_role("listbox", name="Giv de valgte roller til")
    options.get_by_role("option", name="Lone Larsen").click()
    expect(page.locator("select[name=person]")).to_have_value(
        str(Person.objects.get(name="Lone Larsen").pk)
    )
    page.get_by_role("button", name="Vis ændringer").click()

    expect(page.get_by_role("heading", name="Tildel de valgte roller")).to_be_visible()
    assert not RoleAssignment.objects.exists()  # the preview saved nothing
    page.get_by_role("button", name="Bekræft: tildel 20 roller").click()

    expect(page.get_by_text("20 ændret, 0 afvist.")).to_be_visible()
    assert RoleAssignment.objects.filter(role_type=owner, person__name="Lone Larsen").count() == 20
    entries = AuditEntry.objects.filter(content_type__model="roleassignment")
    assert entries.count() == 20
    assert entries.values("group_id").distinct().count() == 1


def test_change_the_lifecycle_of_a_page_of_systems(live_server, page, organisation):
    for number in range(3):
        UsageFactory(organisation=organisation, system__name=f"System {number}")

    log_in(page, f"{live_server.url}/systemanvendelser/")
    page.get_by_label("Vælg alle rækker på siden").check()
    expect(page.locator("[data-bulk-count]")).to_have_text("3 valgt")
    page.get_by_label("Med de valgte rækker").select_option(label="Skift livscyklus")
    page.get_by_role("button", name="Fortsæt").click()
    page.get_by_label("Livscyklus").select_option(label="Under udfasning")
    page.get_by_role("button", name="Vis ændringer").click()
    expect(page.get_by_text("3 ændres, 0 afvises, 0 er allerede sådan.")).to_be_visible()
    page.get_by_role("button", name="Bekræft: ændr 3 rækker").click()
    expect(page.get_by_text("3 ændret, 0 afvist.")).to_be_visible()
    assert set(SystemUsage.objects.values_list("lifecycle", flat=True)) == {"phasing_out"}
