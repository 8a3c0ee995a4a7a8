"""OpenID Connect with mozilla-django-oidc: a backend and views that read the endpoints
from the issuer's discovery document when they are not set explicitly, check the ID
token's issuer and audience (the library does not), and hand the verified claims to
``sso.services.sso_login``.

mozilla-django-oidc rather than a hand-written client: it keeps state, nonce and PKCE
in the session and verifies the token signature against the provider's keys; kitos
adds only the mapping.
"""

from __future__ import annotations

import logging

import jwt
import requests
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .providers import get_provider
from .services import sso_login
from .views import login_failed

logger = logging.getLogger(__name__)

# Settings that may come from the discovery document, and its key for each.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
DISCOVERY_CACHE_SECONDS = 60 * 60


def discovery(issuer: str) -> dict:
    """The issuer's ``.well-known/openid-configuration``, cached for an hour."""
    key = f"sso:oidc-discovery:{issuer}"
    document = cache.get(key)
    if document is None:
        response = requests.get(
            f"{issuer}/.well-known/openid-configuration",
            timeout=getattr(settings, "OIDC_TIMEOUT", 10),
        )
        response.raise_for_status()
        document = response.json()
        if document.get("issuer", "").rstrip("/") != issuer:
            raise ImproperlyConfigured(
                f"OIDC discovery at {issuer} names another issuer: {document.get('issuer')}"
            )
        cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


def oidc_setting(attr: str, *args):
    """mozilla-django-oidc's settings, with empty endpoints filled in by discovery."""
    value = getattr(settings, attr, *args) if args else getattr(settings, attr, None)
    if attr in DISCOVERED and not value:
        issuer = getattr(settings, "KITOS_OIDC_ISSUER", "")
        if issuer:
            value = discovery(issuer).get(DISCOVERED[attr]) or value
    if value is None and not args:
        raise ImproperlyConfigured(f"Setting {attr} not found")
    return value


class KitosOIDCBackend(OIDCAuthenticationBackend):
    """Authenticates the OIDC callback; the user is whoever ``sso_login`` maps the
    provider's subject to."""

    get_settings = staticmethod(oidc_setting)

    def retrieve_matching_jwk(self, token):
        header = jwt.get_unverified_header(token)
        if "kid" in header:
            return super().retrieve_matching_jwk(token)
        # OpenID Connect Core 10.1: a provider with a single signing key may leave the
        # key id out of the token; the library insists on one.
        response = requests.get(
            self.OIDC_OP_JWKS_ENDPOINT,
            verify=self.get_settings("OIDC_VERIFY_SSL", True),
            timeout=self.get_settings("OIDC_TIMEOUT", None),
        )
        response.raise_for_status()
        keys = [
            key for key in response.json().get("keys", [])
            if key.get("use", "sig") == "sig"
            and key.get("alg", header.get("alg")) == header.get("alg")
        ]
        if len(keys) != 1:
            raise SuspiciousOperation("ID token without a key id, and not exactly one key.")
        return jwt.PyJWK(keys[0])

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        issuer = getattr(settings, "KITOS_OIDC_ISSUER", "")
        if issuer and str(payload.get("iss", "")).rstrip("/") != issuer:
            raise SuspiciousOperation("ID token from another issuer.")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token for another client.")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        provider = get_provider("oidc")
        if provider is None:
            return None
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            # OpenID Connect Core 5.3.2: userinfo of another subject must not be used.
            raise SuspiciousOperation("Userinfo subject differs from the ID token's.")
        claims = {**payload, **userinfo}
        subject = str(claims.get(provider.subject_claim or "sub") or "")
        outcome = sso_login(provider=provider, subject=subject, claims=claims)
        # The callback view shows the reason (the backend cannot answer the request).
        self.request.sso_refusal = outcome.refusal
        return outcome.user


class _Enabled:
    """404 until OIDC is configured (the routes always exist; nothing else does)."""

    def setup(self, request, *args, **kwargs):
        if get_provider("oidc") is None:
            raise Http404
        super().setup(request, *args, **kwargs)


class OIDCLoginView(_Enabled, OIDCAuthenticationRequestView):
    get_settings = staticmethod(oidc_setting)

    def __init__(self, **kwargs):
        # The library reads its endpoints here; discovery waits for an enabled request.
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)

    def get(self, request):
        self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        return super().get(request)


class OIDCCallbackView(_Enabled, OIDCAuthenticationCallbackView):
    get_settings = staticmethod(oidc_setting)

    def get(self, request):
        try:
            return super().get(request)
        except requests.RequestException:
            # The provider is down or answered an error: a message, not a 500.
            logger.exception("OIDC token or userinfo request failed")
            return self.login_failure()

    def login_failure(self):
        if self.request.GET.get("error"):
            logger.info("OIDC login refused by the provider: %s", self.request.GET["error"])
        return login_failed(self.request, get_provider("oidc"))
