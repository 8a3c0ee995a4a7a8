"""API tokens: creation (the key is returned once), revocation, and authentication."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from kitos.models import ApiToken, ApiTokenScope

KEY_PREFIX = "kitos_"


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
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=actor, name=name, scope=scope, expires_at=expires_at,
        prefix=key[: len(KEY_PREFIX) + 6], key_hash=hash_key(key),
    )
    token.full_clean()
    token.save()
    return token, key


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke one of the actor's own tokens (superusers: anyone's)."""
    if token.user_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <key>` (or `Token <key>`). The request then acts as the
    token's user; ``request.auth`` is the token, which carries its scope."""

    keywords = ("bearer", "token")

    def authenticate(self, request):
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


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the schema describes token authentication (drf-spectacular)."""

    target_class = ApiTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key created under *API-nøgler* in kitos.",
        }
