"""Competence targets and the training plan as Excel entities (import with the template's
Danish headers, per-row errors without partial writes, a re-run changes nothing, another
organisation's units and persons are refused), and the admin of targets, plan items and
role guidelines writing through their audited services."""

from __future__ import annotations

import datetime

import pytest

from kitos.models import AuditEntry
from roles.models import (
    Competency,
    CompetencyTarget,
    Discipline,
    RoleGuideline,
    RoleType,
    TrainingPlanItem,
)
from tests.factories import PersonFactory, UnitFactory
from tests.kitos.test_admin import admin_url, staff
from tests.kitos.test_import_engine import run, workbook

pytestmark = pytest.mark.django_db

TARGET_HEADERS = ["Fagområde", "Målniveau", "Enhed", "Rolle", "Niveau i organisationen",
                  "Bemærkning"]
PLAN_HEADERS = ["Person", "Fagområde", "Målniveau", "Senest", "Status", "Bemærkning"]


@pytest.fixture
def people(org):
    unit = UnitFactory(organisation=org, name="Digitalisering", local_code="DIG")
    return {
        "unit": unit,
        "mette": PersonFactory(organisation=org, email="mette@kommune.dk", unit=unit),
        "jens": PersonFactory(organisation=org, email="jens@kommune.dk", unit=unit),
    }


def imported(org, user, sheets, *, ok=True):
    report = run(org, user, workbook(sheets))
    assert report.ok is ok, report.errors
    return report


def test_targets_and_plan_import_and_a_rerun_changes_nothing(org, editor, people):
    sheets = {
        "Kompetencemål": [
            TARGET_HEADERS,
            ["It-arkitektur", "Færdighed", "DIG", None, "Afdeling", "Aabenraa-modellen"],
            ["it-udbud", "Forståelse", None, "systemejer", None, None],
        ],
        "Uddannelsesplan": [
            PLAN_HEADERS,
            ["mette@kommune.dk", "It-arkitektur", "Færdighed", "30-06-2027", "Planlagt", ""],
            ["jens@kommune.dk", "it-udbud", "Underviser", None, "Gennemført", "Kursus"],
        ],
    }
    report = imported(org, editor, sheets)
    assert report.counts["create"] == 4
    by_unit = CompetencyTarget.objects.get(organisation=org, unit=people["unit"])
    assert (by_unit.discipline.code, by_unit.level, by_unit.tier, by_unit.role_type) == (
        "it-arkitektur", "skill", "department", None)
    by_role = CompetencyTarget.objects.get(organisation=org, role_type__code="systemejer")
    assert (by_role.discipline.code, by_role.level, by_role.unit) == (
        "it-udbud", "understanding", None)
    planned = TrainingPlanItem.objects.get(person=people["mette"])
    assert (planned.target_level, planned.due_date, planned.status) == (
        "skill", datetime.date(2027, 6, 30), "planned")
    # As the service does: an item imported as done raises the person's competency.
    assert Competency.objects.get(person=people["jens"]).level == "teacher"
    assert AuditEntry.objects.filter(
        actor=editor, content_type__model__in=["competencytarget", "trainingplanitem"],
        action="create").count() == 4

    audited = AuditEntry.objects.count()
    report = imported(org, editor, sheets)
    assert report.counts["create"] == report.counts["update"] == 0
    assert AuditEntry.objects.count() == audited

    # Matched by discipline + unit, and by person + discipline + level while open.
    report = imported(org, editor, {
        "Kompetencemål": [TARGET_HEADERS, ["It-arkitektur", "Underviser", "Digitalisering",
                                           None, "Afdeling", "Aabenraa-modellen"]],
        "Uddannelsesplan": [PLAN_HEADERS, ["mette@kommune.dk", "It-arkitektur", "Færdighed",
                                           "30-06-2027", "I gang", ""]],
    })
    assert (report.counts["update"], report.counts["create"]) == (2, 0)
    by_unit.refresh_from_db()
    planned.refresh_from_db()
    assert (by_unit.level, planned.status) == ("teacher", "in_progress")


def test_bad_rows_give_row_errors_and_write_nothing(org, editor, people):
    report = imported(org, editor, {
        "Kompetencemål": [
            TARGET_HEADERS,
            ["It-arkitektur", "Færdighed", "DIG", None, None, None],  # good
            ["It-arkitektur", "Færdighed", "DIG", "systemejer", None, None],  # both
            ["It-udbud", "Færdighed", None, None, None, None],  # neither
            ["Blomsterbinding", "Færdighed", "DIG", None, None, None],
            ["It-udbud", "Ekspert", "Ukendt enhed", None, None, None],
        ],
        "Uddannelsesplan": [
            PLAN_HEADERS,
            ["mette@kommune.dk", "It-arkitektur", "Færdighed", None, None, None],  # good
            ["ukendt@kommune.dk", "It-arkitektur", "Færdighed", None, None, None],
            ["mette@kommune.dk", "It-arkitektur", "Færdighed", None, None, None],  # twice
            ["jens@kommune.dk", "It-arkitektur", "Færdighed", "i morgen", "Måske", None],
        ],
    }, ok=False)
    rows = {(error.sheet, error.row) for error in report.errors}
    assert {("Kompetencemål", n) for n in (3, 4, 5, 6)} <= rows
    assert {("Uddannelsesplan", n) for n in (3, 5)} <= rows
    assert ("Uddannelsesplan", 4) in rows or ("Uddannelsesplan", 2) in rows
    assert ("Kompetencemål", 2) not in rows
    messages = " ".join(error.message for error in report.errors)
    assert "Udfyld enten Enhed eller Rolle, ikke begge." in messages
    assert "enten en enhed eller en rolle" in messages
    assert "Enheden »Ukendt enhed« findes ikke." in messages
    assert not CompetencyTarget.objects.exists()
    assert not TrainingPlanItem.objects.exists()


def test_other_organisations_units_and_persons_are_refused(org, other_org, editor, people):
    UnitFactory(organisation=other_org, name="Nabo-IT", local_code="NIT")
    PersonFactory(organisation=other_org, email="nabo@nabo.dk")
    report = imported(org, editor, {
        "Kompetencemål": [TARGET_HEADERS, ["It-arkitektur", "Færdighed", "Nabo-IT", None,
                                           None, None],
                          ["It-udbud", "Færdighed", "NIT", None, None,
                                                None]],
        "Uddannelsesplan": [PLAN_HEADERS, ["nabo@nabo.dk", "It-arkitektur", "Færdighed",
                                           None, None, None]],
    }, ok=False)
    assert {(e.sheet, e.row, e.column) for e in report.errors} == {
        ("Kompetencemål", 2, "Enhed"), ("Kompetencemål", 3, "Enhed"),
        ("Uddannelsesplan", 2, "Person"),
    }
    assert not CompetencyTarget.objects.exists() and not TrainingPlanItem.objects.exists()


def test_export_reads_back_unchanged(client, org, editor, people):
    imported(org, editor, {
        "Kompetencemål": [TARGET_HEADERS, ["It-arkitektur", "Færdighed", "DIG", None,
                                           None, None]],
        "Uddannelsesplan": [PLAN_HEADERS, ["mette@kommune.dk", "It-arkitektur", "Færdighed",
                                           "30-06-2027", None, None]],
    })
    client.force_login(editor)
    for url in ("/kompetencer/maal/", "/kompetencer/uddannelsesplan/"):
        response = client.get(url, {"format": "xlsx"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml")
        report = run(org, editor, response.content)
        assert report.ok, report.errors
        assert report.counts["create"] == report.counts["update"] == 0


# -- admin ------------------------------------------------------------------------------


def test_admin_writes_targets_and_plan_items_through_the_services(client, org, editor, people):
    user = staff(editor)
    client.force_login(user)
    discipline = Discipline.objects.get(code="it-arkitektur")
    response = client.post(admin_url(CompetencyTarget, "add"), {
        "organisation": org.pk, "discipline": discipline.pk, "level": "skill",
        "unit": people["unit"].pk, "tier": "", "note": "",
    })
    assert response.status_code == 302, response.context["errors"]
    target = CompetencyTarget.objects.get(organisation=org)
    response = client.post(admin_url(CompetencyTarget, "change", target.pk), {
        "organisation": org.pk, "discipline": discipline.pk, "level": "teacher",
        "unit": people["unit"].pk, "tier": "", "note": "",
    })
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.level == "teacher"

    # Both unit and role type: the model's rule, shown as an error, nothing written.
    response = client.post(admin_url(CompetencyTarget, "add"), {
        "organisation": org.pk, "discipline": Discipline.objects.get(code="it-udbud").pk,
        "level": "skill", "unit": people["unit"].pk,
        "role_type": RoleType.objects.get(code="systemejer").pk, "tier": "", "note": "",
    })
    assert CompetencyTarget.objects.count() == 1

    response = client.post(admin_url(TrainingPlanItem, "add"), {
        "organisation": org.pk, "person": people["mette"].pk, "discipline": discipline.pk,
        "target_level": "skill", "due_date": "", "status": "planned", "note": "",
    })
    assert response.status_code == 302, response.context["errors"]
    item = TrainingPlanItem.objects.get(person=people["mette"])
    response = client.post(admin_url(TrainingPlanItem, "change", item.pk), {
        "organisation": org.pk, "person": people["mette"].pk, "discipline": discipline.pk,
        "target_level": "skill", "due_date": "", "status": "done", "note": "",
    })
    assert response.status_code == 302
    # The service's rule: done raises the competency (audited too).
    assert Competency.objects.get(person=people["mette"]).level == "skill"

    entries = AuditEntry.objects.filter(actor=user).order_by("id")
    assert [(e.action, e.content_type.model, e.source) for e in entries] == [
        ("create", "competencytarget", "admin"),
        ("update", "competencytarget", "admin"),
        ("create", "trainingplanitem", "admin"),
        ("update", "trainingplanitem", "admin"),
        ("create", "competency", "admin"),
    ]


def test_admin_publishes_guideline_versions_and_corrects_in_place(client, org, admin_user):
    user = staff(admin_user)
    client.force_login(user)
    role_type = RoleType.objects.get(code="it-arkitekt")
    for text in ("Første udgave", "Anden udgave"):
        response = client.post(admin_url(RoleGuideline, "add"), {
            "organisation": org.pk, "role_type": role_type.pk, "guidelines": text,
            "goals": "", "valid_from": "01-01-2027",
        })
        assert response.status_code == 302, response.context["errors"]
    first, second = RoleGuideline.objects.filter(organisation=org).order_by("version")
    assert (first.version, first.guidelines, second.version) == (1, "Første udgave", 2)

    response = client.post(admin_url(RoleGuideline, "change", second.pk), {
        "organisation": org.pk, "role_type": role_type.pk, "guidelines": "Anden udgave, rettet",
        "goals": "", "valid_from": "01-01-2027",
    })
    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.version, second.guidelines) == (2, "Anden udgave, rettet")
    assert [(e.action, e.object_id) for e in AuditEntry.objects.filter(
        actor=user, content_type__model="roleguideline").order_by("id")] == [
        ("create", first.pk), ("create", second.pk), ("update", second.pk)]


def test_editor_cannot_publish_guidelines_in_the_admin(client, org, editor):
    """Guidelines are an admin's (edit_role): an editor's organisation choice is empty."""
    client.force_login(staff(editor))
    response = client.post(admin_url(RoleGuideline, "add"), {
        "organisation": org.pk, "role_type": RoleType.objects.get(code="it-arkitekt").pk,
        "guidelines": "x", "goals": "", "valid_from": "01-01-2027",
    })
    assert response.status_code == 200  # the form again, with the error
    assert not RoleGuideline.objects.exists()
