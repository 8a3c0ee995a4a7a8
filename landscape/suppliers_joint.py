"""Joint procurement across the organisations on this installation: for each catalog
system, the organisations whose contracts covering their usage of it end or can be
terminated within the next N months, so that neighbours can tender together.

**Privacy.** An organisation's contracts are shown outside it only when it has opted in
(``landscape.models.ProcurementSharing.shares``), and only to organisations that have
opted in themselves: sharing is mutual, so an organisation that keeps its own dates to
itself sees nothing of the others' (it always sees its own rows, to know what sharing
would show). Only the catalog system, the organisation, its contact address and the
dates are shown to others; never amounts, contract names or documents, and never a
system that is local to its organisation (a local catalog entry is private). Which
organisation is "own" is the organisation the user works in (the header's switcher).

"End or can be terminated" is read from the contracts' computed deadlines
(contracts/deadlines.py, stored on the contract): a running contract (not ended) whose
next possible end (``next_end``: the expiry, the next tacit renewal, the earliest end
after notice of an open-ended contract, or the date notice was given to) lies between
today and N months ahead. Its notice deadline, when it has one, says how long there is
to act.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q

from contracts.choices import RUNNING_STATUSES
from contracts.models import ContractCoverage
from kitos.dates import add_months
from kitos.links import url_or_none

from .models import ProcurementSharing
from .suppliers import Linked

DEFAULT_MONTHS = 24
MIN_MONTHS, MAX_MONTHS = 1, 120


@dataclass
class JointEntry:
    """One organisation's running contracts for one catalog system within the window."""

    organisation_id: int
    organisation_uuid: object
    organisation_name: str
    contact_email: str
    is_own: bool
    next_end: datetime.date
    notice_deadline: datetime.date | None
    # Own rows only: the number of contracts and the list showing them.
    contracts: Linked | None = None


@dataclass
class JointSystem:
    system_uuid: object
    name: str
    entries: list[JointEntry] = field(default_factory=list)

    @property
    def organisation_count(self) -> int:
        return len(self.entries)

    @property
    def first_end(self) -> datetime.date:
        return min(entry.next_end for entry in self.entries)

    @property
    def others(self) -> int:
        return sum(1 for entry in self.entries if not entry.is_own)


@dataclass
class JointProcurement:
    organisation: object
    months: int
    today: datetime.date
    until: datetime.date
    own_shares: bool
    systems: list[JointSystem]
    sharing_count: int  # organisations that share (shown only to sharing organisations)


def window_until(today: datetime.date, months: int) -> datetime.date:
    return add_months(today, months)


def own_contracts_url(organisation, usage_uuid, today, until) -> str:
    """The contract list showing the organisation's running contracts that cover the
    usage and can end within the window."""
    return url_or_none("contract_list", query={
        "organisation": organisation.uuid, "usage": usage_uuid,
        "status": list(RUNNING_STATUSES), "next_end_after": today.isoformat(),
        "next_end_before": until.isoformat(),
    }) or ""


def joint_procurement(organisation, *, months: int, today: datetime.date) -> JointProcurement:
    """The joint-procurement table seen from `organisation` (one the user may see; the
    caller checks): two queries, however many organisations, systems and contracts."""
    until = window_until(today, months)
    sharing = {
        row["organisation_id"]: row
        for row in ProcurementSharing.objects.filter(
            Q(shares=True) | Q(organisation=organisation)
        ).values("organisation_id", "shares", "contact_email")
    }
    own_shares = bool(sharing.get(organisation.pk, {}).get("shares"))
    shown = Q(organisation=organisation)
    if own_shares:
        # Others: only those that share, and only systems of the shared catalog.
        others = [pk for pk, row in sharing.items() if row["shares"] and pk != organisation.pk]
        shown |= Q(organisation_id__in=others, usage__system__is_local=False)
    rows = (
        ContractCoverage.objects.filter(
            shown,
            contract__status__in=RUNNING_STATUSES,
            contract__next_end__gte=today,
            contract__next_end__lte=until,
        )
        .order_by()
        .values_list(
            "usage__system_id", "usage__system__uuid", "usage__system__name",
            "organisation_id", "organisation__uuid", "organisation__name", "usage__uuid",
            "contract_id", "contract__next_end", "contract__notice_deadline",
        )
    )
    systems: dict[int, JointSystem] = {}
    entries: dict[tuple[int, int], JointEntry] = {}
    contract_ids: dict[tuple[int, int], set[int]] = {}
    usage_of: dict[tuple[int, int], object] = {}
    for (system_id, system_uuid, system_name, organisation_id, organisation_uuid,
         organisation_name, usage_uuid, contract_id, next_end, notice_deadline) in rows:
        system = systems.setdefault(system_id, JointSystem(system_uuid, system_name))
        key = (system_id, organisation_id)
        entry = entries.get(key)
        if entry is None:
            entry = entries[key] = JointEntry(
                organisation_id=organisation_id, organisation_uuid=organisation_uuid,
                organisation_name=organisation_name,
                contact_email=sharing.get(organisation_id, {}).get("contact_email", ""),
                is_own=organisation_id == organisation.pk,
                next_end=next_end, notice_deadline=notice_deadline,
            )
            system.entries.append(entry)
        entry.next_end = min(entry.next_end, next_end)
        if notice_deadline and (entry.notice_deadline is None
                                or notice_deadline < entry.notice_deadline):
            entry.notice_deadline = notice_deadline
        contract_ids.setdefault(key, set()).add(contract_id)
        usage_of[key] = usage_uuid
    for key, entry in entries.items():
        if entry.is_own:
            entry.contracts = Linked(len(contract_ids[key]), own_contracts_url(
                organisation, usage_of[key], today, until))
    for system in systems.values():
        # Own first, then the others by their first end.
        system.entries.sort(key=lambda e: (not e.is_own, e.next_end, e.organisation_name))
    ordered = sorted(
        systems.values(),
        key=lambda s: (-s.organisation_count, s.first_end, s.name.lower()),
    )
    sharing_count = sum(1 for row in sharing.values() if row["shares"]) if own_shares else 0
    return JointProcurement(
        organisation=organisation, months=months, today=today, until=until,
        own_shares=own_shares, systems=ordered, sharing_count=sharing_count,
    )
