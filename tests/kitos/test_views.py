"""Login and home page (the health endpoints: test_health.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import (
    ContractFactory,
    MembershipFactory,
    OrganisationFactory,
    UsageFactory,
)

pytestmark = pytest.mark.django_db


def test_login_page_is_danish_and_accessible(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="da">' in html
    assert "Log ind" in html
    assert 'for="id_username"' in html and 'for="id_password"' in html


def test_english_is_available(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="en">' in response.content.decode()


def test_login_with_wrong_password_says_so(client, editor):
    response = client.post(reverse("login"), {"username": "editor", "password": "forkert"})
    assert response.status_code == 200
    assert "passer ikke sammen" in response.content.decode()


def test_login_then_home(client, editor):
    response = client.post(
        reverse("login"), {"username": "editor", "password": "test-password-123"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Demo Testkommune" in response.content.decode()


def test_home_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_home_lists_only_own_organisations_with_counts(client, org, other_org, editor):
    UsageFactory.create_batch(3, organisation=org)
    ContractFactory.create_batch(2, organisation=org)
    UsageFactory.create_batch(4, organisation=other_org)
    client.force_login(editor)
    response = client.get(reverse("home"))
    organisations = list(response.context["organisations"])
    assert organisations == [org]
    assert organisations[0].usage_count == 3
    assert organisations[0].contract_count == 2
    assert "Nabo Testkommune" not in response.content.decode()


def test_home_query_count_does_not_grow_with_organisations(
    client, editor, django_assert_num_queries
):
    client.force_login(editor)
    client.get(reverse("home"))  # warm caches (content types, session)

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as context:
            client.get(reverse("home"))
        return len(context.captured_queries)

    few = count_queries()
    for _ in range(10):
        organisation = OrganisationFactory()
        MembershipFactory(user=editor, organisation=organisation)
        UsageFactory(organisation=organisation)
    assert count_queries() == few


def test_english_catalogue_is_complete(client):
    """English is a real option: the login page and the domain vocabulary translate."""
    from django.utils import translation

    from contracts.models import Contract

    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert "Log in" in html and "Skip to content" in html
    with translation.override("en"):
        assert str(Contract._meta.verbose_name) == "contract"
        assert str(Contract._meta.get_field("irrevocable_until").verbose_name) == (
            "irrevocable until"
        )
