"""The configured identity providers and how their claims map to kitos.

Read from ``settings.SSO_PROVIDERS`` (kitos/settings/sso.py fills it from the
environment) on every call, so tests can switch a provider on with ``override_settings``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from kitos.choices import MembershipRole

#: The default role that gives no access without a mapped group.
NO_ROLE = "none"
#: Person fields a provider may match the user's person by.
PERSON_FIELDS = ("email", "external_reference")
LOGIN_ROUTES = {"oidc": "oidc_authentication_init", "saml": "saml2_login"}


@dataclass(frozen=True)
class Provider:
    """One configured IdP: its protocol key (``oidc``/``saml``) and the mapping."""

    key: str
    display_name: str
    organisation: str = ""
    organisation_claim: str = ""
    role_claim: str = ""
    role_map: Mapping[str, str] = field(default_factory=dict)
    default_role: str = MembershipRole.READER
    subject_claim: str = ""
    email_claim: str = "email"
    first_name_claim: str = ""
    last_name_claim: str = ""
    person_field: str = "email"
    person_claim: str = "email"

    def __post_init__(self):
        roles = {*self.role_map.values(), self.default_role} - {NO_ROLE}
        if unknown := roles - set(MembershipRole.values):
            raise ImproperlyConfigured(
                f"SSO {self.key}: unknown membership role(s) {sorted(unknown)}; "
                f"use {', '.join(MembershipRole.values)} or {NO_ROLE}."
            )
        if not (self.organisation or self.organisation_claim):
            raise ImproperlyConfigured(
                f"SSO {self.key}: set KITOS_{self.key.upper()}_ORGANISATION (a slug) or "
                f"KITOS_{self.key.upper()}_ORGANISATION_CLAIM."
            )
        if self.person_field not in PERSON_FIELDS:
            raise ImproperlyConfigured(
                f"SSO {self.key}: the person field must be one of {PERSON_FIELDS}."
            )

    @property
    def login_url(self) -> str:
        return reverse(LOGIN_ROUTES[self.key])


def configured_providers() -> list[Provider]:
    return [
        Provider(key=key, **options)
        for key, options in getattr(settings, "SSO_PROVIDERS", {}).items()
        if key in LOGIN_ROUTES
    ]


def get_provider(key: str) -> Provider | None:
    return next((p for p in configured_providers() if p.key == key), None)
