"""Reading an IdP's claims (OIDC) or attributes (SAML) through a provider's mapping:
which organisation, which membership role, which person. Reads only; the writes are in
``sso.services``."""

from __future__ import annotations

import re
from collections.abc import Mapping

from kitos.choices import MembershipRole
from kitos.models import Organisation
from roles.models import Person

from .providers import NO_ROLE, Provider

# Lowest to highest: a user in several mapped groups gets the highest role.
ROLE_RANK = [MembershipRole.READER, MembershipRole.EDITOR, MembershipRole.ADMIN]


def claim_values(claims: Mapping, name: str) -> list[str]:
    """The values of a claim as a list of strings (SAML attributes are always lists,
    OIDC claims a string or a list)."""
    if not name:
        return []
    value = claims.get(name)
    if value is None:
        return []
    values = value if isinstance(value, list | tuple) else [value]
    return [str(v).strip() for v in values if v is not None and str(v).strip()]


def first_claim(claims: Mapping, name: str) -> str:
    values = claim_values(claims, name)
    return values[0] if values else ""


def organisation_for(provider: Provider, claims: Mapping) -> Organisation | None:
    """The organisation the claim names (its CVR number or slug), else the provider's
    fixed one. A claim naming an unknown organisation gives None: falling back to the
    fixed organisation would put another municipality's employee into it."""
    value = first_claim(claims, provider.organisation_claim)
    if value:
        # KOMBIT sends the bare CVR number; some IdPs prefix it ("CVR:29189846").
        cvr = re.sub(r"^cvr:\s*", "", value, flags=re.IGNORECASE)
        if re.fullmatch(r"[0-9]{8}", cvr):
            return Organisation.objects.filter(cvr=cvr).first()
        return Organisation.objects.filter(slug=value).first()
    if provider.organisation:
        return Organisation.objects.filter(slug=provider.organisation).first()
    return None


def role_for(provider: Provider, claims: Mapping) -> str | None:
    """The highest role any of the user's mapped groups gives, else the default role;
    None means no access."""
    groups = claim_values(claims, provider.role_claim)
    roles = [provider.role_map[group] for group in groups if group in provider.role_map]
    roles = [role for role in roles if role != NO_ROLE]
    if roles:
        return max(roles, key=ROLE_RANK.index)
    return None if provider.default_role == NO_ROLE else provider.default_role


def person_for(provider: Provider, claims: Mapping, organisation: Organisation, user
               ) -> Person | None:
    """The person in `organisation` the configured claim identifies, unless another
    login already holds it (a person is never taken from someone else)."""
    value = first_claim(claims, provider.person_claim)
    if not value:
        return None
    person = (
        Person.objects.filter(organisation=organisation)
        .filter(**{f"{provider.person_field}__iexact": value})
        .order_by("pk")
        .first()
    )
    if person is None or person.user_id not in (None, user.pk):
        return None
    return person
