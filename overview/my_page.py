"""My page, from what the logged-in user's person holds in an organisation: their roles,
the deadlines of what they hold (alerts.my_deadlines, the same list as their calendar
feed), the gaps in their objects, and for a chef (a role on a unit) that unit's numbers,
deadline counts and gaps from its dashboard.

A fixed number of queries however many roles and objects: the assignments with their
targets (one query per kind of target), the deadlines, one query per gap rule, and for a
chef the led units and the dashboard's aggregates per led unit.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from alerts.my_deadlines import HORIZON_DAYS, Due, calendar_url, person_deadlines
from gdpr.gaps import gaps_for_objects
from kitos.links import object_url, url_or_none
from kitos.tenancy import EDITOR, has_role
from roles.choices import RoleTarget
from roles.models import Person, RoleAssignment, target_kind

from . import my_portfolio
from .dashboard import Dashboard, build_dashboard
from .work_scope import led_units


@dataclass
class Responsibility:
    assignment: RoleAssignment
    target: object
    url: str | None
    gaps: list = field(default_factory=list)
    # (rule, where to fix it) per gap; no links for someone who cannot edit.
    fixes: list = field(default_factory=list)


@dataclass
class Group:
    label: str
    items: list[Responsibility]


@dataclass
class MyPage:
    person: Person | None
    groups: list[Group]
    deadlines: list[Due]
    gap_items: list[Responsibility]
    # The dashboards of the units the person leads (a chef's forvaltning).
    led: list[Dashboard] = field(default_factory=list)
    calendar_url: str = ""
    horizon: int = HORIZON_DAYS
    # Their projects, benefits and architecture reviews to do (overview.my_portfolio).
    portfolio: my_portfolio.MyPortfolio | None = None

    @property
    def role_count(self) -> int:
        return sum(len(group.items) for group in self.groups)


def _target_url(kind: str, target) -> str | None:
    if kind == RoleTarget.ORGANISATION:
        return url_or_none("dashboard", target.slug)
    return object_url(target)


def build(*, request, organisation, today: datetime.date) -> MyPage:
    user = request.user
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
    can_fix = has_role(user, organisation.pk, at_least=EDITOR)
    here = request.get_full_path()
    by_kind: dict[str, list[Responsibility]] = {}
    for assignment in assignments:
        target = assignment.target
        kind = target_kind(target)
        target_gaps = gaps.get((type(target), target.pk), [])
        by_kind.setdefault(kind, []).append(Responsibility(
            assignment, target, _target_url(kind, target), target_gaps,
            [(rule, rule.fix_url(target, next_url=here) if can_fix else None)
             for rule in target_gaps],
        ))
    groups = [
        Group(str(label), sorted(by_kind[value], key=lambda r: str(r.target).lower()))
        for value, label in RoleTarget.choices
        if value in by_kind
    ]
    gap_items = [item for group in groups for item in group.items if item.gaps]
    # Only a role on a unit makes a chef (work_scope.led_units asks for the units):
    # everyone else is spared the query.
    leads_a_unit = any(
        assignment.role_type.applies_to == RoleTarget.ORGANISATION_UNIT
        for assignment in assignments
    )
    return MyPage(
        person=person,
        groups=groups,
        deadlines=person_deadlines(person, today=today),
        gap_items=gap_items,
        led=[
            build_dashboard(request=request, organisation=organisation, unit=unit, today=today)
            for unit in (led_units(person, today=today) if leads_a_unit else [])
        ],
        calendar_url=calendar_url(person, request=request),
        portfolio=my_portfolio.build(user=user, person=person, assignments=assignments,
                                     today=today),
    )
