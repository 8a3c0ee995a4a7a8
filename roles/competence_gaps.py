"""The gap between competence targets and the people they concern: for each target,
the people of its unit subtree (or the current holders of its role type) with their
level in the target's discipline, whether it meets the target, and any open item of
the training plan. A fixed number of queries whatever the number of targets and people;
the page (roles.competence_views) and its Excel export read the same result."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils.translation import gettext as _

from kitos.excel.writer import SheetData, build_workbook, workbook_response

from .choices import CompetencyLevel
from .models import (
    Competency,
    CompetencyTarget,
    Person,
    RoleAssignment,
    TrainingPlanItem,
    level_meets,
    still_working,
)


@dataclass
class PersonGap:
    """One person a target concerns: their level (None: no competency recorded)."""

    person: Person
    level: str | None
    meets: bool
    planned: TrainingPlanItem | None = None

    @property
    def level_label(self) -> str:
        return str(dict(CompetencyLevel.choices)[self.level]) if self.level else ""


@dataclass
class TargetGap:
    target: CompetencyTarget
    people: list[PersonGap] = field(default_factory=list)

    @property
    def met(self) -> int:
        return sum(1 for entry in self.people if entry.meets)

    @property
    def missing(self) -> int:
        return len(self.people) - self.met

    @property
    def below(self) -> list[PersonGap]:
        return [entry for entry in self.people if not entry.meets]


def competence_gaps(targets: Iterable[CompetencyTarget], *, today: datetime.date
                    ) -> list[TargetGap]:
    """The gap of each target (with ``for_list()`` related rows). Five queries: the
    targets, the people of the units, the role holders, their competencies and their
    open training plan items."""
    targets = list(targets)
    concerned: dict[int, list[Person]] = {target.pk: [] for target in targets}

    unit_targets = [t for t in targets if t.unit_id]
    if unit_targets:
        in_units = reduce(or_, (
            Q(organisation_id=t.organisation_id, unit__path__startswith=t.unit.path)
            for t in unit_targets
        ))
        people = list(
            Person.objects.filter(in_units).filter(still_working(today))
            .select_related("unit").order_by("name", "pk")
        )
        for target in unit_targets:
            concerned[target.pk] = [
                p for p in people
                if p.organisation_id == target.organisation_id
                and p.unit.path.startswith(target.unit.path)
            ]

    role_targets = [t for t in targets if t.role_type_id]
    if role_targets:
        holders = defaultdict(dict)
        assignments = (
            RoleAssignment.objects.current(today)
            .filter(still_working(today, "person__"))
            .filter(reduce(or_, (
                Q(organisation_id=t.organisation_id, role_type_id=t.role_type_id)
                for t in role_targets
            )))
            .select_related("person", "person__unit")
            .order_by("person__name", "person_id")
        )
        for assignment in assignments:
            key = (assignment.organisation_id, assignment.role_type_id)
            holders[key].setdefault(assignment.person_id, assignment.person)
        for target in role_targets:
            concerned[target.pk] = list(
                holders[(target.organisation_id, target.role_type_id)].values()
            )

    person_ids = {p.pk for people in concerned.values() for p in people}
    discipline_ids = {t.discipline_id for t in targets}
    levels, planned = {}, {}
    if person_ids:
        levels = {
            (person_id, discipline_id): level
            for person_id, discipline_id, level in Competency.objects.filter(
                person_id__in=person_ids, discipline_id__in=discipline_ids
            ).values_list("person_id", "discipline_id", "level")
        }
        for item in TrainingPlanItem.objects.open().filter(
            person_id__in=person_ids, discipline_id__in=discipline_ids
        ).order_by("due_date", "pk"):
            planned.setdefault((item.person_id, item.discipline_id), item)

    result = []
    for target in targets:
        gap = TargetGap(target)
        for person in concerned[target.pk]:
            key = (person.pk, target.discipline_id)
            level = levels.get(key)
            gap.people.append(PersonGap(
                person=person, level=level, meets=level_meets(level, target.level),
                planned=planned.get(key),
            ))
        result.append(gap)
    return result


def gaps_workbook(gaps: list[TargetGap], *, organisation, today: datetime.date) -> bytes:
    """One row per target and person it concerns, with the level and whether it is met;
    a target that concerns nobody gets one row of its own."""
    rows = []
    for gap in gaps:
        target = gap.target
        fixed = [
            target.discipline.name,
            target.applies_to_label,
            target.get_tier_display(),
            target.get_level_display(),
        ]
        if not gap.people:
            rows.append([*fixed, "", "", "", "", ""])
        for entry in gap.people:
            person = entry.person
            rows.append([
                *fixed,
                person.name,
                person.unit.name if person.unit_id else "",
                entry.level_label,
                _("Ja") if entry.meets else _("Nej"),
                entry.planned.due_date.isoformat()
                if entry.planned and entry.planned.due_date else
                (_("Planlagt") if entry.planned else ""),
            ])
    sheet = SheetData(
        title=_("Kompetencegab"),
        headers=[_("Fagområde"), _("Gælder for"), _("Niveau i organisationen"),
                 _("Målniveau"), _("Person"), _("Enhed"), _("Niveau"), _("Opfyldt"),
                 _("Uddannelsesplan")],
        rows=rows,
    )
    return build_workbook(
        [sheet],
        help_title=_("Kompetencegab: %(scope)s (%(day)s)")
        % {"scope": organisation.name, "day": today.strftime("%d-%m-%Y")},
        help_rows=[
            (_("Målniveau"), _("Forståelse < færdighed < underviser; et højere niveau "
                               "opfylder også et lavere mål.")),
            (_("Personer"), _("Personer, der er fratrådt, er ikke med.")),
        ],
    )


def gaps_response(gaps, *, organisation, today):
    content = gaps_workbook(gaps, organisation=organisation, today=today)
    return workbook_response(content, f"Kompetencegab {organisation.name} {today.isoformat()}.xlsx")
