"""The roles app's models, declared once for the shared list, detail and form tests
(tests/harness.py): organisation units, persons and role assignments."""

from __future__ import annotations

import datetime

from roles import tables
from roles.models import OrganisationUnit, Person, RoleAssignment
from tests.detail_helpers import add_history
from tests.factories import (
    CompetencyFactory,
    ContractFactory,
    PersonFactory,
    ProcessingActivityFactory,
    RoleAssignmentFactory,
    RoleTypeFactory,
    UnitFactory,
    UsageFactory,
)
from tests.harness import ModelCase
from tests.lists_support import hold_role

TODAY = datetime.date.today()


# -- organisation units ------------------------------------------------------------------


def unit_row(org, label):
    unit = UnitFactory(organisation=org, name=label)
    PersonFactory(organisation=org, unit=unit)
    UsageFactory(organisation=org, responsible_unit=unit)
    return unit


def add_unit_rows(unit, count):
    org = unit.organisation
    for _ in range(count):
        UnitFactory(organisation=org, parent=unit)
        PersonFactory(organisation=org, unit=unit)
        UsageFactory(organisation=org, responsible_unit=unit).using_units.add(
            unit, through_defaults={"organisation": org}
        )
        ContractFactory(organisation=org, responsible_unit=unit)
        RoleAssignmentFactory(
            target=unit, role_type=RoleTypeFactory(applies_to="organisation_unit")
        )
    add_history(unit, count)


UNIT = ModelCase(
    model=OrganisationUnit,
    make=lambda org: UnitFactory(organisation=org),
    make_row=unit_row,
    columns=tables.UNIT_COLUMNS,
    tabs=("overblik", "systemer", "roller", "historik"),
    add_rows=add_unit_rows,
    form_data=lambda org: {"name": "Ny enhed", "ean": "5798000000001"},
    change={"local_code": "BU-1"},
    changed=lambda unit: unit.local_code == "BU-1",
    cross_field="parent",
    cross_value=lambda other: UnitFactory(organisation=other).pk,
    invalid={"ean": "123"},
)


# -- persons -----------------------------------------------------------------------------


def person_row(org, label):
    person = PersonFactory(organisation=org, name=label, unit=UnitFactory(organisation=org))
    hold_role(UsageFactory(organisation=org), "systemejer", person=person)
    return person


def add_person_rows(person, count):
    org = person.organisation
    for i in range(count):
        CompetencyFactory(person=person, organisation=org)
        RoleAssignmentFactory(person=person, target=UsageFactory(organisation=org))
        RoleAssignmentFactory(
            person=person,
            target=ContractFactory(organisation=org),
            role_type=RoleTypeFactory(applies_to="contract"),
            end_date=TODAY - datetime.timedelta(days=i + 1),
        )
        RoleAssignmentFactory(
            person=person,
            target=ProcessingActivityFactory(organisation=org),
            role_type=RoleTypeFactory(applies_to="processing_activity"),
        )
    add_history(person, count)


PERSON = ModelCase(
    model=Person,
    make=lambda org: PersonFactory(organisation=org),
    make_row=person_row,
    columns=tables.PERSON_COLUMNS,
    tabs=("overblik", "ansvar", "historik"),
    add_rows=add_person_rows,
    form_data=lambda org: {"name": "Ny Person", "email": "ny@example.dk"},
    change={"title": "It-arkitekt", "left_on": "2026-06-30"},
    changed=lambda person: person.title == "It-arkitekt"
    and person.left_on == datetime.date(2026, 6, 30),
    cross_field="unit",
    cross_value=lambda other: UnitFactory(organisation=other).pk,
    invalid={"email": "ikke-en-adresse"},
)


# -- role assignments: a list only (no page of their own; their forms hang off the
# object they are on, tested in test_form_views.py) -----------------------------------------


def assignment_row(org, label):
    person = PersonFactory(organisation=org, name=label)
    return hold_role(UsageFactory(organisation=org), "systemejer", person=person)


ROLE_ASSIGNMENT = ModelCase(
    model=RoleAssignment,
    make_row=assignment_row,
    columns=tables.ROLE_ASSIGNMENT_COLUMNS,
    exported_as=lambda assignment: assignment.person.email,
)
