"""Writes of the suppliers part: an organisation's choice to share its contracts' end
dates for joint procurement (landscape.suppliers_joint). Keyword-only, atomic,
permission-checked and audited through kitos.services; the page's form and the API
call them.

Only the organisation's administrators decide: sharing shows the organisation's
contracts to every other organisation on the installation that shares too."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kitos.services import create_object, update_object
from kitos.tenancy import ADMIN, has_role

from .models import ProcurementSharing

# What a choice holds besides its organisation.
SHARING_FIELDS = ("shares", "contact_email")


def _require_admin(actor, organisation_id) -> None:
    if not has_role(actor, organisation_id, at_least=ADMIN):
        raise PermissionDenied(
            _("Kun organisationens administratorer kan ændre deling til fælles udbud.")
        )


@transaction.atomic
def procurement_sharing_create(
    *, actor, organisation, shares: bool, contact_email: str = ""
) -> ProcurementSharing:
    """Record the organisation's first choice (a second is refused: update that one)."""
    _require_admin(actor, organisation.pk)
    return create_object(actor=actor, instance=ProcurementSharing(
        organisation=organisation, shares=shares, contact_email=contact_email,
    ))


@transaction.atomic
def procurement_sharing_update(*, actor, sharing: ProcurementSharing, data: dict
                               ) -> ProcurementSharing:
    """Change `data` (``shares``, ``contact_email``) of the organisation's choice."""
    _require_admin(actor, sharing.organisation_id)
    organisation = data.get("organisation")
    if organisation is not None and organisation.pk != sharing.organisation_id:
        raise ValidationError(
            {"organisation": _("Et valg om deling kan ikke flyttes til en anden organisation.")}
        )
    changes = {name: data[name] for name in SHARING_FIELDS if name in data}
    return update_object(actor=actor, instance=sharing, data=changes)


@transaction.atomic
def procurement_sharing_set(
    *, actor, organisation, shares: bool, contact_email: str = ""
) -> ProcurementSharing:
    """The organisation's choice as given, whether it had one or not (the page's form)."""
    _require_admin(actor, organisation.pk)
    existing = (
        ProcurementSharing.objects.select_for_update().filter(organisation=organisation)
        .order_by("pk").first()
    )
    if existing is None:
        return procurement_sharing_create(
            actor=actor, organisation=organisation, shares=shares, contact_email=contact_email
        )
    return procurement_sharing_update(
        actor=actor, sharing=existing,
        data={"shares": shares, "contact_email": contact_email},
    )
