"""Detail pages of organisation units and persons (tabs, access, constant queries)."""

from __future__ import annotations

import datetime

import pytest

from tests.detail_helpers import DetailChecks, DetailSpec, add_history, tab_url
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

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


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


class TestUnitDetail(DetailChecks):
    spec = DetailSpec(
        "unit",
        make=lambda org: UnitFactory(organisation=org, name="Børn og Unge"),
        add_rows=add_unit_rows,
        tabs=("overblik", "systemer", "roller", "historik"),
    )


class TestPersonDetail(DetailChecks):
    spec = DetailSpec(
        "person",
        make=lambda org: PersonFactory(organisation=org, name="Sara Systemejer"),
        add_rows=add_person_rows,
        tabs=("overblik", "ansvar", "historik"),
    )


def test_person_page_says_who_holds_what(client, org, reader):
    person = PersonFactory(organisation=org, name="Sara Systemejer")
    usage = UsageFactory(organisation=org, local_name="Opus Løn")
    RoleAssignmentFactory(person=person, target=usage, role_type__name="Systemejer")
    RoleAssignmentFactory(
        person=person,
        target=ContractFactory(organisation=org, name="Gammel kontrakt"),
        role_type=RoleTypeFactory(applies_to="contract", name="Kontraktejer"),
        start_date=TODAY - datetime.timedelta(days=50),
        end_date=TODAY - datetime.timedelta(days=1),
    )
    client.force_login(reader)
    html = client.get(tab_url(person, "ansvar")).content.decode()
    assert "Systemejer" in html and "Opus Løn" in html
    assert html.index("Opus Løn") < html.index("Tidligere") < html.index("Gammel kontrakt")


def test_unit_page_lists_sub_units_and_systems(client, org, reader):
    unit = UnitFactory(organisation=org, name="Børn og Unge")
    UnitFactory(organisation=org, parent=unit, name="Dagtilbud")
    UsageFactory(organisation=org, responsible_unit=unit, local_name="Tabulex")
    client.force_login(reader)
    assert "Dagtilbud" in client.get(tab_url(unit, "overblik")).content.decode()
    assert "Tabulex" in client.get(tab_url(unit, "systemer")).content.decode()
