"""The chef opens the dashboard, follows a number to its list, and the gap overview to
an object whose gap is then fixed (the count drops)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from roles.models import OrganisationUnit, RoleType
from tests.factories import (
    ContractFactory,
    ItSystemFactory,
    MembershipFactory,
    OrganisationFactory,
    ProcessingActivityFactory,
    RoleAssignmentFactory,
    UnitFactory,
    UsageFactory,
    UserFactory,
)
from tests.governance.cases import ProjectFactory, StatusReportFactory

pytestmark = pytest.mark.django_db(transaction=True)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def demo():
    org = OrganisationFactory(name="Demo Kommune", slug="demo")
    OrganisationFactory(name="Nabo Kommune", slug="nabo")
    born = UnitFactory(organisation=org, name="Børn og Unge")
    teknik = UnitFactory(organisation=org, name="Teknik og Miljø")
    owner = RoleType.objects.get(organisation=None, code="systemejer")
    owned = UsageFactory(organisation=org, responsible_unit=born,
                         system=ItSystemFactory(name="Aula"))
    RoleAssignmentFactory(target=owned, role_type=owner)
    UsageFactory(organisation=org, responsible_unit=born, system=ItSystemFactory(name="DUBU"))
    UsageFactory(organisation=org, responsible_unit=teknik,
                 system=ItSystemFactory(name="Byggesagssystem"))
    today = timezone.localdate()
    ContractFactory(organisation=org, name="DUBU – licens og drift", responsible_unit=born,
                    start_date=today - 400 * DAY, expiry_date=today + 110 * DAY,
                    notice_months=3, extension_months=12, extensions_total=1)
    ProcessingActivityFactory(organisation=org, name="Skoleindskrivning",
                              responsible_unit=born, legal_basis_art6="6.1.e", retention="")
    MembershipFactory(user=UserFactory(username="chef"), organisation=org, role="editor")
    return org


def log_in(page, live_server):
    page.goto(f"{live_server.url}/konto/log-ind/")
    page.get_by_label("Brugernavn").fill("chef")
    page.get_by_label("Adgangskode").fill("test-password-123")
    page.get_by_role("button", name="Log ind").click()


def test_chef_follows_a_number_to_its_list(live_server, page, demo):
    log_in(page, live_server)
    page.get_by_role("link", name="Oversigt", exact=True).click()
    page.get_by_role("heading", name="Oversigt: Demo Kommune").wait_for()
    page.get_by_label("Forvaltning eller enhed").select_option(label="Børn og Unge")
    page.get_by_role("heading", name="Oversigt: Børn og Unge").wait_for()
    tile = page.locator(".tile", has_text="Systemer uden systemejer")
    assert tile.locator(".tile-value").inner_text() == "1"
    page.screenshot(path="/tmp/kitos-dashboard.png", full_page=True)
    tile.get_by_role("link").click()
    page.wait_for_url(re.compile(r"has_system_owner=false"))
    rows = page.locator("table tbody tr")
    rows.first.wait_for()
    assert rows.count() == 1
    assert "DUBU" in rows.first.inner_text()
    assert "Aula" not in page.locator("table tbody").inner_text()
    assert "Byggesagssystem" not in page.locator("table tbody").inner_text()


def test_gap_overview_to_the_object_and_fixed(live_server, page, demo):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/mangler/")
    page.get_by_role("heading", name=re.compile("GDPR- og ejermangler")).wait_for()
    row = page.locator("tr", has_text="Behandling uden retsgrundlag eller slettefrist")
    assert row.locator("td.total").inner_text() == "1"
    row.locator("td").first.get_by_role("link").click()  # the Børn og Unge cell
    page.get_by_role("heading", name="Behandling uden retsgrundlag eller slettefrist").wait_for()
    page.get_by_role("link", name="Skoleindskrivning", exact=True).wait_for()
    page.get_by_role("link", name=re.compile("^Ret")).click()
    page.get_by_label(re.compile("Opbevaring og sletning", re.I)).fill("5 år efter afslutning")
    page.get_by_role("button", name="Gem ændringer").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/mangler/")
    row = page.locator("tr", has_text="Behandling uden retsgrundlag eller slettefrist")
    assert row.locator("td.total").inner_text() == "0"


def test_chef_follows_the_portfolio_matrix_to_the_projects(live_server, page, demo):
    """A red project in Børn og Unge: the matrix cell (I gang × Rød) says 1 and opens the
    project list holding exactly that project."""
    born = OrganisationUnit.objects.get(organisation=demo, name="Børn og Unge")
    red = ProjectFactory(organisation=demo, name="Ny skoleportal", phase="in_progress",
                         responsible_unit=born)
    StatusReportFactory(project=red, cost="red")
    ProjectFactory(organisation=demo, name="Grønt projekt", phase="in_progress",
                   responsible_unit=born)
    log_in(page, live_server)
    page.goto(f"{live_server.url}/organisationer/demo/oversigt/?within={born.uuid}")
    matrix = page.locator("table.portfolio-matrix")
    matrix.wait_for()
    row = matrix.locator("tbody tr", has_text="I gang")
    cell = row.locator("td").first  # the red column
    assert cell.inner_text() == "1"
    cell.get_by_role("link").click()
    page.wait_for_url(re.compile(r"latest_status=red"))
    body = page.locator("table tbody")
    body.wait_for()
    assert "Ny skoleportal" in body.inner_text()
    assert "Grønt projekt" not in body.inner_text()
