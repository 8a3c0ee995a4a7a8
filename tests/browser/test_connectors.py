"""An organisation admin brings the unit tree in from FK Organisation through the
browser: creates the connector, previews an export (nothing written), applies it, then
applies a later export in which a unit moved and one closed, and finds both on the
units' history tabs."""

from __future__ import annotations

from pathlib import Path

import pytest

from roles.models import OrganisationUnit
from tests.browser.helpers import log_in
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

EXPORTS = Path(__file__).resolve().parent.parent / "integrations" / "fk_org"


def test_fk_organisation_preview_apply_move_and_close(live_server, page):
    organisation = OrganisationFactory(name="Demo Kommune", slug="demo")
    MembershipFactory(user=UserFactory(username="itchef"), organisation=organisation,
                      role="admin")
    log_in(page, f"{live_server.url}/organisationer/demo/forbindelser/", "itchef")
    page.get_by_role("heading", name="Forbindelser").wait_for()

    page.get_by_role("link", name="FK Organisation (eksportfil)").click()
    page.get_by_label("Navn").fill("FK Organisation")
    page.get_by_role("button", name="Opret").click()
    page.get_by_role("heading", name="FK Organisation").wait_for()

    page.get_by_label("Eksportfil fra FK Organisation").set_input_files(
        str(EXPORTS / "export1.json"))
    page.get_by_role("button", name="Gennemse ændringer").click()
    page.get_by_text("Kørslen er startet").wait_for()
    assert not OrganisationUnit.objects.exists()  # a preview writes nothing

    page.locator("table.data a").first.click()
    page.get_by_role("heading", name="Ændringer der vil blive skrevet").wait_for()
    assert page.get_by_role("rowheader", name="Skoler", exact=True).count() == 1
    page.get_by_role("button", name="Udfør opdateringen").click()
    page.get_by_text("Opdateringen er startet").wait_for()
    assert OrganisationUnit.objects.filter(name="Skoler").exists()

    page.get_by_label("Eksportfil fra FK Organisation").set_input_files(
        str(EXPORTS / "export2.json"))
    page.get_by_role("button", name="Opdater nu").click()
    page.get_by_text("Kørslen er startet").wait_for()

    moved = OrganisationUnit.objects.get(name="Skoler")
    closed = OrganisationUnit.objects.get(name="Byggesag")
    assert moved.parent.name == "Teknik og Miljø" and closed.closed_on is not None

    page.goto(f"{live_server.url}/enheder/{moved.uuid}/?tab=historik")
    history = page.locator("#detail-tabs")
    history.get_by_text("Teknik og Miljø").first.wait_for()
    assert "Børn og Unge" in history.inner_text()  # the parent before the move
    page.goto(f"{live_server.url}/enheder/{closed.uuid}/?tab=historik")
    page.locator("#detail-tabs").get_by_text("lukket", exact=False).first.wait_for()
