"""Roles in depth: what a person is responsible for, which objects miss a required role
(vacancies), who can fill a role, the competency matrix, and the plan of a hand-over
when someone leaves.

Everything here reads; the writes are ``roles.services.person_handover`` and the two
services built on it. The queries are set-based: a fixed number of statements whatever
the number of objects, persons or assignments (the tests count them).

**When does an assignment count?** An assignment is *in force* on a day when the day is
inside its start and end dates (both inclusive, ``RoleAssignment.objects.current``) and
its holder has not left: ``Person.left_on`` is the person's last working day, so the
holder counts up to and including that day. The vacancies report and a person's load use
assignments in force; a person's responsibilities page lists every assignment that has
not ended yet (so that a leaver's open roles can still be handed over).

**Hand-over dates.** The new holder takes over on ``on``; the old assignment ends the day
before (``on - 1``), so exactly one of them counts on every day (no overlap, no gap).
When the person also leaves (``left_on``), nothing of theirs lasts beyond that day: an
assignment not handed over ends on ``left_on`` (the object then shows up as a vacancy
from the next day), and one handed over later than that ends on ``left_on`` as well (a
vacancy in between, which is the truth). An assignment that would not have begun by its
new end date is deleted instead of ended (it never took effect).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kitos.db import name_related
from kitos.links import object_url
from kitos.models import Organisation
from kitos.tenancy import SharedCatalogModel
from roles.models import (
    Competency,
    Discipline,
    OrganisationUnit,
    Person,
    RoleAssignment,
    RoleType,
    role_target_models,
    still_working,
)

from .choices import CompetencyLevel, RoleTarget

DAY = datetime.timedelta(days=1)

# Levels that can do the job, best first ("who can fill this role?").
CAN_FILL_LEVELS = (CompetencyLevel.TEACHER, CompetencyLevel.SKILL)
LEVEL_RANK = {
    CompetencyLevel.TEACHER: 0,
    CompetencyLevel.SKILL: 1,
    CompetencyLevel.UNDERSTANDING: 2,
}


@dataclass(frozen=True)
class TargetKind:
    """What the roles pages need to know about one kind of object roles are held on.

    ``unit_path``: the lookup to the path of the object's unit, for "this unit and its
    subtree" (None: the kind is not tied to a unit, e.g. the organisation itself).
    ``live``: narrows a queryset of the kind on a day to the objects that still need
    their roles (a retired system needs no owner): the queryset's ``needing_roles``.
    """

    unit_path: str | None
    live: Callable[[QuerySet, datetime.date], QuerySet] | None = None

    @property
    def unit_relation(self) -> str | None:
        """The lookup of the object's unit ("responsible_unit"), None for units."""
        if self.unit_path and self.unit_path.endswith("__path"):
            return self.unit_path.removesuffix("__path")
        return None

    def unit_of(self, obj):
        if self.unit_relation is None:
            return None
        for name in self.unit_relation.split("__"):
            obj = getattr(obj, name, None)
            if obj is None:
                return None
        return obj


def target_kind_of(model) -> TargetKind:
    """What a role-target model says of itself: ``role_unit_path`` (class attribute)
    and a ``needing_roles(today)`` queryset method; the apps above this one declare
    them on their models, so this app names none of them."""
    needing_roles = getattr(model._default_manager.get_queryset(), "needing_roles", None)
    return TargetKind(
        getattr(model, "role_unit_path", None),
        (lambda queryset, today: queryset.needing_roles(today)) if needing_roles else None,
    )


def target_url(obj) -> str | None:
    """The page of an object roles are held on, when that page exists."""
    if obj is None or not hasattr(obj, "uuid"):
        return None
    return object_url(obj)


def person_url(person) -> str | None:
    return object_url(person)


def in_force(today: datetime.date):
    """Assignments that count on `today`: within their dates, held by someone who has
    not left (``left_on`` is the last working day)."""
    return RoleAssignment.objects.current(today).filter(still_working(today, "person__"))


def load_subquery(today: datetime.date):
    """A person's current load: the number of assignments in force, as an annotation."""
    return Coalesce(
        Subquery(
            in_force(today)
            .filter(person=OuterRef("pk"))
            .order_by()
            .values("person")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def role_types(organisation):
    """The standard role types and the organisation's own, with their disciplines."""
    return (
        RoleType.objects.filter(Q(organisation__isnull=True) | Q(organisation=organisation))
        .select_related("discipline")
        .order_by("applies_to", "sort_order", "name")
    )


def available_persons(organisation):
    """Persons who can take on a role: in the organisation and not marked as leaving."""
    return Person.objects.in_organisation(organisation).filter(left_on__isnull=True)


# -- a person's responsibilities ------------------------------------------------------


def open_assignments(person: Person, *, since: datetime.date):
    """The person's assignments that have not ended before `since` (current ones and
    those that start later), with their targets: one query per kind of target."""
    return (
        RoleAssignment.objects.filter(person=person)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=since))
        .for_list()
    )


def responsibilities(person: Person, *, today: datetime.date) -> list[RoleAssignment]:
    """Everything the person is responsible for from today on, sorted by kind of object,
    role and object; each with ``target_url`` and ``kind_label``."""
    labels = dict(RoleTarget.choices)
    rows = list(open_assignments(person, since=today))
    successors = _successors(person, rows)
    for assignment in rows:
        assignment.target_url = target_url(assignment.target)
        assignment.kind_label = labels.get(assignment.role_type.applies_to, "")
        assignment.is_future = bool(assignment.start_date and assignment.start_date > today)
        assignment.successor = successors.get(assignment.pk)
    rows.sort(key=_reading_order)
    return rows


def _successors(person: Person, rows) -> dict:
    """Assignment id -> the assignment of someone else that takes the same role on the
    same object over the day after it ends (a hand-over already made). One query, none
    when nothing ends."""
    ending = [a for a in rows if a.end_date is not None]
    if not ending:
        return {}
    following = (
        RoleAssignment.objects.filter(
            role_type_id__in={a.role_type_id for a in ending},
            object_id__in={a.object_id for a in ending},
            start_date__in={a.end_date + DAY for a in ending},
        )
        .exclude(person=person)
        .select_related("person")
    )
    by_key = {
        (f.role_type_id, f.content_type_id, f.object_id, f.start_date): f for f in following
    }
    return {
        a.pk: by_key.get((a.role_type_id, a.content_type_id, a.object_id, a.end_date + DAY))
        for a in ending
    }


def _reading_order(assignment):
    """Kind of object (as RoleTarget lists them), role, then object name."""
    role_type = assignment.role_type
    kinds = RoleTarget.values
    kind = kinds.index(role_type.applies_to) if role_type.applies_to in kinds else len(kinds)
    return (kind, role_type.sort_order, role_type.name, str(assignment.target or ""))


# -- vacancies ------------------------------------------------------------------------


@dataclass
class Vacancy:
    """One required role type and the live objects that have nobody holding it."""

    role_type: RoleType
    kind_label: str
    objects: list = field(default_factory=list)
    total: int = 0  # live objects of the kind in scope

    @property
    def count(self) -> int:
        return len(self.objects)


def required_role_types(organisation):
    return role_types(organisation).filter(is_required=True)


def _objects_in_scope(model, organisation, *, today, within: OrganisationUnit | None):
    """The live objects of one kind in the organisation (and the unit subtree), or None
    when the kind is not tied to units and a unit was asked for."""
    if issubclass(model, SharedCatalogModel):
        # A shared catalog entry (a supplier, a catalog system) belongs to no single
        # organisation: every organisation's vacancies would list the whole catalog.
        return None
    kind = target_kind_of(model)
    queryset = model.objects.in_organisation(organisation.pk)
    if kind.live is not None:
        queryset = kind.live(queryset, today)
    if within is not None:
        if kind.unit_path is None:
            return None
        queryset = queryset.filter(**{f"{kind.unit_path}__startswith": within.path})
    related = name_related(model)
    if kind.unit_relation:
        related = (*related, kind.unit_relation)
    return queryset.select_related(*related)


def vacancies(
    organisation: Organisation,
    *,
    today: datetime.date,
    within: OrganisationUnit | None = None,
    role_types: Iterable[RoleType] | None = None,
) -> list[Vacancy]:
    """Per required role type: the live objects of its kind in scope where nobody holds
    it today. One query for the role types, one per kind of object (the objects missing
    any required role, with one NOT EXISTS per role type), and one for the number of
    objects of every kind."""
    if role_types is None:
        role_types = required_role_types(organisation)
    by_kind = defaultdict(list)
    for role_type in role_types:
        by_kind[role_type.applies_to].append(role_type)
    models = role_target_models()
    labels = dict(RoleTarget.choices)
    in_scope = {}
    for applies_to in RoleTarget.values:
        model = models.get(applies_to)
        if not by_kind.get(applies_to) or model is None:
            continue
        queryset = _objects_in_scope(model, organisation, today=today, within=within)
        if queryset is not None:
            in_scope[applies_to] = (model, queryset)
    totals = _totals(organisation, {kind: qs for kind, (_m, qs) in in_scope.items()})
    result = []
    for applies_to, (model, queryset) in in_scope.items():
        types = by_kind[applies_to]
        held = in_force(today).filter(
            content_type=ContentType.objects.get_for_model(model), object_id=OuterRef("pk")
        )
        flags = {f"holds_{rt.pk}": Exists(held.filter(role_type=rt)) for rt in types}
        missing_any = Q(pk__in=[])
        for name in flags:
            missing_any |= Q(**{name: False})
        missing = list(queryset.annotate(**flags).filter(missing_any))
        for role_type in types:
            vacancy = Vacancy(role_type=role_type, kind_label=labels[applies_to],
                              total=totals[applies_to])
            for obj in missing:
                if not getattr(obj, f"holds_{role_type.pk}"):
                    obj.detail_url = target_url(obj)
                    obj.unit = target_kind_of(model).unit_of(obj)
                    vacancy.objects.append(obj)
            result.append(vacancy)
    return result


def _totals(organisation: Organisation, querysets: dict[str, QuerySet]) -> dict[str, int]:
    """The number of objects of each queryset, in one query: a count subquery per kind
    on the organisation's row (COUNT without GROUP BY: one row even for none)."""
    if not querysets:
        return {}
    counts = {
        f"total_{kind}": Subquery(
            queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
            output_field=IntegerField(),
        )
        for kind, queryset in querysets.items()
    }
    row = (
        Organisation.objects.filter(pk=organisation.pk).order_by()
        .annotate(**counts).values(*counts).get()
    )
    return {kind: row[f"total_{kind}"] or 0 for kind in querysets}


# -- who can fill a role --------------------------------------------------------------


def candidates(
    organisation: Organisation,
    role_type: RoleType,
    *,
    today: datetime.date,
    levels: Iterable[str] = CAN_FILL_LEVELS,
    target=None,
    within: OrganisationUnit | None = None,
):
    """Persons of the organisation (not leaving; in the unit subtree `within`) with a
    competency of one of `levels` in the role type's discipline, best level first, then
    the least loaded. Annotated with ``level`` and ``load`` (assignments in force), and
    ``holds_role`` when a `target` is given. One query."""
    if role_type.discipline_id is None:
        return Person.objects.none()
    level = Subquery(
        Competency.objects.filter(person=OuterRef("pk"), discipline_id=role_type.discipline_id)
        .values("level")[:1]
    )
    queryset = (
        available_persons(organisation)
        .annotate(level=level)
        .filter(level__in=list(levels))
        .annotate(
            load=load_subquery(today),
            level_rank=Case(
                *(When(level=value, then=Value(rank)) for value, rank in LEVEL_RANK.items()),
                default=Value(9),
                output_field=IntegerField(),
            ),
        )
        .select_related("unit")
        .order_by("level_rank", "load", "name", "pk")
    )
    if within is not None:
        queryset = queryset.filter(unit__path__startswith=within.path)
    if target is not None:
        queryset = queryset.annotate(
            holds_role=Exists(
                in_force(today)
                .on(target)
                .filter(role_type=role_type, person=OuterRef("pk"))
            )
        )
    return queryset


# -- the competency matrix ------------------------------------------------------------


@dataclass
class MatrixRow:
    person: Person
    cells: list  # the level (a CompetencyLevel value) per discipline, or ""


@dataclass
class CompetencyMatrix:
    disciplines: list[Discipline]
    rows: list[MatrixRow]
    # per discipline: how many of the rows can do it (Færdighed or Underviser)
    can_fill_counts: list[int]


def matrix_persons(
    organisation: Organisation,
    *,
    within: OrganisationUnit | None = None,
    disciplines=None,
    min_level: str = "",
    everyone: bool = False,
    search: str = "",
):
    """The persons of the matrix (not leaving), in the unit subtree; unless `everyone`,
    only those with a competency (of at least `min_level`) in one of `disciplines`."""
    persons = available_persons(organisation).select_related("unit")
    if within is not None:
        persons = persons.filter(unit__path__startswith=within.path)
    for term in search.split():
        persons = persons.filter(Q(name__icontains=term) | Q(title__icontains=term))
    if not everyone or min_level:
        competencies = Competency.objects.filter(person=OuterRef("pk"))
        if disciplines is not None:
            competencies = competencies.filter(discipline__in=disciplines)
        if min_level:
            accepted = [lv for lv, rank in LEVEL_RANK.items() if rank <= LEVEL_RANK[min_level]]
            competencies = competencies.filter(level__in=accepted)
        persons = persons.filter(Exists(competencies))
    return persons.order_by("name", "pk")


def competency_matrix(persons, disciplines) -> CompetencyMatrix:
    """Persons × disciplines with the level in each cell: two queries (disciplines, the
    competencies of the given persons) besides the persons themselves."""
    disciplines = list(disciplines)
    persons = list(persons)
    levels = {
        (person_id, discipline_id): level
        for person_id, discipline_id, level in Competency.objects.filter(
            person__in=[p.pk for p in persons], discipline__in=[d.pk for d in disciplines]
        ).values_list("person_id", "discipline_id", "level")
    }
    rows = [
        MatrixRow(person, [levels.get((person.pk, d.pk), "") for d in disciplines])
        for person in persons
    ]
    counts = [
        sum(1 for row in rows if row.cells[i] in CAN_FILL_LEVELS) for i in range(len(disciplines))
    ]
    return CompetencyMatrix(disciplines=disciplines, rows=rows, can_fill_counts=counts)


def visible_disciplines(organisation):
    return Discipline.objects.filter(
        Q(organisation__isnull=True) | Q(organisation=organisation)
    ).order_by("name")


# -- the hand-over plan ---------------------------------------------------------------


class Change:
    END = "end"  # the old assignment gets an end date
    DELETE = "delete"  # the old assignment had not begun: it is removed
    KEEP = "keep"  # unchanged


@dataclass
class PlannedChange:
    """What happens to one of the person's assignments, and who takes over from when."""

    assignment: RoleAssignment
    change: str
    end_date: datetime.date | None = None  # the old assignment's new end date
    new_person: Person | None = None
    new_start: datetime.date | None = None
    new_end: datetime.date | None = None
    new_holder_has_role: bool = False  # the new person holds the role already

    @property
    def creates(self) -> bool:
        return self.new_person is not None and not self.new_holder_has_role

    @property
    def becomes_vacant(self) -> bool:
        return self.new_person is None and self.change != Change.KEEP


@dataclass
class HandoverPlan:
    person: Person
    on: datetime.date | None
    left_on: datetime.date | None
    changes: list[PlannedChange]

    @property
    def moved(self) -> list[PlannedChange]:
        return [c for c in self.changes if c.new_person is not None]

    @property
    def ended(self) -> list[PlannedChange]:
        return [c for c in self.changes if c.becomes_vacant]

    @property
    def kept(self) -> list[PlannedChange]:
        return [c for c in self.changes if c.change == Change.KEEP and c.new_person is None]

    @property
    def new_holders(self) -> dict[Person, list[PlannedChange]]:
        holders = defaultdict(list)
        for change in self.changes:
            if change.creates:
                holders[change.new_person].append(change)
        return dict(holders)

    @property
    def has_changes(self) -> bool:
        marks_left = self.left_on is not None and self.left_on != self.person.left_on
        return marks_left or any(c.change != Change.KEEP or c.creates for c in self.changes)


def _end_or_delete(assignment: RoleAssignment, last_day: datetime.date) -> tuple[str, object]:
    """Stop `assignment` after `last_day`: end it then, delete it when it would not have
    begun by then, leave it when it ends by then anyway."""
    if assignment.end_date is not None and assignment.end_date <= last_day:
        return Change.KEEP, None
    if assignment.start_date is not None and assignment.start_date > last_day:
        return Change.DELETE, None
    return Change.END, last_day


def handover_plan(
    *,
    person: Person,
    moves: Iterable[tuple[RoleAssignment, Person]] = (),
    on: datetime.date | None = None,
    left_on: datetime.date | None = None,
    today: datetime.date,
    lock: bool = False,
) -> HandoverPlan:
    """What handing the `moves` over on `on` and the person leaving after `left_on` do
    to each of the person's open assignments (see the module docstring for the dates).
    Raises ValidationError for moves that cannot be made. Reads; writes nothing. A fixed
    number of queries (the assignments with their targets, the new holders' roles)."""
    moves = list(moves)
    errors = []
    if moves and on is None:
        raise ValidationError(_("Angiv fra hvilken dato de nye ansvarlige overtager."))
    starts = [d for d in (today, on, left_on and left_on + DAY) if d is not None]
    assignments = open_assignments(person, since=min(starts))
    if lock:
        assignments = assignments.select_for_update(of=("self",))
    assignments = {a.pk: a for a in assignments}

    new_by_assignment = {}
    for assignment, new_person in moves:
        if assignment.pk not in assignments or assignment.person_id != person.pk:
            errors.append(
                _("“%(role)s” er ikke en aktuel rolle for %(person)s.")
                % {"role": assignment, "person": person}
            )
            continue
        if new_person.organisation_id != person.organisation_id:
            errors.append(
                _("%(new)s hører til en anden organisation.") % {"new": new_person}
            )
            continue
        if new_person.pk == person.pk:
            errors.append(_("En rolle kan ikke overdrages til personen selv."))
            continue
        if new_person.left_on is not None:
            errors.append(
                _("%(new)s er fratrådt og kan ikke overtage roller.") % {"new": new_person}
            )
            continue
        assignment = assignments[assignment.pk]
        if assignment.end_date is not None and assignment.end_date < on:
            errors.append(
                _("“%(role)s” ophører før %(day)s og kan ikke overdrages fra den dato.")
                % {"role": assignment, "day": date_format(on)}
            )
            continue
        new_by_assignment[assignment.pk] = new_person
    if errors:
        raise ValidationError(errors)

    # Roles the new holders have from `on` on already: they are not given twice.
    has_role = set()
    if new_by_assignment:
        has_role = set(
            RoleAssignment.objects.filter(
                person__in=set(new_by_assignment.values()),
                object_id__in={assignments[pk].object_id for pk in new_by_assignment},
            )
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
            .values_list("person_id", "role_type_id", "content_type_id", "object_id")
        )

    changes = []
    for assignment in assignments.values():
        new_person = new_by_assignment.get(assignment.pk)
        last_day = None
        if new_person is not None:
            last_day = on - DAY
        if left_on is not None:
            last_day = left_on if last_day is None else min(last_day, left_on)
        change, end_date = (
            _end_or_delete(assignment, last_day) if last_day else (Change.KEEP, None)
        )
        planned = PlannedChange(assignment=assignment, change=change, end_date=end_date)
        if new_person is not None:
            key = (
                new_person.pk,
                assignment.role_type_id,
                assignment.content_type_id,
                assignment.object_id,
            )
            planned.new_person = new_person
            planned.new_holder_has_role = key in has_role
            planned.new_start = max(on, assignment.start_date or on)
            planned.new_end = assignment.end_date
            has_role.add(key)  # two moves never create the same role twice
        if planned.change != Change.KEEP or planned.new_person is not None or (
            assignment.end_date is None or assignment.end_date >= today
        ):
            changes.append(planned)
    for planned in changes:
        planned.assignment.target_url = target_url(planned.assignment.target)
    changes.sort(key=lambda c: _reading_order(c.assignment))
    return HandoverPlan(person=person, on=on, left_on=left_on, changes=changes)
