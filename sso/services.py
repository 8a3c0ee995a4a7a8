"""The one write path of a single sign-on: find or create the user, let the membership
follow the IdP, link the user's person, all audited in one transaction.

Decisions (README: Single sign-on):
- Users are found by (provider, subject) (``SsoIdentity``), never by e-mail.
- The membership in the IdP's organisation follows the IdP on every login: the mapped
  role replaces whatever was set in kitos (up or down). When the IdP maps the user to no
  role (and the default role is ``none``) the membership is removed and the login
  refused; memberships in other organisations, given in kitos, are left alone.
- The person is linked, never created: people are kitos data the organisation keeps.
- The IdP never makes anyone staff or superuser.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kitos.audit import AuditAction, diff, record_change, snapshot
from kitos.models import Membership
from kitos.services import delete_object
from kitos.tenancy import SYSTEM
from roles.models import Person
from roles.services import membership_set, person_update

from .mapping import first_claim, organisation_for, person_for, role_for
from .models import SsoIdentity
from .providers import Provider

# The user fields the IdP keeps up to date (the password never: SSO users have none).
USER_FIELDS = ("username", "email", "first_name", "last_name", "is_active")


@dataclass(frozen=True)
class SsoLogin:
    """The outcome: the user to log in, or None and the Danish reason to show."""

    user: object | None
    refusal: str = ""


def _user_state(user) -> dict:
    return {name: getattr(user, name) for name in USER_FIELDS}


def _username(*, email: str, provider: Provider, subject: str) -> str:
    """The e-mail address when free (readable in the audit log), else made unique with
    a hash of the subject. Characters Django's usernames refuse are replaced."""
    user_model = get_user_model()
    base = re.sub(r"[^\w.@+-]", "-", email or f"{provider.key}-{subject}")[:150]
    if not user_model.objects.filter(username__iexact=base).exists():
        return base
    suffix = "-" + hashlib.sha256(f"{provider.key}:{subject}".encode()).hexdigest()[:10]
    return base[: 150 - len(suffix)] + suffix


def _profile(provider: Provider, claims: Mapping) -> dict:
    profile = {
        "email": first_claim(claims, provider.email_claim)[:254],
        "first_name": first_claim(claims, provider.first_name_claim)[:150],
        "last_name": first_claim(claims, provider.last_name_claim)[:150],
    }
    # An IdP that leaves a field out says nothing about it: keep what kitos has.
    return {name: value for name, value in profile.items() if value}


def _create_user(*, provider: Provider, subject: str, claims: Mapping):
    profile = _profile(provider, claims)
    user = get_user_model()(
        username=_username(email=profile.get("email", ""), provider=provider, subject=subject),
        **profile,
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    record_change(actor=SYSTEM, action=AuditAction.CREATE, instance=user,
                  changes=diff({}, _user_state(user)))
    identity = SsoIdentity(user=user, provider=provider.key, subject=subject)
    identity.full_clean()
    identity.save()
    record_change(actor=SYSTEM, action=AuditAction.CREATE, instance=identity,
                  changes=diff({}, snapshot(identity)))
    return identity


def _update_user(*, user, provider: Provider, claims: Mapping) -> None:
    before = _user_state(user)
    for name, value in _profile(provider, claims).items():
        setattr(user, name, value)
    changes = diff(before, _user_state(user))
    if changes:
        user.full_clean()
        user.save(update_fields=[name for name in changes])
        record_change(actor=SYSTEM, action=AuditAction.UPDATE, instance=user, changes=changes)


def _sync_membership(*, user, organisation, role: str | None) -> None:
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    if role is None:
        if membership is not None:
            delete_object(actor=SYSTEM, instance=membership)
    elif membership is None or membership.role != role:
        membership_set(actor=SYSTEM, user=user, organisation=organisation, role=role)


def _link_person(*, user, person: Person | None, organisation) -> None:
    if person is None or person.user_id == user.pk:
        return
    # One login per person and one person per login in an organisation: the IdP's
    # answer wins over an older link of this user.
    for previous in Person.objects.filter(organisation=organisation, user=user):
        person_update(actor=SYSTEM, person=previous, data={"user": None})
    person_update(actor=SYSTEM, person=person, data={"user": user})


@transaction.atomic
def sso_login(*, provider: Provider, subject: str, claims: Mapping) -> SsoLogin:
    """Map a verified IdP login (`subject`, its `claims`) to a kitos user: create the
    user on the first login, update it and its membership on every login, link its
    person. Returns the user, or None with the reason (nothing is created then; a
    membership the IdP no longer grants is removed, and that removal is kept)."""
    if not subject:
        return SsoLogin(None, _("Identitetsudbyderen sendte ikke hvem du er."))
    organisation = organisation_for(provider, claims)
    if organisation is None:
        return SsoLogin(None, _("Din organisation findes ikke i kitos. Kontakt din administrator."))
    role = role_for(provider, claims)
    identity = (
        SsoIdentity.objects.select_for_update().select_related("user")
        .filter(provider=provider.key, subject=subject).first()
    )
    if identity is None:
        if role is None:
            return SsoLogin(None, _("Du har ikke adgang til kitos. Kontakt din administrator."))
        identity = _create_user(provider=provider, subject=subject, claims=claims)
    user = identity.user
    if not user.is_active:
        return SsoLogin(None, _("Din bruger i kitos er spærret. Kontakt din administrator."))
    _update_user(user=user, provider=provider, claims=claims)
    _sync_membership(user=user, organisation=organisation, role=role)
    if role is None:
        return SsoLogin(None, _("Du har ikke adgang til kitos. Kontakt din administrator."))
    _link_person(user=user, person=person_for(provider, claims, organisation, user),
                 organisation=organisation)
    identity.last_login_at = timezone.now()
    identity.save(update_fields=["last_login_at"])
    return SsoLogin(user)


__all__ = ["SsoLogin", "sso_login"]
