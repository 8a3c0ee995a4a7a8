"""Steering groups (with their members by role) and decisions export to Excel and import
back: unchanged when nothing was edited, and an edited cell changes exactly that."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest

from governance.models import Decision, SteeringGroup, SteeringGroupMember
from kitos.excel.engine import run_import_file
from kitos.excel.exporter import export_entities
from tests.factories import PersonFactory, UnitFactory
from tests.governance.cases import ProjectFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 3, 1)


def _world(org):
    unit = UnitFactory(organisation=org, name="Børn og Unge")
    # Persons are named in a sheet by their e-mail address.
    chair = PersonFactory(organisation=org, name="Camilla Formand", email="camilla@demo.dk")
    secretary = PersonFactory(organisation=org, name="Søren Sekretær", email="soeren@demo.dk")
    member = PersonFactory(organisation=org, name="Mads Medlem", email="mads@demo.dk")
    group = SteeringGroup.objects.create(organisation=org, name="Den Digitale Styregruppe",
                                         mandate="Bindende", unit=unit)
    for person, role in ((chair, "chair"), (secretary, "secretary"), (member, "member")):
        SteeringGroupMember.objects.create(group=group, person=person, role=role)
    decision = Decision.objects.create(
        organisation=org, group=group, title="Go til ESDH", outcome="approved",
        decided_on=DAY, project=ProjectFactory(organisation=org, name="ESDH"),
        follow_up_date=DAY + datetime.timedelta(days=30),
    )
    decision.binding_units.add(unit)
    return group, decision, member


def _sheet(book, title):
    sheet = book[title]
    headers = [cell.value for cell in sheet[1]]
    return sheet, headers


def _import(editor, org, content, commit=True):
    return run_import_file(actor=editor, organisation=org, content=content,
                           filename="styring.xlsx", commit=commit)


def test_round_trip_changes_nothing(org, editor):
    _world(org)
    content = export_entities(user=editor, organisation=org,
                              entities={"steering_groups": None, "decisions": None})
    report = _import(editor, org, content, commit=False)
    assert report.errors == []
    assert report.counts["create"] == 0 and report.counts["update"] == 0


def test_edited_members_and_decision_import_back(org, editor, other_org):
    group, decision, member = _world(org)
    content = export_entities(user=editor, organisation=org,
                              entities={"steering_groups": None, "decisions": None})
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet, headers = _sheet(book, "Styregrupper")
    row = dict(zip(headers, [c.value for c in sheet[2]], strict=False))
    assert row["Formand"] == "camilla@demo.dk" and row["Medlemmer"] == "mads@demo.dk"
    # Mads becomes chair, Camilla an ordinary member.
    sheet.cell(row=2, column=headers.index("Formand") + 1).value = "mads@demo.dk"
    sheet.cell(row=2, column=headers.index("Medlemmer") + 1).value = "camilla@demo.dk"
    sheet, headers = _sheet(book, "Beslutninger")
    sheet.cell(row=2, column=headers.index("Udfald") + 1).value = "Udsat"
    sheet.cell(row=2, column=headers.index("Opfølgning udført") + 1).value = "Ja"
    sheet.append([None, "Den Digitale Styregruppe", "Ny beslutning", "Afvist", "01-04-2025"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = _import(editor, org, buffer.getvalue())
    assert report.ok, report.errors
    assert {(m.person.name, m.role) for m in group.memberships.select_related("person")} == {
        ("Mads Medlem", "chair"), ("Camilla Formand", "member"),
        ("Søren Sekretær", "secretary"),
    }
    decision.refresh_from_db()
    assert decision.outcome == "postponed" and decision.follow_up_done
    assert list(decision.binding_units.values_list("name", flat=True)) == ["Børn og Unge"]
    created = Decision.objects.get(title="Ny beslutning")
    assert created.group == group and created.organisation == org
    assert created.outcome == "rejected"


def test_two_chairs_or_a_person_twice_is_an_error(org, editor):
    _world(org)
    content = export_entities(user=editor, organisation=org,
                              entities={"steering_groups": None})
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet, headers = _sheet(book, "Styregrupper")
    sheet.cell(row=2, column=headers.index("Formand") + 1).value = (
        "camilla@demo.dk; mads@demo.dk")
    buffer = io.BytesIO()
    book.save(buffer)
    report = _import(editor, org, buffer.getvalue())
    assert not report.ok
    assert SteeringGroupMember.objects.filter(role="chair").count() == 1
