"""The demo's manual advice ("advis"): a few believable ones on the organisation's
contracts, so the "Advis" tab and the advice pages have something to show. Safe to
re-run: an advice with the same subject on the same contract is left as it is.

The repeating ones start next month (nothing is mailed while seeding); the immediate one
is recorded as sent, without a mail, as if it had gone out."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from alerts.advice import advice_create, recipients
from alerts.models import Advice, AdviceSent
from contracts.models import Contract
from kitos.dates import add_months
from kitos.tenancy import SYSTEM
from roles.models import RoleType

if TYPE_CHECKING:
    from .seed import OrgSeeder

# (subject, repetition, body, roles as "to", roles as "cc", extra "to" address prefix)
ADVICE = (
    (
        "Husk budgetopfølgning med leverandøren", "quarterly",
        "Gennemgå kvartalets forbrug og fakturaer mod budgettet, og aftal med "
        "leverandøren hvordan afvigelser håndteres.",
        ("kontraktejer",), ("contract-manager",), "",
    ),
    (
        "Årligt statusmøde med leverandøren", "yearly",
        "Aftal årets statusmøde: driftsstabilitet, roadmap, prisregulering og om "
        "kontrakten stadig dækker behovet.",
        ("contract-manager",), (), "indkoeb",
    ),
    (
        "Ny prisregulering fra 1. januar", "immediate",
        "Leverandøren har varslet prisregulering efter nettoprisindekset fra 1. januar. "
        "Kontrollér at reguleringen følger kontraktens bestemmelser.",
        ("kontraktejer",), (), "",
    ),
)


def _at_nine(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


@transaction.atomic
def seed_advice(seeder: OrgSeeder) -> None:
    contracts = list(
        Contract.objects.filter(organisation=seeder.organisation).order_by("name", "pk")[:3]
    )
    if not contracts:
        return
    contract_type = ContentType.objects.get_for_model(Contract)
    existing = set(
        Advice.objects.filter(
            organisation=seeder.organisation, content_type=contract_type,
            object_id__in=[c.pk for c in contracts],
        ).values_list("object_id", "subject")
    )
    roles = {
        role.code: role
        for role in RoleType.objects.filter(organisation__isnull=True, applies_to="contract")
    }
    first_of_next_month = add_months(seeder.today.replace(day=1), 1)
    for contract, (subject, repetition, body, to, cc, address) in zip(
        contracts, ADVICE, strict=False
    ):
        if (contract.pk, subject) in existing:
            continue
        alarm_at = _at_nine(first_of_next_month)
        stop_on = contract.expiry_date if contract.expiry_date and (
            contract.expiry_date >= first_of_next_month
        ) else None
        advice = advice_create(
            actor=SYSTEM, target=contract, subject=subject, body=body,
            repetition=repetition, alarm_at=alarm_at, stop_on=stop_on,
            to_roles=[roles[code] for code in to if code in roles],
            cc_roles=[roles[code] for code in cc if code in roles],
            to_emails=[f"{address}@{seeder.plan.domain}"] if address else [],
        )
        if repetition == "immediate":
            # Shown as sent, without mailing anyone from the seed.
            sent_at = _at_nine(seeder.today)
            AdviceSent.objects.create(
                advice=advice, due_at=advice.alarm_at, sent_at=sent_at,
                recipients=recipients(advice, seeder.today),
            )
            Advice.objects.filter(pk=advice.pk).update(
                is_active=False, next_send_at=None, last_sent_at=sent_at
            )
