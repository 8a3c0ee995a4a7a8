"""A person's deadlines, from what they hold: one function feeds both *Min side* and the
person's calendar feed, so the two always list the same dates.

A deadline is the person's when they hold a role today on
- the contract itself (Kontraktejer, Kontraktansvarlig, …) or follow it (subscription);
- a system usage the contract covers (the system owner of Adobe Acrobat Pro must know
  when its contract has to be given notice);
- a unit at or above the contract's responsible unit (a chef's forvaltning);
and, for the oversight of data processing agreements, a role on the agreement, on a
system usage it covers, or on a unit at or above its contract's responsible unit.

The deadlines are the notice deadline and the latest re-tender start of running
contracts, and the next oversight of agreements in force, within HORIZON_DAYS; a
re-tender that should have started while notice can still be given, and an overdue
oversight, stay on the list. A fixed number of queries, however many objects.

Apps above alerts add the person's deadlines of their own through ``alerts.sources``
(governance: the due dates of the benefits they own).

A contract deadline carries the decision already recorded on the contract's current
deadline (``Due.decision``, the kind's label), so a decided deadline says so wherever it
is listed.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from contracts.choices import decision_label
from contracts.models import Contract
from gdpr.models import DataProcessingAgreement
from kitos.links import object_url, site_url
from portfolio.models import SystemUsage
from roles.models import OrganisationUnit, Person, RoleAssignment

from .models import ContractSubscription
from .sources import deadline_sources, source_person_kind

HORIZON_DAYS = 180

NOTICE, RETENDER, OVERSIGHT, ADVICE = "notice", "retender", "oversight", "advice"
# kind -> (label, the calendar's UID suffix; kept from the feed's first version so that
# subscribed calendars update their events instead of duplicating them).
KINDS = {
    NOTICE: (gettext_noop("Sidste frist for opsigelse"), "notice-deadline"),
    RETENDER: (gettext_noop("Seneste start på genudbud"), "retender-start"),
    OVERSIGHT: (gettext_noop("Næste tilsyn med databehandler"), "oversight"),
    # The calendar's next sends of advice (alerts.advice.person_advice_sends).
    ADVICE: (gettext_noop("Advis"), "advice"),
}


@dataclass(frozen=True)
class Reason:
    """Why a deadline is the person's: the role they hold, and the system or unit it is
    held on when that is not the contract or agreement itself."""

    role: str
    via: str = ""

    def __str__(self) -> str:
        return f"{self.role}: {self.via}" if self.via else self.role


@dataclass
class Due:
    kind: str
    obj: Contract | DataProcessingAgreement  # or a source's object (alerts.sources)
    date: datetime.date
    today: datetime.date
    reasons: list[Reason] = field(default_factory=list)
    decision: str | None = None  # the decision on the contract's current deadline
    # Told apart in the calendar when an object has several dates of one kind.
    key: str = ""

    @property
    def _kind(self) -> tuple[str, str]:
        return KINDS.get(self.kind) or source_person_kind(self.kind) or (self.kind, self.kind)

    @property
    def label(self) -> str:
        return _(self._kind[0])

    @property
    def name(self) -> str:
        """The object's name as the lists show it."""
        return getattr(self.obj, "name", None) or str(self.obj)

    @property
    def path(self) -> str:
        return object_url(self.obj) or "/"

    @property
    def uid(self) -> str:
        suffix = f"{self._kind[1]}-{self.key}" if self.key else self._kind[1]
        return f"{self.obj.uuid}-{suffix}@kitos"

    @property
    def days_left(self) -> int:
        return (self.date - self.today).days

    @property
    def is_overdue(self) -> bool:
        return self.date < self.today

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)


def calendar_url(person: Person, *, request=None) -> str:
    return site_url(reverse("person_calendar", args=[person.calendar_token]), request=request)


class _Holdings:
    """What the person holds today: role names per (content type, object id), and the
    units they hold a role on (with their paths)."""

    def __init__(self, person: Person, today: datetime.date):
        self.types = {
            model: ContentType.objects.get_for_model(model).pk
            for model in (Contract, DataProcessingAgreement, SystemUsage, OrganisationUnit)
        }
        self.roles: dict[tuple[int, int], list[str]] = defaultdict(list)
        for content_type_id, object_id, role in (
            RoleAssignment.objects.current(today)
            .filter(person=person)
            .order_by("role_type__sort_order", "role_type__name")
            .values_list("content_type_id", "object_id", "role_type__name")
        ):
            self.roles[(content_type_id, object_id)].append(role)
        unit_ids = self.ids(OrganisationUnit)
        self.units = list(
            OrganisationUnit.objects.filter(organisation_id=person.organisation_id,
                                            pk__in=unit_ids).only("name", "path")
        ) if unit_ids else []

    def ids(self, model) -> list[int]:
        content_type_id = self.types[model]
        return [object_id for (ct, object_id) in self.roles if ct == content_type_id]

    def on(self, obj) -> list[str]:
        return self.roles.get((self.types[type(obj)], obj.pk), [])

    def units_over(self, unit) -> list[OrganisationUnit]:
        """The held units at or above `unit`."""
        if unit is None:
            return []
        return [held for held in self.units if unit.path.startswith(held.path)]

    def within_units(self, path_field: str) -> Q:
        """Objects whose unit (reached through `path_field`) is in a held unit's subtree."""
        query = Q(pk__in=[])
        for unit in self.units:
            query |= Q(**{f"{path_field}__startswith": unit.path})
        return query

    def reasons(self, obj, usages, unit) -> list[Reason]:
        reasons = [Reason(role) for role in self.on(obj)]
        for usage in usages:
            reasons += [Reason(role, str(usage)) for role in self.on(usage)]
        for held in self.units_over(unit):
            reasons += [Reason(role, held.name) for role in self.on(held)]
        return reasons


def person_deadlines(person: Person, *, today: datetime.date,
                     horizon: int = HORIZON_DAYS) -> list[Due]:
    """The person's deadlines (see the module docstring), nearest first."""
    end = today + datetime.timedelta(days=horizon)
    held = _Holdings(person, today)
    usage_ids = held.ids(SystemUsage)
    held_usages = SystemUsage.objects.filter(pk__in=usage_ids).select_related("system")
    subscribed = set(
        ContractSubscription.objects.filter(person=person).values_list("contract_id", flat=True)
    )
    contracts = (
        Contract.objects.in_organisation(person.organisation_id)
        .running()
        .filter(
            Q(notice_deadline__range=(today, end))
            | Q(retender_start__lte=end, notice_deadline__gte=today)
            | Q(retender_start__range=(today, end))
        )
        .filter(
            Q(pk__in=held.ids(Contract))
            | Q(pk__in=subscribed)
            | Q(pk__in=Contract.objects.filter(usages__in=usage_ids).values("pk"))
            | held.within_units("responsible_unit__path")
        )
        .with_decision()
        .select_related("responsible_unit")
        .prefetch_related(Prefetch("usages", queryset=held_usages, to_attr="held_usages"))
    )
    due = []
    for contract in contracts:
        reasons = held.reasons(contract, contract.held_usages, contract.responsible_unit)
        if contract.pk in subscribed:
            reasons.append(Reason(_("Følger kontrakten")))
        for kind, date in ((NOTICE, contract.notice_deadline),
                           (RETENDER, contract.retender_start)):
            if date is None or date > end:
                continue
            notice_open = contract.notice_deadline and contract.notice_deadline >= today
            if date >= today or (kind == RETENDER and notice_open):
                due.append(Due(kind, contract, date, today, reasons,
                               decision_label(contract.decision_kind)))
    agreements = (
        DataProcessingAgreement.objects.in_organisation(person.organisation_id)
        .in_force(today)
        .filter(next_oversight_date__lte=end)
        .filter(
            Q(pk__in=held.ids(DataProcessingAgreement))
            | Q(pk__in=DataProcessingAgreement.objects.filter(usages__in=usage_ids)
                .values("pk"))
            | held.within_units("contract__responsible_unit__path")
        )
        .select_related("contract__responsible_unit")
        .prefetch_related(Prefetch("usages", queryset=held_usages, to_attr="held_usages"))
    )
    for agreement in agreements:
        unit = agreement.contract.responsible_unit if agreement.contract else None
        due.append(Due(OVERSIGHT, agreement, agreement.next_oversight_date, today,
                       held.reasons(agreement, agreement.held_usages, unit)))
    for source in deadline_sources():
        if source.person_deadlines is not None:
            due += source.person_deadlines(person=person, today=today, end=end)
    due.sort(key=lambda d: (d.date, str(d.obj).lower(), d.kind))
    return due
