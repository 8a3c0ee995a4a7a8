"""The unit, person and role assignment lists (kitos/lists.py, roles/tables.py): the shared
list tests (tests/harness.py) for each, then each list's own filters."""

from __future__ import annotations

from tests import lists_support as support
from tests.factories import PersonFactory, UnitFactory, UsageFactory
from tests.harness import ListViewTests
from tests.lists_support import hold_role
from tests.roles.cases import PERSON, ROLE_ASSIGNMENT, UNIT


class TestUnitList(ListViewTests):
    case = UNIT


class TestPersonList(ListViewTests):
    case = PERSON


class TestRoleAssignmentList(ListViewTests):
    case = ROLE_ASSIGNMENT


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
