"""SSO switched off changes nothing; switched on it adds buttons and keeps the local
(break-glass) login working; the settings read the environment as documented."""

from __future__ import annotations

import importlib
import os

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from kitos.settings import sso as sso_settings
from sso.mapping import role_for
from sso.providers import Provider
from tests.factories import UserFactory

from .conftest import backends_with, mapping

pytestmark = pytest.mark.django_db

SSO_URLS = ["/sso/oidc/log-ind/", "/sso/oidc/callback/?code=x&state=y",
            "/sso/saml/log-ind/", "/sso/saml/metadata/"]


@pytest.mark.parametrize("url", SSO_URLS)
def test_sso_routes_answer_404_while_off(client, url):
    assert client.get(url).status_code == 404


def test_login_page_has_no_sso_buttons_while_off(client):
    page = client.get("/konto/log-ind/").content.decode()
    assert "Log ind med" not in page


@override_settings(SSO_PROVIDERS={"oidc": mapping(display_name="Nabo AD"),
                                  "saml": mapping(display_name="KOMBIT")})
def test_login_page_shows_a_button_per_configured_idp(client):
    page = client.get("/konto/log-ind/?next=/organisationer/").content.decode()
    assert "Log ind med Nabo AD" in page
    assert 'href="/sso/oidc/log-ind/?next=/organisationer/"' in page
    assert "Log ind med KOMBIT" in page
    assert 'href="/sso/saml/log-ind/?next=/organisationer/"' in page


@override_settings(
    AUTHENTICATION_BACKENDS=backends_with(
        "sso.oidc.KitosOIDCBackend", "sso.saml.KitosSaml2Backend"
    ),
    OIDC_RP_CLIENT_ID="kitos", OIDC_RP_CLIENT_SECRET="x",  # noqa: S106
    OIDC_OP_TOKEN_ENDPOINT="http://127.0.0.1:8129/token",
    OIDC_OP_USER_ENDPOINT="http://127.0.0.1:8129/userinfo",
    OIDC_OP_JWKS_ENDPOINT="http://127.0.0.1:8129/jwks",
    SSO_PROVIDERS={"oidc": mapping()},
)
def test_local_break_glass_login_still_works_beside_sso(client):
    UserFactory(username="breakglass", password="lang-og-sikker-adgangskode")
    response = client.post(
        "/konto/log-ind/", {"username": "breakglass", "password": "lang-og-sikker-adgangskode"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_backend"] == "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def reload_sso_settings(monkeypatch):
    for name in [n for n in os.environ if n.startswith(("KITOS_OIDC_", "KITOS_SAML_"))]:
        monkeypatch.delenv(name)
    yield lambda: importlib.reload(sso_settings)
    monkeypatch.undo()
    importlib.reload(sso_settings)


def test_settings_add_nothing_when_unconfigured(reload_sso_settings):
    module = reload_sso_settings()
    assert module.SSO_APPS == ["sso"]
    assert module.SSO_BACKENDS == [] and module.SSO_SESSION_MIDDLEWARE == []
    assert module.SSO_PROVIDERS == {}


def test_settings_from_the_environment(reload_sso_settings, monkeypatch):
    monkeypatch.setenv("KITOS_OIDC_ISSUER", "https://login.nabo.dk/")
    monkeypatch.setenv("KITOS_OIDC_CLIENT_ID", "kitos")
    monkeypatch.setenv("KITOS_OIDC_CLIENT_SECRET", "hemmelig")
    monkeypatch.setenv("KITOS_OIDC_ORGANISATION", "nabo")
    monkeypatch.setenv("KITOS_OIDC_ROLE_MAP", "it-admins=admin, it-folk=editor")
    monkeypatch.setenv("KITOS_SAML_IDP_METADATA", "https://adgangsstyring.example/metadata")
    monkeypatch.setenv("KITOS_SAML_ORGANISATION_CLAIM",
                       "dk:gov:saml:attribute:CvrNumberIdentifier")
    module = reload_sso_settings()
    assert module.KITOS_OIDC_ISSUER == "https://login.nabo.dk"
    assert module.SSO_BACKENDS == ["sso.oidc.KitosOIDCBackend", "sso.saml.KitosSaml2Backend"]
    assert module.SSO_SESSION_MIDDLEWARE == ["djangosaml2.middleware.SamlSessionMiddleware"]
    assert module.SSO_APPS == ["sso", "djangosaml2"]
    assert module.SSO_PROVIDERS["oidc"]["role_map"] == {"it-admins": "admin", "it-folk": "editor"}
    providers = [Provider(key=key, **options) for key, options in module.SSO_PROVIDERS.items()]
    assert [p.key for p in providers] == ["oidc", "saml"]


def test_highest_mapped_role_wins_and_default_applies():
    provider = Provider(key="oidc", **mapping(default_role="reader"))
    assert role_for(provider, {"groups": ["kitos-readers", "kitos-admins"]}) == "admin"
    assert role_for(provider, {"groups": "kitos-editors"}) == "editor"
    assert role_for(provider, {"groups": ["andet"]}) == "reader"
    assert role_for(Provider(key="oidc", **mapping()), {}) is None


def test_a_mistyped_role_is_refused_at_configuration():
    with pytest.raises(ImproperlyConfigured):
        Provider(key="oidc", **mapping(role_map={"g": "superadmin"}))
    with pytest.raises(ImproperlyConfigured):
        Provider(key="oidc", **mapping(organisation="", organisation_claim=""))
