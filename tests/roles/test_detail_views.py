"""Detail pages of organisation units and persons (tabs, access, constant queries)."""

from __future__ import annotations

import datetime

import pytest

from tests.detail_helpers import tab_url
from tests.factories import (
    ContractFactory,
    PersonFactory,
    RoleAssignmentFactory,
    RoleTypeFactory,
    UnitFactory,
    UsageFactory,
)
from tests.harness import DetailViewTests
from tests.roles.cases import PERSON, UNIT

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


class TestUnitDetail(DetailViewTests):
    case = UNIT


class TestPersonDetail(DetailViewTests):
    case = PERSON


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
