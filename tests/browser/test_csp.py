"""The Content-Security-Policy (kitos/settings/headers.py) holds in a real browser: the
portal's pages, the admin and Swagger UI work under it with no violation reported, and
the header is really there (otherwise "no violations" would prove nothing)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from roles.models import RoleType
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

pytestmark = pytest.mark.django_db(transaction=True)
DAY = datetime.timedelta(days=1)

# Records every violation the page reports, before any of its own scripts run.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI + " "
    + (event.sourceFile || "") + ":" + event.lineNumber);
});
"""


@pytest.fixture
def portal():
    org = OrganisationFactory(name="Demo Kommune", slug="demo")
    born = UnitFactory(organisation=org, name="Børn og Unge")
    usage = UsageFactory(organisation=org, responsible_unit=born,
                         system=ItSystemFactory(name="Aula"))
    RoleAssignmentFactory(target=usage, role_type=RoleType.objects.get(
        organisation=None, code="systemejer"))
    today = timezone.localdate()
    contract = ContractFactory(
        organisation=org, name="DUBU – licens og drift", responsible_unit=born,
        start_date=today - 400 * DAY, expiry_date=today + 110 * DAY, notice_months=3,
        extension_months=12, extensions_total=1,
    )
    ProcessingActivityFactory(organisation=org, name="Skoleindskrivning",
                              responsible_unit=born)
    user = UserFactory(username="chef", is_staff=True, is_superuser=True)
    MembershipFactory(user=user, organisation=org, role="editor")
    return {"org": org, "usage": usage, "contract": contract}


def watched(page):
    messages = []
    page.on("console", lambda message: messages.append(message.text)
            if message.type in {"error", "warning"} else None)
    page.add_init_script(WATCH_VIOLATIONS)
    return messages


def visit(page, url, messages, ready=None):
    response = page.goto(url)
    assert response.status < 400, (url, response.status)
    policy = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy, url
    if ready:
        page.locator(ready).first.wait_for(state="attached")
    page.wait_for_load_state("networkidle")
    violations = page.evaluate("window.__cspViolations")
    refused = [text for text in messages if "Content Security Policy" in text]
    assert not violations and not refused, (url, violations, refused)


def log_in(page, live_server):
    page.goto(f"{live_server.url}/konto/log-ind/")
    page.get_by_label("Brugernavn").fill("chef")
    page.get_by_label("Adgangskode").fill("test-password-123")
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_load_state()


def test_portal_pages_run_under_the_policy(live_server, page, portal):
    messages = watched(page)
    visit(page, f"{live_server.url}/konto/log-ind/", messages)
    log_in(page, live_server)
    slug = portal["org"].slug
    pages = [
        (reverse("home"), None),
        (reverse("dashboard", args=[slug]), ".timeline-marker"),
        (reverse("systemusage_list"), "table.data"),
        (reverse("systemusage_detail", args=[portal["usage"].uuid]), "main"),
        (reverse("contract_list"), "table.data"),
        (reverse("contract_detail", args=[portal["contract"].uuid]), "main"),
        (reverse("register", args=[slug]), "main"),
        (reverse("my_page"), "main"),
    ]
    for path, ready in pages:
        visit(page, live_server.url + path, messages, ready)

    # Behaviour that used inline on…="" attributes works through static/js/actions.js.
    page.goto(f"{live_server.url}{reverse('dashboard', args=[slug])}")
    marker = page.locator(".timeline-marker").first
    assert marker.get_attribute("style") and "left:" in marker.get_attribute("style")
    # Choosing a unit submits the form on change.
    page.get_by_label("Forvaltning eller enhed").select_option(label="Børn og Unge")
    page.get_by_role("heading", name="Oversigt: Børn og Unge").wait_for()
    violations = page.evaluate("window.__cspViolations")
    assert not violations, violations


def test_admin_runs_under_the_policy(live_server, page, portal):
    messages = watched(page)
    log_in(page, live_server)
    contract = portal["contract"]
    for path in ("/admin/", "/admin/contracts/contract/",
                 f"/admin/contracts/contract/{contract.pk}/change/",
                 "/admin/auth/user/add/"):
        visit(page, live_server.url + path, messages, "#content")


def test_swagger_ui_runs_under_the_policy(live_server, page):
    messages = watched(page)
    # Swagger UI draws the schema's title only once its start script ran and fetched it.
    visit(page, f"{live_server.url}/api/docs/", messages, ".swagger-ui .info .title")
    assert "kitos API" in page.locator(".swagger-ui .info .title").inner_text()
