"""The gap rule "Attestering overskredet": a pending attestation of an open campaign
whose due date has passed. Registered with gdpr.gaps.register_rule (gdpr is below
landscape), so the gap overview, the dashboard and the object pages count it like
gdpr's own rules."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gdpr.gaps import Rule
from kitos.links import object_url

from .models import Attestation


def attestation_overdue(attestations: QuerySet, today: datetime.date) -> QuerySet:
    return attestations.overdue(today)


RULE = Rule(
    key="attestation-overdue",
    title=_("Attestering overskredet"),
    explanation=_(
        "Fristen i en åben attesteringskampagne er passeret, og den ansvarlige har "
        "hverken bekræftet eller rettet oplysningerne om systemet eller kontrakten."
    ),
    fix=_("Bekræft eller ret oplysningerne."),
    model=Attestation,
    unit_field="unit",
    offending=attestation_overdue,
    # The attestation's own page has the confirm / correct form.
    fix_link=object_url,
    related=("campaign", "usage__system", "contract", "unit", "owner"),
)
