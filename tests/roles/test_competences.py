"""Competence targets and their gaps, the training plan and the versioned role guidelines
(roles.competence_gaps, roles.competence_views, the services and the API)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roles.competence_gaps import competence_gaps
from roles.models import (
    Competency,
    CompetencyTarget,
    RoleGuideline,
    RoleType,
    TrainingPlanItem,
    level_meets,
)
from roles.services import (
    competency_target_create,
    role_guideline_publish,
    training_plan_item_create,
    training_plan_item_update,
)
from tests.factories import (
    CompetencyFactory,
    DisciplineFactory,
    PersonFactory,
    RoleAssignmentFactory,
    RoleTypeFactory,
    UnitFactory,
    UsageFactory,
)
from tests.roles.test_api import api, ids, url

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def _target(org, **fields):
    fields.setdefault("discipline", DisciplineFactory())
    fields.setdefault("level", "skill")
    return CompetencyTarget.objects.create(organisation=org, **fields)


def _holder(org, role_type, person=None):
    return RoleAssignmentFactory(
        target=UsageFactory(organisation=org), role_type=role_type,
        **({"person": person} if person else {}),
    )


# -- model and services ------------------------------------------------------------------


def test_levels_are_ordered():
    assert level_meets("teacher", "skill")
    assert level_meets("skill", "skill")
    assert not level_meets("understanding", "skill")
    assert not level_meets(None, "understanding")


def test_target_needs_exactly_one_of_unit_and_role_type(org, editor):
    discipline = DisciplineFactory()
    for fields in ({}, {"unit": UnitFactory(organisation=org),
                        "role_type": RoleTypeFactory()}):
        with pytest.raises(ValidationError) as error:
            competency_target_create(actor=editor, organisation=org, discipline=discipline,
                                     level="skill", **fields)
        assert "enten en enhed eller en rolle" in str(error.value)


def test_target_is_unique_per_unit_and_discipline(org, editor):
    unit, discipline = UnitFactory(organisation=org), DisciplineFactory()
    competency_target_create(actor=editor, organisation=org, discipline=discipline,
                             level="skill", unit=unit, tier="department")
    with pytest.raises(ValidationError) as error:
        competency_target_create(actor=editor, organisation=org, discipline=discipline,
                                 level="teacher", unit=unit)
    assert "allerede et kompetencemål" in str(error.value)


def test_target_refuses_another_organisations_unit(org, other_org, editor):
    with pytest.raises(ValidationError):
        competency_target_create(actor=editor, organisation=org, discipline=DisciplineFactory(),
                                 level="skill", unit=UnitFactory(organisation=other_org))


def test_reader_cannot_create_target(org, reader):
    with pytest.raises(PermissionDenied):
        competency_target_create(actor=reader, organisation=org, discipline=DisciplineFactory(),
                                 level="skill", unit=UnitFactory(organisation=org))


def test_training_done_raises_competency_but_never_lowers(org, editor):
    person, discipline = PersonFactory(organisation=org), DisciplineFactory()
    item = training_plan_item_create(actor=editor, person=person, discipline=discipline,
                                     target_level="skill", due_date=TODAY)
    assert not Competency.objects.filter(person=person).exists()
    training_plan_item_update(actor=editor, item=item, data={"status": "done"})
    assert Competency.objects.get(person=person, discipline=discipline).level == "skill"

    other = DisciplineFactory()
    CompetencyFactory(person=person, discipline=other, level="teacher")
    training_plan_item_create(actor=editor, person=person, discipline=other,
                              target_level="understanding", status="done")
    assert Competency.objects.get(person=person, discipline=other).level == "teacher"


def test_one_open_item_per_person_discipline_and_level(org, editor):
    person, discipline = PersonFactory(organisation=org), DisciplineFactory()
    training_plan_item_create(actor=editor, person=person, discipline=discipline,
                              target_level="skill")
    with pytest.raises(ValidationError):
        training_plan_item_create(actor=editor, person=person, discipline=discipline,
                                  target_level="skill")


def test_guidelines_are_versioned_and_admin_only(org, admin_user, editor):
    role_type = RoleType.objects.get(organisation=None, code="it-arkitekt")
    first = role_guideline_publish(actor=admin_user, organisation=org, role_type=role_type,
                                   guidelines="Første", goals="Mål 1")
    second = role_guideline_publish(actor=admin_user, organisation=org, role_type=role_type,
                                    guidelines="Anden")
    assert (first.version, second.version) == (1, 2)
    assert RoleGuideline.objects.filter(role_type=role_type).count() == 2
    with pytest.raises(PermissionDenied):
        role_guideline_publish(actor=editor, organisation=org, role_type=role_type,
                               guidelines="Redaktør")


def test_it_drift_and_the_new_kinds_are_standard_role_types():
    codes = set(RoleType.objects.filter(organisation=None).values_list("applies_to", "code"))
    assert {
        ("system_usage", "it-drift"), ("integration", "integrationsansvarlig"),
        ("data_asset", "dataejer"), ("supplier", "leverandoeransvarlig"),
        ("it_system", "katalogansvarlig"), ("benefit", "gevinstejer"),
    } <= codes
    assert RoleType.objects.get(organisation=None, code="it-drift").is_specialist


# -- the gap -----------------------------------------------------------------------------


def test_gap_of_a_unit_target_covers_its_subtree(org, other_org):
    top = UnitFactory(organisation=org)
    below = UnitFactory(organisation=org, parent=top)
    elsewhere = UnitFactory(organisation=org)
    discipline = DisciplineFactory()
    skilled = PersonFactory(organisation=org, unit=top, name="A Kan")
    CompetencyFactory(person=skilled, discipline=discipline, level="teacher")
    learner = PersonFactory(organisation=org, unit=below, name="B Lærer")
    CompetencyFactory(person=learner, discipline=discipline, level="understanding")
    PersonFactory(organisation=org, unit=elsewhere)
    PersonFactory(organisation=org, unit=below, left_on=TODAY - datetime.timedelta(days=1))
    target = _target(org, unit=top, discipline=discipline, level="skill")

    [gap] = competence_gaps(CompetencyTarget.objects.for_list(), today=TODAY)
    assert gap.target == target
    assert [(e.person, e.meets) for e in gap.people] == [(skilled, True), (learner, False)]
    assert (gap.met, gap.missing) == (1, 1)


def test_gap_of_a_role_type_target_covers_current_holders(org, other_org):
    role_type, discipline = RoleTypeFactory(), DisciplineFactory()
    holder = _holder(org, role_type).person
    _holder(org, role_type, person=holder)  # two roles, one person
    _holder(other_org, role_type)  # another organisation's holder: not ours
    ended = _holder(org, role_type)
    ended.end_date = TODAY - datetime.timedelta(days=1)
    ended.save()
    TrainingPlanItem.objects.create(organisation=org, person=holder, discipline=discipline,
                                    target_level="skill")
    _target(org, role_type=role_type, discipline=discipline)

    [gap] = competence_gaps(CompetencyTarget.objects.for_list(), today=TODAY)
    assert [e.person for e in gap.people] == [holder]
    assert gap.people[0].planned is not None
    assert (gap.met, gap.missing) == (0, 1)


def _gap_rows(org, count):
    for _ in range(count):
        unit = UnitFactory(organisation=org)
        discipline = DisciplineFactory()
        person = PersonFactory(organisation=org, unit=unit)
        CompetencyFactory(person=person, discipline=discipline)
        _target(org, unit=unit, discipline=discipline)
        role_type = RoleTypeFactory()
        _holder(org, role_type)
        _target(org, role_type=role_type, discipline=discipline)


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def test_gap_queries_do_not_grow_with_targets(org):
    _gap_rows(org, 2)
    few = _queries(lambda: competence_gaps(CompetencyTarget.objects.for_list(), today=TODAY))
    _gap_rows(org, 8)
    many = _queries(lambda: competence_gaps(CompetencyTarget.objects.for_list(), today=TODAY))
    assert few == many == 5


# -- pages -------------------------------------------------------------------------------


def test_gap_page_and_export(client, editor, org, other_org):
    unit, discipline = UnitFactory(organisation=org), DisciplineFactory(name="It-arkitektur X")
    person = PersonFactory(organisation=org, unit=unit, name="Lise Lærling")
    _target(org, unit=unit, discipline=discipline)
    _target(other_org, unit=UnitFactory(organisation=other_org), discipline=discipline)
    client.force_login(editor)
    response = client.get("/kompetencer/gab/")
    assert response.status_code == 200
    assert len(response.context["gaps"]) == 1
    content = response.content.decode()
    assert "Lise Lærling" in content
    assert f"person={person.uuid}" in content  # *Sæt på uddannelsesplanen*
    export = client.get("/kompetencer/gab/excel/")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_gap_page_constant_queries(client, editor, org):
    client.force_login(editor)
    _gap_rows(org, 2)
    few = _queries(lambda: client.get("/kompetencer/gab/"))
    _gap_rows(org, 6)
    many = _queries(lambda: client.get("/kompetencer/gab/"))
    assert few == many


def test_reader_sees_gaps_without_plan_links(client, reader, org):
    unit = UnitFactory(organisation=org)
    PersonFactory(organisation=org, unit=unit)
    _target(org, unit=unit)
    client.force_login(reader)
    response = client.get("/kompetencer/gab/")
    assert response.status_code == 200
    assert "/kompetencer/uddannelsesplan/ny/" not in response.content.decode()
    assert client.get("/kompetencer/uddannelsesplan/ny/").status_code == 403
    assert client.get("/kompetencer/maal/ny/").status_code == 403


@pytest.mark.parametrize("path", ["/kompetencer/maal/", "/kompetencer/uddannelsesplan/"])
def test_lists_show_own_organisation_and_export(client, editor, org, other_org, path):
    discipline = DisciplineFactory()
    _target(org, unit=UnitFactory(organisation=org), discipline=discipline)
    _target(other_org, unit=UnitFactory(organisation=other_org), discipline=discipline)
    for organisation in (org, other_org):
        TrainingPlanItem.objects.create(
            organisation=organisation, person=PersonFactory(organisation=organisation),
            discipline=discipline, target_level="skill",
        )
    client.force_login(editor)
    response = client.get(path)
    assert response.status_code == 200
    assert response.context["paginator"].count == 1
    assert client.get(path, {"format": "report"}).status_code == 200


@pytest.mark.parametrize("path", ["/kompetencer/maal/", "/kompetencer/uddannelsesplan/"])
def test_list_queries_do_not_grow(client, editor, org, path):
    client.force_login(editor)

    def rows(count):
        for _ in range(count):
            discipline = DisciplineFactory()
            _target(org, unit=UnitFactory(organisation=org), discipline=discipline)
            TrainingPlanItem.objects.create(
                organisation=org, person=PersonFactory(organisation=org,
                                                       unit=UnitFactory(organisation=org)),
                discipline=discipline, target_level="skill",
            )

    rows(3)
    few = _queries(lambda: client.get(path))
    rows(20)
    many = _queries(lambda: client.get(path))
    assert few == many


def test_other_organisations_target_and_item_are_404(client, outsider, org):
    target = _target(org, unit=UnitFactory(organisation=org))
    item = TrainingPlanItem.objects.create(
        organisation=org, person=PersonFactory(organisation=org),
        discipline=DisciplineFactory(), target_level="skill",
    )
    client.force_login(outsider)
    for path in (f"/kompetencer/maal/{target.uuid}/rediger/",
                 f"/kompetencer/maal/{target.uuid}/slet/",
                 f"/kompetencer/uddannelsesplan/{item.uuid}/rediger/",
                 f"/kompetencer/uddannelsesplan/{item.uuid}/slet/"):
        assert client.get(path).status_code == 404, path


def test_editor_creates_target_and_plans_training_from_the_gap(client, editor, org):
    unit, discipline = UnitFactory(organisation=org), DisciplineFactory()
    person = PersonFactory(organisation=org, unit=unit)
    client.force_login(editor)
    response = client.post("/kompetencer/maal/ny/", {
        "discipline": discipline.pk, "level": "skill", "unit": unit.pk, "tier": "department",
    })
    assert response.status_code == 302, response.context["form"].errors
    target = CompetencyTarget.objects.get()
    assert (target.unit, target.tier) == (unit, "department")

    form = client.get("/kompetencer/uddannelsesplan/ny/", {
        "person": str(person.uuid), "discipline": str(discipline.uuid), "level": "skill",
        "next": "/kompetencer/gab/",
    })
    assert form.context["form"].initial["person"] == person.pk
    assert form.context["form"].initial["target_level"] == "skill"
    response = client.post(
        "/kompetencer/uddannelsesplan/ny/?next=/kompetencer/gab/",
        {"person": person.pk, "discipline": discipline.pk, "target_level": "skill",
         "due_date": "2027-06-30", "status": "planned"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/kompetencer/gab/"
    assert TrainingPlanItem.objects.get().person == person


def test_person_page_shows_training_plan(client, editor, org):
    person = PersonFactory(organisation=org)
    TrainingPlanItem.objects.create(organisation=org, person=person,
                                    discipline=DisciplineFactory(name="Udbud XYZ"),
                                    target_level="skill")
    client.force_login(editor)
    response = client.get(f"/personer/{person.uuid}/", {"tab": "kompetencer"})
    assert response.status_code == 200
    assert "Uddannelsesplan" in response.content.decode()
    assert "Udbud XYZ" in response.content.decode()


def test_role_type_page_shows_guidelines_and_admin_publishes(client, admin_user, editor, org):
    role_type = RoleType.objects.get(organisation=None, code="it-drift")
    client.force_login(admin_user)
    response = client.post(f"/roller/{role_type.uuid}/retningslinjer/ny/", {
        "guidelines": "Drift efter ITIL", "goals": "99,5 % oppetid", "valid_from": "2026-01-01",
    })
    assert response.status_code == 302
    client.post(f"/roller/{role_type.uuid}/retningslinjer/ny/", {
        "guidelines": "Drift efter ITIL 4", "goals": "", "valid_from": "2026-06-01",
    })
    page = client.get(f"/roller/{role_type.uuid}/kandidater/").content.decode()
    assert "Drift efter ITIL 4" in page and "Version 2" in page
    assert "Tidligere versioner" in page

    client.force_login(editor)
    assert client.get(f"/roller/{role_type.uuid}/retningslinjer/ny/").status_code == 403
    guideline = RoleGuideline.objects.get(version=1)
    assert client.get(f"/retningslinjer/{guideline.uuid}/rediger/").status_code == 403


def test_guidelines_of_another_organisation_are_404(client, outsider, org):
    role_type = RoleTypeFactory(organisation=org)
    guideline = RoleGuideline.objects.create(organisation=org, role_type=role_type,
                                             guidelines="x", valid_from=TODAY)
    client.force_login(outsider)
    assert client.get(f"/retningslinjer/{guideline.uuid}/rediger/").status_code == 404


# -- API ---------------------------------------------------------------------------------


def test_api_competency_targets(org, other_org, editor, reader, outsider):
    unit, discipline = UnitFactory(organisation=org), DisciplineFactory()
    body = {"organisation": str(org.uuid), "discipline": str(discipline.uuid),
            "level": "understanding", "unit": str(unit.uuid), "tier": "central_staff"}
    assert api(reader).post(url("competency-targets"), body).status_code == 403
    response = api(editor).post(url("competency-targets"), body)
    assert response.status_code == 201, response.content
    target = CompetencyTarget.objects.get(uuid=response.json()["id"])
    assert api(outsider).get(url("competency-targets", target)).status_code == 404
    assert ids(api(editor).get(url("competency-targets"), {"tier": "central_staff"})) == [
        str(target.uuid)]
    both = {**body, "role_type": str(RoleTypeFactory().uuid), "discipline":
            str(DisciplineFactory().uuid)}
    assert api(editor).post(url("competency-targets"), both).status_code == 400


def test_api_training_plan_done_raises_competency(org, editor, outsider):
    person, discipline = PersonFactory(organisation=org), DisciplineFactory()
    response = api(editor).post(url("training-plan"), {
        "person": str(person.uuid), "discipline": str(discipline.uuid),
        "target_level": "teacher", "due_date": "2027-01-31",
    })
    assert response.status_code == 201, response.content
    item = TrainingPlanItem.objects.get(uuid=response.json()["id"])
    assert api(outsider).patch(url("training-plan", item), {"status": "done"}).status_code == 404
    response = api(editor).patch(url("training-plan", item), {"status": "done"})
    assert response.status_code == 200, response.content
    assert Competency.objects.get(person=person, discipline=discipline).level == "teacher"
    assert ids(api(editor).get(url("training-plan"), {"status": "done"})) == [str(item.uuid)]


def test_api_role_guidelines_publish_versions(org, admin_user, editor):
    role_type = RoleType.objects.get(organisation=None, code="it-arkitekt")
    body = {"organisation": str(org.uuid), "role_type": str(role_type.uuid),
            "guidelines": "Arkitekturprincipper", "valid_from": "2026-01-01"}
    assert api(editor).post(url("role-guidelines"), body).status_code == 403
    first = api(admin_user).post(url("role-guidelines"), body)
    second = api(admin_user).post(url("role-guidelines"), {**body, "version": 9})
    assert (first.json()["version"], second.json()["version"]) == (1, 2)
    listed = api(editor).get(url("role-guidelines"), {"role_type": str(role_type.uuid)})
    assert len(ids(listed)) == 2
