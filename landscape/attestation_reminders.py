"""Reminders to the owners of pending attestations, through the alert machinery: this
module is the deadline source landscape registers with ``alerts.sources``
(attestation_setup.register), so the organisation's alert rules, the once-per-deadline
deliveries, the digest e-mail and the in-app notifications are the contracts' own.

- *Attestering forfalder* (AlertKind.ATTESTATION_DUE): the rule's days before the
  campaign's due date (by default 14).
- *Attestering overskredet* (AlertKind.ATTESTATION_OVERDUE): the rule's days after a due
  date that has passed without an answer (by default the day after).

Only pending attestations of open campaigns are chased: once an attestation is answered,
or its campaign closed, it gets no more reminders. The daily beat task
(``alerts.tasks.scan_alerts``) runs every registered source, so nothing here is queued.

Recipient: the attestation's owner (the system owner or contract owner when the campaign
opened); without one (or when they have left or have no e-mail) the organisation's
admins, marked ``without_owner``.
"""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from alerts.choices import AlertKind
from alerts.my_deadlines import Due, Reason
from alerts.sources import DeadlineSource, SourceDeadline

from .attestation_choices import AttestationStatus, CampaignStatus
from .models import Attestation


def _chased():
    return Attestation.objects.filter(
        status=AttestationStatus.PENDING, campaign__status=CampaignStatus.OPEN
    )


def attestation_deadlines(*, windows, today: datetime.date) -> list[SourceDeadline]:
    """The pending attestations of open campaigns whose due date is within the rules'
    windows, each to its owner. Two queries (the content type is cached)."""
    first = min(window[0] for window in windows.values())
    last = max(window[1] for window in windows.values())
    rows = (
        _chased().filter(campaign__due_on__range=(first, last))
        .select_related("campaign", "owner", "usage__system", "contract")
        .order_by("pk")
    )
    content_type_id = ContentType.objects.get_for_model(Attestation).pk
    found = []
    for attestation in rows:
        owner = attestation.owner
        recipients = ()
        if owner is not None and owner.email and not owner.has_left(today):
            recipients = ((owner.pk, owner.email, owner.user_id),)
        deadline = attestation.campaign.due_on
        for kind, (start, end) in windows.items():
            if start <= deadline <= end:
                found.append(SourceDeadline(
                    organisation_id=attestation.organisation_id,
                    content_type_id=content_type_id, object_id=attestation.pk,
                    object_repr=str(attestation), kind=kind, deadline=deadline,
                    recipients=recipients,
                ))
    return found


PERSON_KIND = "attestation"


def person_attestation_deadlines(*, person, today: datetime.date,
                                 end: datetime.date) -> list[Due]:
    """The person's own pending attestations in open campaigns due up to `end` (overdue
    ones stay until answered), for *Min side* and the calendar feed. One query."""
    rows = (
        _chased().filter(owner=person, campaign__due_on__lte=end)
        .select_related("campaign", "usage__system", "contract")
    )
    return [
        Due(PERSON_KIND, attestation, attestation.campaign.due_on, today,
            [Reason(_("Attestering"), attestation.campaign.title)])
        for attestation in rows
    ]


SOURCE = DeadlineSource(
    name="landscape.attestations",
    kinds=frozenset({AlertKind.ATTESTATION_DUE, AlertKind.ATTESTATION_OVERDUE}),
    collect=attestation_deadlines,
    # Mail text is rendered in Danish; these are the msgids.
    decisions={
        AlertKind.ATTESTATION_DUE: gettext_noop(
            "Gennemgå oplysningerne og bekræft dem, eller ret dem og skriv hvad du rettede, "
            "under Mine attesteringer i kitos."
        ),
        AlertKind.ATTESTATION_OVERDUE: gettext_noop(
            "Fristen for attesteringen er passeret. Bekræft eller ret oplysningerne nu."
        ),
    },
    person_deadlines=person_attestation_deadlines,
    person_kinds={PERSON_KIND: (gettext_noop("Attestering forfalder"), "attestation-due")},
)
