"""My page: what the logged-in user's person holds a role on in an organisation, their
deadlines in the coming half year and the gaps in their objects.

A fixed number of queries however many roles: the assignments with their targets (one
query per kind of target), the contracts and agreements with dates, one query per gap
rule.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext as _

from alerts.models import ContractSubscription
from contracts.models import Contract
from gdpr.gaps import gaps_for_objects
from gdpr.models import DataProcessingAgreement
from kitos.links import object_url, url_or_none
from roles.choices import RoleTarget
from roles.models import Person, RoleAssignment, target_kind

HORIZON_DAYS = 180


@dataclass
class Responsibility:
    assignment: RoleAssignment
    target: object
    url: str | None
    gaps: list = field(default_factory=list)


@dataclass
class Group:
    label: str
    items: list[Responsibility]


@dataclass
class Due:
    label: str
    obj: object
    date: datetime.date
    today: datetime.date
    url: str | None

    @property
    def days_left(self) -> int:
        return (self.date - self.today).days

    @property
    def is_overdue(self) -> bool:
        return self.date < self.today

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)


@dataclass
class MyPage:
    person: Person | None
    groups: list[Group]
    deadlines: list[Due]
    gap_items: list[Responsibility]
    horizon: int = HORIZON_DAYS

    @property
    def role_count(self) -> int:
        return sum(len(group.items) for group in self.groups)


def _target_url(kind: str, target) -> str | None:
    if kind == RoleTarget.ORGANISATION:
        return url_or_none("dashboard", target.slug)
    return object_url(target)


def build(*, user, organisation, today: datetime.date) -> MyPage:
    person = (
        Person.objects.visible_to(user)
        .filter(organisation=organisation, user=user)
        .select_related("unit")
        .first()
    )
    if person is None:
        return MyPage(person=None, groups=[], deadlines=[], gap_items=[])
    assignments = [
        assignment
        for assignment in RoleAssignment.objects.visible_to(user)
        .filter(person=person)
        .current(today)
        .for_list()
        .order_by("role_type__applies_to", "role_type__sort_order", "object_id")
        if assignment.target is not None
    ]
    gaps = gaps_for_objects([a.target for a in assignments], today=today)
    by_kind: dict[str, list[Responsibility]] = {}
    for assignment in assignments:
        target = assignment.target
        kind = target_kind(target)
        by_kind.setdefault(kind, []).append(Responsibility(
            assignment, target, _target_url(kind, target),
            gaps.get((type(target), target.pk), []),
        ))
    groups = [
        Group(str(label), sorted(by_kind[value], key=lambda r: str(r.target).lower()))
        for value, label in RoleTarget.choices
        if value in by_kind
    ]
    gap_items = [item for group in groups for item in group.items if item.gaps]
    return MyPage(
        person=person,
        groups=groups,
        deadlines=_deadlines(user, person, assignments, today),
        gap_items=gap_items,
    )


def _deadlines(user, person, assignments, today) -> list[Due]:
    """Notice deadlines and re-tender starts of the contracts the person holds a role on
    or subscribes to, and the next oversight of their agreements, within the horizon;
    a re-tender or an oversight that is already late stays on the list."""
    end = today + datetime.timedelta(days=HORIZON_DAYS)
    contract_type = ContentType.objects.get_for_model(Contract)
    agreement_type = ContentType.objects.get_for_model(DataProcessingAgreement)
    contract_ids = [a.object_id for a in assignments if a.content_type_id == contract_type.pk]
    agreement_ids = [a.object_id for a in assignments if a.content_type_id == agreement_type.pk]
    subscribed = ContractSubscription.objects.visible_to(user).filter(person=person)
    contracts = (
        Contract.objects.visible_to(user)
        .filter(Q(pk__in=contract_ids) | Q(pk__in=subscribed.values("contract_id")))
        .filter(
            Q(notice_deadline__range=(today, end))
            | Q(retender_start__lte=end, notice_deadline__gte=today)
            | Q(retender_start__range=(today, end))
        )
        .only("uuid", "name", "notice_deadline", "retender_start")
    )
    due = []
    for contract in contracts:
        url = url_or_none("contract_detail", contract.uuid)
        if contract.notice_deadline and today <= contract.notice_deadline <= end:
            due.append(Due(_("Sidste frist for opsigelse"), contract, contract.notice_deadline,
                           today, url))
        if contract.retender_start and contract.retender_start <= end and (
            contract.retender_start >= today
            or (contract.notice_deadline and contract.notice_deadline >= today)
        ):
            due.append(Due(_("Seneste start på genudbud"), contract, contract.retender_start,
                           today, url))
    agreements = (
        DataProcessingAgreement.objects.visible_to(user)
        .in_force(today)
        .filter(
            pk__in=agreement_ids,
            next_oversight_date__lte=end,
        )
        .only("uuid", "name", "next_oversight_date")
    )
    for agreement in agreements:
        due.append(Due(_("Næste tilsyn med databehandler"), agreement,
                       agreement.next_oversight_date, today,
                       url_or_none("dataprocessingagreement_detail", agreement.uuid)))
    due.sort(key=lambda d: (d.date, str(d.obj)))
    return due
