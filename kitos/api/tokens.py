"""API tokens: creation (the key is returned once), revocation, and authentication."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from kitos.login import two_factor
from kitos.login.lockout import cool_off_minutes
from kitos.login.throttles import ApiAuthFailureThrottle
from kitos.models import ApiToken, ApiTokenScope

KEY_PREFIX = "kitos_"
# The longest a key with an expiry may live (the portal offers up to a year); a key
# that should never expire says so with no expiry at all.
MAX_TOKEN_LIFETIME = datetime.timedelta(days=3 * 365)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, actor, name: str, scope: str = ApiTokenScope.READ,
    expires_at: datetime.datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for `actor` and return it with its key (shown this once only)."""
    if not actor.is_authenticated:
        raise PermissionDenied
    check_expiry(expires_at)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=actor, name=name, scope=scope, expires_at=expires_at,
        prefix=key[: len(KEY_PREFIX) + 6], key_hash=hash_key(key),
    )
    token.full_clean()
    token.save()
    return token, key


def check_expiry(expires_at: datetime.datetime | None) -> None:
    """A key's expiry lies ahead, and not beyond ``MAX_TOKEN_LIFETIME`` (a key that
    expired when it was made is a mistake, not a key)."""
    if expires_at is None:
        return
    now = timezone.now()
    if expires_at <= now:
        raise ValidationError({"expires_at": _("Udløbstidspunktet skal ligge i fremtiden.")})
    if expires_at > now + MAX_TOKEN_LIFETIME:
        raise ValidationError({"expires_at": _(
            "En nøgle kan højst gælde i %(days)s dage. Vælg et tidligere udløb, eller "
            "ingen udløb."
        ) % {"days": MAX_TOKEN_LIFETIME.days}})


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke one of the actor's own tokens (superusers: anyone's)."""
    if token.user_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


class AuthFailuresCounted:
    """Failed authentications count per client address (ApiAuthFailureThrottle): once
    the rate is used up, the client gets 429 before its credentials are even looked at,
    so keys and passwords cannot be guessed at speed."""

    def authenticate(self, request):
        throttle = ApiAuthFailureThrottle()
        ident = throttle.ident(request)
        if self.has_credentials(request) and throttle.blocked(ident):
            raise exceptions.Throttled(
                wait=throttle.wait_seconds(),
                detail=_("For mange mislykkede forsøg på at logge ind fra denne adresse."),
            )
        try:
            return self.check_credentials(request)
        except exceptions.AuthenticationFailed:
            throttle.record(ident)
            raise

    def has_credentials(self, request) -> bool:
        header = authentication.get_authorization_header(request).split()
        return bool(header) and header[0].lower().decode(errors="replace") in self.keywords


class ApiTokenAuthentication(AuthFailuresCounted, authentication.BaseAuthentication):
    """`Authorization: Bearer <key>` (or `Token <key>`). The request then acts as the
    token's user; ``request.auth`` is the token, which carries its scope."""

    keywords = ("bearer", "token")

    def check_credentials(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Ugyldig Authorization-header."))
        key = header[1].decode(errors="replace")
        now = timezone.now()
        token = (
            ApiToken.objects.active(now)
            .select_related("user")
            .filter(key_hash=hash_key(key))
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Ugyldig, udløbet eller tilbagekaldt nøgle."))
        # Record use at most once a minute: no write on every request.
        if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="kitos"'


class LockoutBasicAuthentication(AuthFailuresCounted, authentication.BasicAuthentication):
    """HTTP Basic (username and password) through the same lockout as the login page:
    django-axes sees the underlying Django request, so failures count towards the
    username/address lockout, and a locked pair is refused with 429 even with the right
    password. Failures also count in the API's per-address throttle."""

    keywords = ("basic",)

    def check_credentials(self, request):
        return authentication.BasicAuthentication.authenticate(self, request)

    def authenticate_credentials(self, userid, password, request=None):
        django_request = getattr(request, "_request", request)
        try:
            user, auth = super().authenticate_credentials(userid, password, django_request)
        except exceptions.AuthenticationFailed:
            if getattr(django_request, "axes_locked_out", False):
                minutes = cool_off_minutes(django_request)
                raise exceptions.Throttled(
                    wait=minutes * 60,
                    detail=_(
                        "For mange mislykkede forsøg på at logge ind. Kontoen er spærret "
                        "fra denne adresse i %(minutes)s minutter."
                    ) % {"minutes": minutes},
                ) from None
            raise
        if not two_factor.password_alone_suffices(user):
            raise exceptions.PermissionDenied(_(
                "Du bruger to-faktor-login, så en adgangskode alene kan ikke oprette "
                "API-nøgler. Opret nøglen under API-nøgler i kitos."
            ))
        return user, auth


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the schema describes token authentication (drf-spectacular)."""

    target_class = ApiTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "An API key (`kitos_…`) created under *API-nøgler* in kitos or with "
                "`POST /api/v1/tokens/`, sent as `Authorization: Bearer <key>`. A key "
                "has one of two scopes: `read` (GET only; any write is 403) or "
                "`read_write` (reads and writes, within the rights of the key's user "
                "in each organisation). A key acts as its user: other organisations' "
                "objects are 404."
            ),
        }


class LockoutBasicScheme(OpenApiAuthenticationExtension):
    """HTTP Basic on /api/v1/tokens/ only, to create a key with a password."""

    target_class = LockoutBasicAuthentication
    name = "basicAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "basic",
            "description": (
                "Username and password, only to create a key at /api/v1/tokens/. Wrong "
                "passwords count: 30 for one username from one address lock that pair "
                "out for 15 minutes (429, configurable), and repeated failed "
                "authentications from one address get 429 until Retry-After."
            ),
        }
