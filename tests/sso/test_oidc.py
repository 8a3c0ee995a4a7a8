"""OpenID Connect end to end against a real provider (oidc-provider-mock) started on
127.0.0.1 in a thread: kitos redirects to the provider, the provider redirects back with
a code, kitos exchanges it for tokens (real HTTP), verifies the signed ID token against
the provider's keys and maps the claims to a user, membership and person."""

from __future__ import annotations

import threading
from urllib.parse import quote, urlsplit

import httpx
import oidc_provider_mock
import pytest
from django.core.cache import cache
from django.test import override_settings
from werkzeug.serving import make_server

from kitos.models import AuditEntry, Membership
from roles.models import Person
from sso.models import SsoIdentity
from tests.factories import PersonFactory, UserFactory

from .conftest import backends_with, mapping

pytestmark = pytest.mark.django_db

PORTS = range(8120, 8130)  # the ports this suite's servers may use


@pytest.fixture(scope="module")
def oidc_issuer():
    """A real OpenID provider on 127.0.0.1 (a free port in 8120–8129)."""
    app = oidc_provider_mock.app(require_nonce=True)
    for port in PORTS:
        try:
            server = make_server("127.0.0.1", port, app, threaded=True)
            break
        except OSError:
            continue
    else:
        pytest.fail("no free port in 8120-8129 for the OIDC provider")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture
def oidc_on(oidc_issuer, nabo, demo):
    """OIDC configured the way KITOS_OIDC_ISSUER/CLIENT_ID/CLIENT_SECRET would: endpoints
    from discovery, the organisation from a claim carrying its CVR number."""
    cache.clear()
    with override_settings(
        KITOS_OIDC_ISSUER=oidc_issuer,
        OIDC_RP_CLIENT_ID="kitos",
        OIDC_RP_CLIENT_SECRET="kitos-test-secret",  # noqa: S106 - a test client
        OIDC_OP_AUTHORIZATION_ENDPOINT="",
        OIDC_OP_TOKEN_ENDPOINT="",
        OIDC_OP_USER_ENDPOINT="",
        OIDC_OP_JWKS_ENDPOINT="",
        OIDC_RP_SIGN_ALGO="RS256",
        OIDC_RP_SCOPES="openid email profile",
        OIDC_USE_PKCE=True,
        AUTHENTICATION_BACKENDS=backends_with("sso.oidc.KitosOIDCBackend"),
        SSO_PROVIDERS={"oidc": mapping(subject_claim="sub")},
    ):
        yield oidc_issuer
    cache.clear()


def set_claims(issuer: str, sub: str, **claims) -> None:
    response = httpx.put(f"{issuer}/users/{quote(sub, safe='')}", json=claims)
    assert response.status_code == 204


def oidc_login(client, issuer: str, sub: str, next_url: str = "/"):
    """Log in through the provider the way a browser does; the last kitos response."""
    start = client.get(f"/sso/oidc/log-ind/?next={quote(next_url)}")
    assert start.status_code == 302
    assert start["Location"].startswith(f"{issuer}/oauth2/authorize?")
    # The provider's login form: the user is whoever we authorise as.
    authorised = httpx.post(start["Location"], data={"sub": sub})
    assert authorised.status_code == 302, authorised.text
    callback = urlsplit(authorised.headers["location"])
    assert callback.path == "/sso/oidc/callback/"
    return client.get(f"{callback.path}?{callback.query}")


def test_first_login_creates_user_membership_and_links_person(client, oidc_on, nabo):
    person = PersonFactory(organisation=nabo, name="Anna Andersen", email="Anna@Nabo.dk")
    set_claims(oidc_on, "anna-sub", email="anna@nabo.dk", given_name="Anna",
               family_name="Andersen", organisation="29189846", groups=["kitos-editors"])

    response = oidc_login(client, oidc_on, "anna-sub", next_url="/organisationer/nabo/oversigt/")

    assert response.status_code == 302
    assert response["Location"] == "/organisationer/nabo/oversigt/"
    identity = SsoIdentity.objects.get(provider="oidc", subject="anna-sub")
    user = identity.user
    assert (user.email, user.first_name, user.last_name) == ("anna@nabo.dk", "Anna", "Andersen")
    assert not user.has_usable_password()
    assert not (user.is_staff or user.is_superuser)
    assert Membership.objects.get(user=user).organisation == nabo
    assert Membership.objects.get(user=user).role == "editor"
    person.refresh_from_db()
    assert person.user == user
    assert client.get("/organisationer/nabo/oversigt/").status_code == 200
    # Audited, like every write: the user, the identity, the membership, the person.
    audited = set(AuditEntry.objects.values_list("content_type__model", flat=True))
    assert {"user", "ssoidentity", "membership", "person"} <= audited


def test_nabo_user_sees_nothing_of_demo(client, oidc_on, nabo, demo):
    demo_person = PersonFactory(organisation=demo, name="Demo-person")
    set_claims(oidc_on, "nils", email="nils@nabo.dk", organisation="nabo",
               groups=["kitos-admins"])

    oidc_login(client, oidc_on, "nils")

    user = SsoIdentity.objects.get(subject="nils").user
    assert list(user.memberships.values_list("organisation__slug", "role")) == [("nabo", "admin")]
    assert client.get("/organisationer/demo/oversigt/").status_code == 404
    assert client.get(f"/personer/{demo_person.uuid}/").status_code == 404
    assert client.get("/organisationer/nabo/oversigt/").status_code == 200


def test_later_login_follows_the_idp_role_and_removal(client, oidc_on, nabo):
    set_claims(oidc_on, "bo", email="bo@nabo.dk", organisation="nabo", groups=["kitos-admins"])
    oidc_login(client, oidc_on, "bo")
    user = SsoIdentity.objects.get(subject="bo").user
    assert user.memberships.get().role == "admin"
    client.logout()

    set_claims(oidc_on, "bo", email="bo@nabo.dk", organisation="nabo", groups=["kitos-readers"])
    oidc_login(client, oidc_on, "bo")
    assert user.memberships.get().role == "reader"
    assert SsoIdentity.objects.filter(subject="bo").count() == 1
    client.logout()

    # Out of every kitos group (and no default role): the membership goes, no login.
    set_claims(oidc_on, "bo", email="bo@nabo.dk", organisation="nabo", groups=["other"])
    response = oidc_login(client, oidc_on, "bo")
    assert response.status_code == 302 and response["Location"] == "/konto/log-ind/"
    assert not user.memberships.exists()
    page = client.get("/konto/log-ind/")
    assert "Du har ikke adgang til kitos" in page.content.decode()
    assert "_auth_user_id" not in client.session


def test_unknown_organisation_is_refused_and_creates_nothing(client, oidc_on):
    set_claims(oidc_on, "eve", email="eve@else.dk", organisation="99999999",
               groups=["kitos-admins"])
    response = oidc_login(client, oidc_on, "eve")
    assert response["Location"] == "/konto/log-ind/"
    assert not SsoIdentity.objects.exists()
    assert "Din organisation findes ikke i kitos" in client.get("/konto/log-ind/").content.decode()


def test_idp_account_never_takes_over_a_local_account_by_email(client, oidc_on, nabo):
    local_admin = UserFactory(username="breakglass", email="it@nabo.dk", is_superuser=True)
    set_claims(oidc_on, "it-sub", email="it@nabo.dk", organisation="nabo",
               groups=["kitos-readers"])

    oidc_login(client, oidc_on, "it-sub")

    user = SsoIdentity.objects.get(subject="it-sub").user
    assert user != local_admin and not user.is_superuser
    assert user.username != "breakglass"
    assert int(client.session["_auth_user_id"]) == user.pk


def test_person_of_another_login_is_not_taken(client, oidc_on, nabo):
    owner = UserFactory(username="owner")
    person = PersonFactory(organisation=nabo, email="kim@nabo.dk", user=owner)
    set_claims(oidc_on, "kim", email="kim@nabo.dk", organisation="nabo", groups=["kitos-readers"])
    oidc_login(client, oidc_on, "kim")
    person.refresh_from_db()
    assert person.user == owner
    assert not Person.objects.filter(user__sso_identities__subject="kim").exists()


def test_provider_denial_returns_to_login_with_a_message(client, oidc_on):
    start = client.get("/sso/oidc/log-ind/")
    denied = httpx.post(start["Location"], data={"action": "deny"})
    callback = urlsplit(denied.headers["location"])
    response = client.get(f"{callback.path}?{callback.query}")
    assert response["Location"] == "/konto/log-ind/"
    assert "mislykkedes" in client.get("/konto/log-ind/").content.decode()
