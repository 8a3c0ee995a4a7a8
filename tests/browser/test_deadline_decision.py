"""The owner records a decision on a contract's deadline from the contract page; the
decision shows there and the next scan sends no alert about the deadline."""

from __future__ import annotations

import datetime
import re

import pytest

from alerts import services as alerts
from alerts.models import AlertDelivery
from contracts.models import DeadlineDecision
from tests.alerts.test_alerts import TODAY, notice_contract, owner
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_owner_records_a_decision_and_the_alerts_stop(live_server, page):
    org = OrganisationFactory(name="Browser Kommune", slug="browser")
    user = UserFactory(username="ejer")
    MembershipFactory(organisation=org, role="editor", user=user)
    contract = notice_contract(org, TODAY + datetime.timedelta(days=60), name="Lønsystem")
    owner(contract)

    page.goto(f"{live_server.url}/konto/log-ind/")
    page.get_by_label("Brugernavn").fill("ejer")
    page.get_by_label("Adgangskode").fill("test-password-123")
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(re.compile(r"/$"))

    page.goto(f"{live_server.url}/kontrakter/{contract.uuid}/")
    heading = page.get_by_role("heading", name="Beslutning om fristen")
    decision = page.locator("section", has=heading)
    assert "endnu ikke truffet en beslutning" in decision.inner_text()
    decision.get_by_role("link", name="Registrér beslutning").click()
    page.get_by_label("Genudbyd").check()
    page.get_by_label("Begrundelse").fill("Nyt udbud sammen med nabokommunen")
    page.get_by_role("button", name="Gem beslutning").click()
    page.wait_for_url(re.compile(rf"/kontrakter/{contract.uuid}/$"))
    text = page.locator("main").inner_text()
    assert "Genudbyd" in text and "Nyt udbud sammen med nabokommunen" in text
    assert DeadlineDecision.objects.get().decided_by == user

    alerts.scan(today=TODAY)
    assert not AlertDelivery.objects.filter(object_id=contract.pk).exists()
