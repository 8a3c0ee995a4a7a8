"""An editor hands a leaving person's roles over in the browser: choose, preview (nothing
saved), apply; the unchosen role becomes vacant after the last working day."""

from __future__ import annotations

import datetime

import pytest

from roles.models import Person, RoleAssignment, RoleType
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    RoleAssignmentFactory,
    UsageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_hand_over_with_preview(live_server, page):
    organisation = OrganisationFactory(name="Demo Kommune", slug="demo")
    MembershipFactory(user=UserFactory(username="chef"), organisation=organisation,
                      role="editor")
    owner = RoleType.objects.get(organisation=None, applies_to="system_usage", code="systemejer")
    alice = PersonFactory(organisation=organisation, name="Alice Andersen")
    PersonFactory(organisation=organisation, name="Bo Berg")
    kept = RoleAssignmentFactory(person=alice, role_type=owner,
                                 target=UsageFactory(organisation=organisation,
                                                     system__name="Fasit"))
    moved = RoleAssignmentFactory(person=alice, role_type=owner,
                                  target=UsageFactory(organisation=organisation,
                                                      system__name="Acadre"))

    page.goto(f"{live_server.url}/personer/{alice.uuid}/ansvar/")
    page.get_by_label("Brugernavn").fill("chef")
    page.get_by_label("Adgangskode").fill("test-password-123")
    page.get_by_role("button", name="Log ind").click()
    page.get_by_role("heading", name="Ansvar: Alice Andersen").wait_for()

    page.get_by_label("Ny ansvarlig for Systemejer: Acadre").select_option(label="Bo Berg")
    page.get_by_label("Nye ansvarlige overtager fra").fill("2027-01-01")
    page.get_by_label("Fratræder – sidste arbejdsdag").fill("2026-12-31")
    page.get_by_role("button", name="Vis ændringerne").click()

    page.get_by_role("heading", name="Gennemse overdragelse: Alice Andersen").wait_for()
    assert "Ingen – bliver ledig" in page.content()
    assert Person.objects.get(pk=alice.pk).left_on is None  # the preview saved nothing
    assert not RoleAssignment.objects.exclude(end_date=None).exists()
    page.screenshot(path="/tmp/kitos-handover-preview.png", full_page=True)

    page.get_by_role("button", name="Gennemfør").click()
    page.get_by_role("heading", name="Ansvar: Alice Andersen").wait_for()
    assert "overdraget til Bo Berg" in page.get_by_role("status").first.inner_text()
    last_day = datetime.date(2026, 12, 31)
    assert Person.objects.get(pk=alice.pk).left_on == last_day
    assert RoleAssignment.objects.get(pk=kept.pk).end_date == last_day
    assert RoleAssignment.objects.get(pk=moved.pk).end_date == last_day
    new = RoleAssignment.objects.get(person__name="Bo Berg")
    assert (new.object_id, new.start_date) == (moved.object_id, datetime.date(2027, 1, 1))
