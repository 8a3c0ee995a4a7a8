"""The procurement plan: which contracts are to be re-tendered, by quarter, per
forvaltning (a top-level unit). A page and an Excel download of the same rows.

A contract is on the plan when it still runs without notice given (``actionable``) and
either its current deadline was decided as a re-tender, or it has a computed
``retender_start`` and no decision that rules a re-tender out (renew, use an option,
terminate; see ``choices.NO_RETENDER_DECISIONS``). "Other" leaves the question open, so
the contract stays on the plan. The quarter is the one of ``retender_start`` (of the
deadline itself when no lead time gives one); a start already passed is marked late.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from roles.models import OrganisationUnit, Person

from . import choices
from .models import Contract

# The forvaltning filter's value for "every forvaltning".
ALL = "alle"


@dataclass(frozen=True)
class PlanRow:
    contract: Contract
    start: datetime.date
    is_late: bool
    forvaltning: OrganisationUnit | None

    @property
    def quarter(self) -> tuple[int, int]:
        return (self.start.year, (self.start.month - 1) // 3 + 1)

    @property
    def decision_label(self) -> str:
        kind = self.contract.decision_kind
        return choices.DecisionKind(kind).label if kind else _("Ingen beslutning")


@dataclass
class Quarter:
    year: int
    number: int
    rows: list[PlanRow]

    @property
    def label(self) -> str:
        return _("%(number)s. kvartal %(year)s") % {"number": self.number, "year": self.year}


def plan_queryset(user):
    """The contracts on the plan among those `user` may see: one query, whatever the
    number of contracts (the decision is two subqueries, the rest joins)."""
    return (
        Contract.objects.visible_to(user)
        .actionable()
        .with_decision()
        .filter(
            Q(decision_kind=choices.DecisionKind.RETENDER)
            | Q(retender_start__isnull=False)
            & (
                # Spelled out: NOT IN is never true for a NULL (undecided) in SQL.
                Q(decision_kind__isnull=True)
                | ~Q(decision_kind__in=choices.NO_RETENDER_DECISIONS)
            )
        )
        .select_related("organisation", "supplier", "responsible_unit")
        .order_by("retender_start", "name")
    )


def forvaltninger(user) -> dict[int, OrganisationUnit]:
    """The forvaltninger of the user's organisations, by id (one query)."""
    return {
        unit.pk: unit
        for unit in OrganisationUnit.objects.visible_to(user)
        .select_related("organisation").forvaltninger()
    }


def forvaltning_id(unit_path: str, tops: dict) -> int | None:
    """The forvaltning (among `tops`) a unit with `unit_path` ("/1/12/57/") belongs to."""
    ancestors = [int(part) for part in unit_path.split("/") if part]
    return next((unit_id for unit_id in ancestors[:2] if unit_id in tops), None)


def home_forvaltning_id(user, tops: dict) -> int | None:
    """The forvaltning of the unit of the user's own person, if any (one query)."""
    path = (
        Person.objects.visible_to(user)
        .filter(user_id=user.pk, unit__isnull=False)
        .values_list("unit__path", flat=True)
        .first()
    )
    return forvaltning_id(path or "", tops)


def build_plan(contracts, *, today: datetime.date, tops: dict) -> list[Quarter]:
    """The contracts grouped by the quarter of their re-tender start."""
    quarters: dict[tuple[int, int], Quarter] = {}
    for contract in contracts:
        start = contract.retender_start or contract.current_deadline
        if start is None:
            continue
        unit = contract.responsible_unit
        row = PlanRow(
            contract=contract,
            start=start,
            is_late=start < today,
            forvaltning=tops.get(forvaltning_id(unit.path, tops)) if unit else None,
        )
        year, number = row.quarter
        quarters.setdefault((year, number), Quarter(year, number, [])).rows.append(row)
    return [quarters[key] for key in sorted(quarters)]
