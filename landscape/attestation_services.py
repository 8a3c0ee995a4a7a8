"""Writes of the attestation campaigns: keyword-only, atomic, permission-checked and
audited, like every kitos service. The pages, the API and the tests all call these.

A campaign is created as a draft (``campaign_create``), opened (``campaign_open``: one
pending attestation per live system usage and running contract, asked of its system
owner or contract owner, and from then on their reminders run through the alert scan),
answered one attestation at a time (``attestation_attest``: confirmed, or corrected with
a comment), closed (``campaign_close``), and followed by the next one
(``campaign_next``: the same campaign ``interval_months`` later, yearly by default).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.filtersets import CONTRACT_OWNER_ROLE
from contracts.models import Contract
from kitos.audit import AuditAction, build_entry, diff, record_change, record_changes, snapshot
from kitos.dates import add_months
from kitos.services import create_object, update_object
from kitos.tenancy import EDITOR, READER, has_role
from portfolio.choices import LIVE_LIFECYCLES
from portfolio.filtersets import SYSTEM_OWNER_ROLE
from portfolio.models import SystemUsage
from roles.models import RoleAssignment, still_working

from .attestation_choices import ANSWERED, AttestationStatus, CampaignStatus
from .models import Attestation, AttestationCampaign

# What an edit of a campaign may change; its status moves only through open and close.
CAMPAIGN_FIELDS = ("title", "year", "opens_on", "due_on", "interval_months")


def _is_user(actor) -> bool:
    return getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None) is not None


@transaction.atomic
def campaign_create(
    *, actor, organisation, title: str, year: int, opens_on: datetime.date,
    due_on: datetime.date, interval_months: int | None = None,
) -> AttestationCampaign:
    """A new campaign, as a draft: nobody is asked anything until it is opened."""
    campaign = AttestationCampaign(
        organisation=organisation, title=title, year=year, opens_on=opens_on, due_on=due_on,
        created_by=actor if _is_user(actor) else None,
    )
    if interval_months is not None:
        campaign.interval_months = interval_months
    return create_object(actor=actor, instance=campaign)


@transaction.atomic
def campaign_update(*, actor, campaign: AttestationCampaign, data: dict) -> AttestationCampaign:
    """Change a campaign's title, period, due date or interval. A moved due date moves
    its reminders too (the alert scan keys them by date)."""
    unknown = set(data) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise ValidationError(
            {name: _("Feltet kan ikke ændres her.") for name in sorted(unknown)}
        )
    return update_object(actor=actor, instance=campaign, data=data)


def _lock(campaign: AttestationCampaign) -> AttestationCampaign:
    """The campaign's row, locked until the step commits: two people opening or closing
    it at once take turns."""
    return AttestationCampaign.objects.select_for_update().get(pk=campaign.pk)


def _set_status(actor, campaign: AttestationCampaign, status: str) -> None:
    before = campaign.status
    campaign.status = status
    campaign.save(update_fields=["status", "updated_at"])
    record_change(actor=actor, action=AuditAction.UPDATE, instance=campaign,
                  changes={"status": [before, status]})


def current_owners(model, object_ids: Iterable[int], role_code: str,
                   today: datetime.date) -> dict[int, int]:
    """Object id -> the person holding the role `role_code` on it today (someone who has
    not left; with several holders, the one who has held it longest). One query."""
    owners: dict[int, int] = {}
    rows = (
        RoleAssignment.objects.current(today)
        .filter(still_working(today, "person__"),
                content_type=ContentType.objects.get_for_model(model),
                object_id__in=list(object_ids), role_type__code=role_code)
        .order_by("object_id", "start_date", "person__name", "pk")
        .values_list("object_id", "person_id")
    )
    for object_id, person_id in rows:
        owners.setdefault(object_id, person_id)
    return owners


def _missing_attestations(campaign: AttestationCampaign, today) -> list[Attestation]:
    """One pending attestation per live usage and running contract of the organisation
    that the campaign does not have yet. A fixed number of queries."""
    organisation_id = campaign.organisation_id
    have = set(campaign.attestations.values_list("usage_id", "contract_id"))
    have_usages = {usage for usage, _contract in have if usage}
    have_contracts = {contract for _usage, contract in have if contract}
    usages = dict(
        SystemUsage.objects.filter(organisation_id=organisation_id,
                                   lifecycle__in=LIVE_LIFECYCLES)
        .exclude(pk__in=have_usages).values_list("pk", "responsible_unit_id")
    )
    contracts = dict(
        Contract.objects.filter(organisation_id=organisation_id).running()
        .exclude(pk__in=have_contracts).values_list("pk", "responsible_unit_id")
    )
    usage_owners = current_owners(SystemUsage, usages, SYSTEM_OWNER_ROLE, today)
    contract_owners = current_owners(Contract, contracts, CONTRACT_OWNER_ROLE, today)
    common = {"organisation_id": organisation_id, "campaign": campaign}
    return [
        Attestation(usage_id=pk, unit_id=unit_id, owner_id=usage_owners.get(pk), **common)
        for pk, unit_id in usages.items()
    ] + [
        Attestation(contract_id=pk, unit_id=unit_id, owner_id=contract_owners.get(pk),
                    **common)
        for pk, unit_id in contracts.items()
    ]


@transaction.atomic
def campaign_open(*, actor, campaign: AttestationCampaign,
                  today: datetime.date | None = None) -> int:
    """Open the campaign: every live system usage and running contract of its
    organisation gets a pending attestation, asked of its system owner or contract owner.
    Opening an open campaign again adds only what is missing (a system taken into use
    since, say); nothing already there is touched. Returns how many were added."""
    campaign.check_editable_by(actor)
    locked = _lock(campaign)
    if locked.status == CampaignStatus.CLOSED:
        raise ValidationError(_("Kampagnen er lukket og kan ikke åbnes igen."))
    today = today or timezone.localdate()
    new = _missing_attestations(locked, today)
    created = Attestation.objects.bulk_create(new, batch_size=1000)
    record_changes([
        build_entry(actor=actor, action=AuditAction.CREATE, instance=attestation,
                    changes=diff({}, snapshot(attestation)))
        for attestation in created
    ])
    if locked.status != CampaignStatus.OPEN:
        _set_status(actor, locked, CampaignStatus.OPEN)
    campaign.status = locked.status
    return len(created)


@transaction.atomic
def campaign_close(*, actor, campaign: AttestationCampaign) -> AttestationCampaign:
    """Close the campaign: no more answers and no more reminders. Closing a closed
    campaign changes nothing."""
    campaign.check_editable_by(actor)
    locked = _lock(campaign)
    if locked.status != CampaignStatus.CLOSED:
        _set_status(actor, locked, CampaignStatus.CLOSED)
    campaign.status = locked.status
    return locked


def _next_title(campaign: AttestationCampaign, year: int) -> str:
    old = str(campaign.year)
    if old in campaign.title:
        return campaign.title.replace(old, str(year))
    return f"{campaign.title} {year}"


@transaction.atomic
def campaign_next(*, actor, campaign: AttestationCampaign) -> AttestationCampaign:
    """The campaign's successor, as a draft: the same campaign `interval_months` later
    (yearly by default). Asking twice gives the same successor."""
    campaign.check_editable_by(actor)
    opens_on = add_months(campaign.opens_on, campaign.interval_months)
    due_on = add_months(campaign.due_on, campaign.interval_months)
    year = campaign.year + (opens_on.year - campaign.opens_on.year)
    title = _next_title(campaign, year)
    existing = AttestationCampaign.objects.filter(
        organisation_id=campaign.organisation_id, title=title
    ).first()
    if existing is not None:
        return existing
    return campaign_create(
        actor=actor, organisation=campaign.organisation, title=title, year=year,
        opens_on=opens_on, due_on=due_on, interval_months=campaign.interval_months,
    )


def may_attest(user, attestation: Attestation) -> bool:
    """The record's owner (their own login, still a member) answers; the organisation's
    editors and admins may answer for them."""
    if has_role(user, attestation.organisation_id, at_least=EDITOR):
        return True
    owner = attestation.owner
    return (
        owner is not None and owner.user_id is not None and _is_user(user)
        and owner.user_id == user.pk
        and has_role(user, attestation.organisation_id, at_least=READER)
    )


@transaction.atomic
def attestation_attest(*, actor, attestation: Attestation, status: str,
                       comment: str = "") -> Attestation:
    """Answer an attestation: `confirmed` (the records are right) or `corrected` (with a
    comment saying what was corrected). The row is locked while answering; a second
    confirmation of a confirmed attestation changes and records nothing."""
    locked = (
        Attestation.objects.select_for_update(of=("self",))
        .select_related("campaign", "owner").get(pk=attestation.pk)
    )
    if not may_attest(actor, locked):
        raise PermissionDenied(_("Kun den ansvarlige eller en redaktør kan attestere."))
    if locked.campaign.status != CampaignStatus.OPEN:
        raise ValidationError(_("Kampagnen er ikke åben."))
    if status not in ANSWERED:
        raise ValidationError({"status": _("Vælg bekræftet eller rettet.")})
    comment = (comment or "").strip()
    if status == AttestationStatus.CONFIRMED and locked.status == status and not comment:
        return locked
    before = snapshot(locked)
    locked.status = status
    if comment or status == AttestationStatus.CORRECTED:
        locked.comment = comment
    locked.attested_by = actor if _is_user(actor) else None
    locked.attested_at = timezone.now()
    locked.full_clean()
    locked.save()
    record_change(actor=actor, action=AuditAction.UPDATE, instance=locked,
                  changes=diff(before, snapshot(locked)))
    return locked
