"""The unit, person and role assignment lists (kitos/lists.py, roles/tables.py)."""

from __future__ import annotations

import pytest

from roles import tables
from tests import lists_support as support
from tests.factories import PersonFactory, UnitFactory, UsageFactory
from tests.lists_support import ListCase, hold_role


def make_unit(org, label):
    unit = UnitFactory(organisation=org, name=label)
    PersonFactory(organisation=org, unit=unit)
    UsageFactory(organisation=org, responsible_unit=unit)
    return unit


def make_person(org, label):
    person = PersonFactory(organisation=org, name=label, unit=UnitFactory(organisation=org))
    hold_role(UsageFactory(organisation=org), "systemejer", person=person)
    return person


def make_assignment(org, label):
    person = PersonFactory(organisation=org, name=label)
    return hold_role(UsageFactory(organisation=org), "systemejer", person=person)


CASES = {
    "units": (ListCase("unit_list", make_unit), tables.UNIT_COLUMNS),
    "persons": (ListCase("person_list", make_person), tables.PERSON_COLUMNS),
    "role_assignments": (
        ListCase("roleassignment_list", make_assignment,
                 exported_as=lambda assignment: assignment.person.email),
        tables.ROLE_ASSIGNMENT_COLUMNS,
    ),
}


@pytest.fixture(params=list(CASES))
def case(request):
    return CASES[request.param]


def test_anonymous_is_sent_to_login(client, db, case):
    support.check_anonymous_redirected(client, case[0])


def test_other_organisation_rows_never_appear(client, editor, org, other_org, case):
    support.check_other_organisation_hidden(client, editor, org, other_org, case[0])


def test_reader_sees_no_create_button(client, reader, editor, org, case):
    support.check_create_button(client, reader, editor, org, case[0])


def test_query_count_is_the_same_for_5_and_50_rows(client, editor, org, case):
    list_case, columns = case
    support.check_query_count_constant(client, editor, org, list_case, columns)


def test_search_and_export_hold_exactly_the_filtered_rows(client, editor, org, case):
    support.check_search_and_export(client, editor, org, case[0])


def test_units_filter_by_subtree(client, editor, org):
    top = UnitFactory(organisation=org, name="Teknik og Miljø")
    UnitFactory(organisation=org, parent=top, name="Vej og Park")
    UnitFactory(organisation=org, name="Kultur")
    client.force_login(editor)
    response = client.get("/enheder/", {"within": str(top.uuid)})
    assert response.context["paginator"].count == 2
    assert "Kultur" not in support.row_labels(response)


def test_persons_filter_by_unit(client, editor, org):
    unit = UnitFactory(organisation=org)
    PersonFactory(organisation=org, name="Inde", unit=unit)
    PersonFactory(organisation=org, name="Ude")
    client.force_login(editor)
    response = client.get("/personer/", {"unit": str(unit.uuid)})
    assert response.context["paginator"].count == 1
    assert "Inde" in support.row_labels(response)


def test_role_assignments_filter_by_role_type(client, editor, org):
    owner = hold_role(UsageFactory(organisation=org), "systemejer")
    hold_role(UsageFactory(organisation=org), "systemansvarlig")
    client.force_login(editor)
    response = client.get("/rolletildelinger/", {"role_type": str(owner.role_type.uuid)})
    assert response.context["paginator"].count == 1
    assert "Systemejer" in support.row_labels(response)
    # An assignment has no page of its own: the row links to the person.
    assert response.context["rows"][0]["url"] == f"/personer/{owner.person.uuid}/"
