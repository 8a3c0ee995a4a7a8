"""The compliance matrix per forvaltning: counts per principle in force and
forvaltning (subjects under a forvaltning's subtree; the rest under Hele
organisationen), links to the filtered review list, the Excel export, 404-free scoping
and a query count independent of the rows."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from governance.principle_services import principle_new_version
from roles.services import unit_create
from tests.factories import UsageFactory
from tests.governance.cases import ProjectFactory
from tests.governance.principle_cases import PrincipleFactory, make_review
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db
URL = "/portefoelje/principper/matrix/"


def _tree(org, editor):
    root = unit_create(actor=editor, organisation=org, name="Kommunen")
    children = unit_create(actor=editor, organisation=org, name="Børn og Unge", parent=root)
    school = unit_create(actor=editor, organisation=org, name="Skoler", parent=children)
    technical = unit_create(actor=editor, organisation=org, name="Teknik og Miljø",
                            parent=root)
    return root, children, school, technical


def test_counts_per_forvaltning(client, org, other_org, editor):
    root, children, school, technical = _tree(org, editor)
    principle = PrincipleFactory(organisation=org, title="Genbrug før køb")
    make_review(principle, ProjectFactory(organisation=org, responsible_unit=school))
    make_review(principle, ProjectFactory(organisation=org, responsible_unit=children),
                verdict="deviation_accepted", reason="Aftalt")
    make_review(principle, UsageFactory(organisation=org, responsible_unit=technical),
                verdict="not_compliant")
    make_review(principle, ProjectFactory(organisation=org))  # no unit
    make_review(principle, ProjectFactory(organisation=org, responsible_unit=root))
    other = PrincipleFactory(organisation=other_org, title="Fremmed princip")
    make_review(other, ProjectFactory(organisation=other_org))
    client.force_login(editor)
    response = client.get(URL)
    assert response.status_code == 200
    matrix = response.context["matrix"]
    assert [c.label for c in matrix.columns] == ["Børn og Unge", "Teknik og Miljø",
                                                 "Hele organisationen"]
    (area, rows), = matrix.groups
    (row,) = rows
    assert row.principle == principle
    counts = [cell.counts for cell in row.cells]
    assert counts[0] == {"complies": 1, "deviation_accepted": 1, "not_compliant": 0}
    assert counts[1] == {"complies": 0, "deviation_accepted": 0, "not_compliant": 1}
    assert counts[2] == {"complies": 2, "deviation_accepted": 0, "not_compliant": 0}
    assert "Fremmed princip" not in response.content.decode()
    # Each cell's link shows exactly the reviews it counts.
    for cell in row.cells:
        for _light, _label, count, url in cell.items():
            listed = client.get(url).context["paginator"].count
            assert listed == count, url


def test_only_principles_in_force(client, org, editor):
    old = PrincipleFactory(organisation=org, title="Gammel version")
    make_review(old)
    principle_new_version(actor=editor, principle=old, title="Ny version")
    client.force_login(editor)
    matrix = client.get(URL).context["matrix"]
    assert [str(row.principle.title) for _a, rows in matrix.groups for row in rows] == [
        "Ny version"]


def test_excel_export(client, org, editor):
    _root, children, _school, _technical = _tree(org, editor)
    principle = PrincipleFactory(organisation=org, title="Åbne standarder")
    make_review(principle, ProjectFactory(organisation=org, responsible_unit=children),
                verdict="not_compliant")
    client.force_login(editor)
    response = client.get(URL, {"format": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][3] == "Børn og Unge: Overholder"
    assert rows[1][1] == "Åbne standarder" and rows[1][5] == 1


def test_query_count_is_constant(client, org, editor):
    _root, children, school, technical = _tree(org, editor)
    client.force_login(editor)

    def add(count):
        for _ in range(count):
            principle = PrincipleFactory(organisation=org)
            for unit in (children, school, technical, None):
                make_review(principle, ProjectFactory(organisation=org,
                                                      responsible_unit=unit))
            make_review(principle, UsageFactory(organisation=org), verdict="not_compliant")

    add(2)
    count_queries(client, URL)
    few = count_queries(client, URL)
    add(10)
    assert count_queries(client, URL) == few


def test_anonymous_goes_to_login(client):
    response = client.get(reverse("principle_matrix"))
    assert response.status_code == 302
