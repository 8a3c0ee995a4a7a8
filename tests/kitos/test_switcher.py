"""The header's organisation switcher."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kitos.tenancy import ACTIVE_ORGANISATION_SESSION_KEY
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
URL = "/organisation/skift/"


@pytest.fixture
def two_org_user(org, other_org, editor):
    MembershipFactory(user=editor, organisation=other_org, role="reader")
    return editor


def test_url_login_and_post_only(client, org, reader):
    assert reverse("switch_organisation") == URL
    response = client.post(URL, {"organisation": org.slug})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    client.force_login(reader)
    assert client.get(URL).status_code == 405


def test_user_in_two_organisations_switches_and_returns(client, org, other_org, two_org_user):
    client.force_login(two_org_user)
    html = client.get(reverse("home")).content.decode()
    assert 'name="organisation"' in html and "Nabo Testkommune" in html
    response = client.post(URL, {"organisation": other_org.slug, "next": "/min-side/"})
    assert response.status_code == 302 and response.url == "/min-side/"
    assert client.session[ACTIVE_ORGANISATION_SESSION_KEY] == other_org.pk
    assert client.get("/min-side/").context["organisation"] == other_org
    # A page of the old organisation follows to the same page of the new one.
    response = client.post(URL, {
        "organisation": org.slug,
        "next": f"/organisationer/{other_org.slug}/oversigt/?within=x",
    })
    assert response.url == f"/organisationer/{org.slug}/oversigt/"
    assert client.get(reverse("dashboard_active")).url == f"/organisationer/{org.slug}/oversigt/"


def test_unsafe_next_goes_home(client, org, two_org_user):
    client.force_login(two_org_user)
    for target in ("https://evil.example/", "//evil.example/x", ""):
        response = client.post(URL, {"organisation": org.slug, "next": target})
        assert response.url == reverse("home")


def test_outsider_cannot_switch_into_another_organisation(client, org, outsider):
    client.force_login(outsider)
    response = client.post(URL, {"organisation": org.slug, "next": "/"})
    assert response.status_code == 404
    assert ACTIVE_ORGANISATION_SESSION_KEY not in client.session
    assert client.post(URL, {"organisation": ""}).status_code == 404


def test_single_organisation_shows_its_name_without_a_switcher(client, org, reader):
    client.force_login(reader)
    html = client.get(reverse("home")).content.decode()
    assert 'id="header-organisation"' not in html
    assert '<span class="header-org">Demo Testkommune</span>' in html
