"""Writes for a benefit's due dates (its measurement points): keyword-only, atomic,
validated, permission-checked and audited; the benefit page, the API and the admin call
these. Moving a due date re-arms its reminders by itself (alerts are kept per date)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kitos.services import create_object, delete_object, update_object

from .models import Benefit, BenefitDueDate


@transaction.atomic
def due_date_create(*, actor, benefit: Benefit, date, **fields: Any) -> BenefitDueDate:
    """A measurement point of `benefit` (one per benefit and date)."""
    return create_object(
        actor=actor,
        instance=BenefitDueDate(
            organisation_id=benefit.organisation_id, benefit=benefit, date=date, **fields
        ),
    )


@transaction.atomic
def due_date_update(
    *, actor, due_date: BenefitDueDate, data: dict[str, Any]
) -> BenefitDueDate:
    if "benefit" in data and data["benefit"] != due_date.benefit:
        raise ValidationError(
            {"benefit": _("Kan ikke flyttes til en anden gevinst; opret en ny forfaldsdato.")}
        )
    return update_object(actor=actor, instance=due_date, data=data)


@transaction.atomic
def due_date_delete(*, actor, due_date: BenefitDueDate) -> None:
    delete_object(actor=actor, instance=due_date)


@transaction.atomic
def due_dates_delete_for(*, actor, benefit: Benefit) -> None:
    """Delete a benefit's due dates, each audited (before the benefit goes: the deletions
    feed names them for sync clients)."""
    for due_date in BenefitDueDate.objects.filter(benefit=benefit):
        delete_object(actor=actor, instance=due_date)
