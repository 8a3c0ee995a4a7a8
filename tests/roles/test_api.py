"""/api/v1/ resources of the roles app: organisations, units, persons, role types, role
assignments, disciplines and competencies."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from contracts.models import Contract
from kitos.models import AuditEntry
from roles.choices import RoleTarget
from roles.models import OrganisationUnit, Person, RoleAssignment, RoleType
from tests.factories import (
    AgreementFactory,
    CompetencyFactory,
    ContractFactory,
    DataAssetFactory,
    DisciplineFactory,
    IntegrationFactory,
    ItSystemFactory,
    MembershipFactory,
    PersonFactory,
    ProcessingActivityFactory,
    RoleAssignmentFactory,
    RoleTypeFactory,
    SupplierFactory,
    UnitFactory,
    UsageFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def url(resource, obj=None) -> str:
    return f"/api/v1/{resource}/" + (f"{obj.uuid}/" if obj is not None else "")


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@dataclass
class Resource:
    make: Callable[[Any], Any]  # an existing object of `org`
    new: Callable[[Any], dict]  # a create payload in `org`
    change: dict
    writer: str = "editor"  # the fixture of the least member who may write
    lesser: str = "reader"  # a member of the organisation who may not
    deletable: bool = True


def _assignment_payload(org):
    return {
        "person": str(PersonFactory(organisation=org).uuid),
        "role_type": str(RoleTypeFactory(applies_to="contract").uuid),
        "target_type": "contract",
        "target": str(ContractFactory(organisation=org).uuid),
    }


RESOURCES = {
    "organisations": Resource(
        make=lambda org: org,
        new=lambda org: {"name": "Ny Kommune", "slug": "ny-kommune", "cvr": "12345678"},
        change={"name": "Omdøbt Kommune"},
        writer="superuser",
        lesser="admin_user",
        deletable=False,
    ),
    "units": Resource(
        make=lambda org: UnitFactory(organisation=org),
        new=lambda org: {"organisation": str(org.uuid), "name": "Skoler"},
        change={"name": "Dagtilbud"},
    ),
    "persons": Resource(
        make=lambda org: PersonFactory(organisation=org),
        new=lambda org: {"organisation": str(org.uuid), "name": "Ida", "email": "ida@x.dk"},
        change={"title": "Systemejer"},
    ),
    "role-types": Resource(
        make=lambda org: RoleTypeFactory(organisation=org),
        new=lambda org: {"organisation": str(org.uuid), "code": "bi", "name": "BI-ansvarlig",
                         "applies_to": "system_usage"},
        change={"is_required": True},
        writer="admin_user",
        lesser="editor",
    ),
    "disciplines": Resource(
        make=lambda org: DisciplineFactory(organisation=org),
        new=lambda org: {"organisation": str(org.uuid), "code": "ai", "name": "AI"},
        change={"description": "Kunstig intelligens"},
        writer="admin_user",
        lesser="editor",
    ),
    "role-assignments": Resource(
        make=lambda org: RoleAssignmentFactory(target=UsageFactory(organisation=org)),
        new=_assignment_payload,
        change={"note": "Indtil videre"},
    ),
    "competencies": Resource(
        make=lambda org: CompetencyFactory(person=PersonFactory(organisation=org)),
        new=lambda org: {"person": str(PersonFactory(organisation=org).uuid),
                         "discipline": str(DisciplineFactory().uuid), "level": "skill"},
        change={"level": "teacher"},
    ),
    "competency-targets": Resource(
        make=lambda org: _competency_target(org),
        new=lambda org: {"organisation": str(org.uuid), "level": "skill",
                         "discipline": str(DisciplineFactory().uuid),
                         "unit": str(UnitFactory(organisation=org).uuid), "tier": "forvaltning"},
        change={"note": "Alle i forvaltningen"},
    ),
    "training-plan": Resource(
        make=lambda org: _training_item(org),
        new=lambda org: {"person": str(PersonFactory(organisation=org).uuid),
                         "discipline": str(DisciplineFactory().uuid), "target_level": "skill",
                         "due_date": "2027-03-31"},
        change={"status": "in_progress"},
    ),
    "role-guidelines": Resource(
        make=lambda org: _role_guideline(org),
        new=lambda org: {"organisation": str(org.uuid), "role_type": str(RoleTypeFactory().uuid),
                         "guidelines": "Sådan arbejder rollen", "valid_from": "2026-01-01"},
        change={"goals": "Alle systemer har en arkitekturbeskrivelse"},
        writer="admin_user",
        lesser="editor",
    ),
}


def _competency_target(org):
    from roles.models import CompetencyTarget

    return CompetencyTarget.objects.create(
        organisation=org, discipline=DisciplineFactory(), level="skill",
        unit=UnitFactory(organisation=org),
    )


def _training_item(org):
    from roles.models import TrainingPlanItem

    return TrainingPlanItem.objects.create(
        organisation=org, person=PersonFactory(organisation=org, unit=UnitFactory(
            organisation=org)),
        discipline=DisciplineFactory(), target_level="skill",
    )


def _role_guideline(org):
    from roles.models import RoleGuideline

    return RoleGuideline.objects.create(
        organisation=org, role_type=RoleTypeFactory(), guidelines="Retningslinjer",
        valid_from=datetime.date(2026, 1, 1),
    )


# -- access ----------------------------------------------------------------------------


@pytest.mark.parametrize("resource", RESOURCES)
def test_anonymous_gets_401(resource, org):
    obj = RESOURCES[resource].make(org)
    for response in (api().get(url(resource)), api().get(url(resource, obj))):
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("resource", RESOURCES)
def test_other_organisation_gets_404_and_is_absent_from_lists(resource, org, outsider, reader):
    obj = RESOURCES[resource].make(org)
    assert api(outsider).get(url(resource, obj)).status_code == 404
    assert str(obj.uuid) not in ids(api(outsider).get(url(resource), {"page_size": 250}))
    assert api(reader).get(url(resource, obj)).status_code == 200
    assert str(obj.uuid) in ids(api(reader).get(url(resource), {"page_size": 250}))


@pytest.mark.parametrize("resource", RESOURCES)
def test_members_without_the_right_cannot_write(resource, org, request):
    spec = RESOURCES[resource]
    obj = spec.make(org)
    for who in {"reader", spec.lesser}:
        client = api(request.getfixturevalue(who))
        assert client.post(url(resource), spec.new(org)).status_code == 403, who
        assert client.patch(url(resource, obj), spec.change).status_code == 403, who
        assert client.delete(url(resource, obj)).status_code == 403, who
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("resource", RESOURCES)
def test_writer_creates_updates_and_deletes_audited_as_api(resource, org, request):
    spec = RESOURCES[resource]
    client = api(request.getfixturevalue(spec.writer))
    created = client.post(url(resource), spec.new(org))
    assert created.status_code == 201, created.content
    detail = f"{url(resource)}{created.json()['id']}/"
    changed = client.patch(detail, spec.change)
    assert changed.status_code == 200, changed.content
    assert changed.json().items() >= spec.change.items()
    expected = [("create", "api"), ("update", "api")]
    if spec.deletable:
        assert client.delete(detail).status_code == 204
        assert client.get(detail).status_code == 404
        expected.insert(1, ("delete", "api"))
    else:
        assert client.delete(detail).status_code == 405
    entries = AuditEntry.objects.filter(object_uuid=created.json()["id"])
    assert sorted(entries.values_list("action", "source")) == expected


@pytest.mark.parametrize("resource", RESOURCES)
def test_changed_since(resource, org, other_org, superuser):
    spec = RESOURCES[resource]
    old, new = spec.make(org), spec.make(other_org)
    type(old).objects.filter(pk=old.pk).update(updated_at=timezone.now() - 400 * DAY)
    since = (timezone.now() - DAY).isoformat()
    listed = ids(api(superuser).get(url(resource), {"changed_since": since, "page_size": 250}))
    assert str(new.uuid) in listed
    assert str(old.uuid) not in listed


def test_organisations_list_is_the_users_own(org, other_org, reader, superuser):
    assert ids(api(reader).get(url("organisations"))) == [str(org.uuid)]
    assert set(ids(api(superuser).get(url("organisations")))) >= {str(org.uuid),
                                                                   str(other_org.uuid)}


def test_standard_reference_data_is_visible_to_every_member(outsider):
    standard = RoleTypeFactory()
    assert api(outsider).get(url("role-types", standard)).status_code == 200
    listed = ids(api(outsider).get(url("role-types"), {"is_standard": True, "page_size": 250}))
    assert str(standard.uuid) in listed
    # ... but only superusers keep them.
    payload = {"organisation": None, "code": "x", "name": "X", "applies_to": "contract"}
    assert api(outsider).post(url("role-types"), payload).status_code == 403


# -- units -----------------------------------------------------------------------------


class TestUnits:
    def test_create_keeps_the_tree_path(self, org, editor):
        client = api(editor)
        top = client.post(url("units"), {"organisation": str(org.uuid), "name": "Børn"})
        child = client.post(
            url("units"), {"organisation": str(org.uuid), "name": "Skoler",
                           "parent": top.json()["id"]},
        )
        assert child.status_code == 201, child.content
        assert (top.json()["depth"], child.json()["depth"]) == (0, 1)
        assert child.json()["parent"] == top.json()["id"]
        top_unit, child_unit = (OrganisationUnit.objects.get(uuid=r.json()["id"])
                                for r in (top, child))
        assert child_unit.path == f"/{top_unit.pk}/{child_unit.pk}/"

    def test_moving_a_unit_moves_its_subtree(self, org, editor):
        top, other = UnitFactory(organisation=org), UnitFactory(organisation=org)
        school = UnitFactory(organisation=org, parent=top)
        team = UnitFactory(organisation=org, parent=school)
        response = api(editor).patch(url("units", school), {"parent": str(other.uuid)})
        assert response.status_code == 200, response.content
        team.refresh_from_db()
        assert team.path == f"/{other.pk}/{school.pk}/{team.pk}/"
        below_itself = api(editor).patch(url("units", top), {"parent": str(team.uuid)})
        assert below_itself.status_code == 200  # top is no ancestor of team any more
        cycle = api(editor).patch(url("units", other), {"parent": str(team.uuid)})
        assert cycle.status_code == 400

    def test_filters(self, org, other_org, reader):
        top = UnitFactory(organisation=org)
        school = UnitFactory(organisation=org, parent=top)
        team = UnitFactory(organisation=org, parent=school)
        other = UnitFactory(organisation=org)
        client = api(reader)
        assert set(ids(client.get(url("units"), {"within": str(school.uuid)}))) == {
            str(school.uuid), str(team.uuid)}
        assert ids(client.get(url("units"), {"parent": str(top.uuid)})) == [str(school.uuid)]
        assert set(ids(client.get(url("units"), {"depth": 0}))) == {str(top.uuid),
                                                                    str(other.uuid)}
        assert ids(client.get(url("units"), {"organisation": str(other_org.uuid)})) == []

    def test_no_moving_to_another_organisation_or_parent(self, org, other_org, editor):
        MembershipFactory(user=editor, organisation=other_org, role="editor")
        unit = UnitFactory(organisation=org)
        foreign = UnitFactory(organisation=other_org)
        client = api(editor)
        moved = client.patch(url("units", unit), {"organisation": str(other_org.uuid)})
        assert moved.status_code == 400 and "organisation" in moved.json()["errors"]
        adopted = client.patch(url("units", unit), {"parent": str(foreign.uuid)})
        assert adopted.status_code == 400 and "parent" in adopted.json()["errors"]


# -- persons ---------------------------------------------------------------------------


class TestPersons:
    def test_calendar_token_is_never_exposed(self, org, reader):
        person = PersonFactory(organisation=org)
        for response in (api(reader).get(url("persons", person)), api(reader).get(url("persons"))):
            assert "calendar_token" not in response.content.decode()
            assert person.calendar_token not in response.content.decode()

    def test_filters(self, org, reader):
        unit = UnitFactory(organisation=org)
        ida = PersonFactory(organisation=org, name="Ida Holm", unit=unit, title="Jurist")
        gone = PersonFactory(organisation=org, left_on=datetime.date(2025, 1, 1))
        client = api(reader)
        assert ids(client.get(url("persons"), {"unit": str(unit.uuid)})) == [str(ida.uuid)]
        assert ids(client.get(url("persons"), {"has_left": True})) == [str(gone.uuid)]
        assert ids(client.get(url("persons"), {"has_left": False})) == [str(ida.uuid)]
        assert ids(client.get(url("persons"), {"q": "holm jurist"})) == [str(ida.uuid)]
        assert ids(client.get(url("persons"), {"q": ida.email})) == [str(ida.uuid)]

    def test_unit_of_another_organisation_is_400(self, org, other_org, editor):
        response = api(editor).post(url("persons"), {
            "organisation": str(org.uuid), "name": "X",
            "unit": str(UnitFactory(organisation=other_org).uuid),
        })
        assert response.status_code == 400 and "unit" in response.json()["errors"]
        assert not Person.objects.exists()


# -- role assignments ------------------------------------------------------------------


def _targets(org):
    """One object of each kind a role can be held on, with a role type for it."""
    return {
        "system_usage": UsageFactory(organisation=org),
        "contract": ContractFactory(organisation=org),
        "processing_activity": ProcessingActivityFactory(organisation=org),
        "data_processing_agreement": AgreementFactory(organisation=org),
        "organisation_unit": UnitFactory(organisation=org),
        "organisation": org,
        "project": _project(org),
        "integration": IntegrationFactory(organisation=org),
        "data_asset": DataAssetFactory(organisation=org),
        # Shared catalog entries: owned by nobody in particular, usable by every
        # organisation (roles on them are each organisation's own).
        "supplier": SupplierFactory(),
        "it_system": ItSystemFactory(),
        "benefit": _benefit(org),
    }


def _benefit(org):
    from tests.governance.cases import BenefitFactory, ProjectFactory

    return BenefitFactory(project=ProjectFactory(organisation=org))


def _project(org):
    from tests.governance.cases import ProjectFactory

    return ProjectFactory(organisation=org)


def _assign(org, kind, target, **kwargs):
    return RoleAssignmentFactory(
        organisation=org, target=target, role_type=RoleTypeFactory(applies_to=kind), **kwargs
    )


class TestRoleAssignments:
    @pytest.mark.parametrize("kind", [choice.value for choice in RoleTarget])
    def test_every_kind_of_target(self, kind, org, editor):
        target = _targets(org)[kind]
        role_type = RoleTypeFactory(applies_to=kind)
        person = PersonFactory(organisation=org)
        response = api(editor).post(url("role-assignments"), {
            "person": str(person.uuid), "role_type": str(role_type.uuid),
            "target_type": kind, "target": str(target.uuid), "start_date": "2026-01-01",
        })
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["target_type"], body["target"], body["target_name"]) == (
            kind, str(target.uuid), str(target))
        assert body["organisation"] == str(org.uuid)
        assignment = RoleAssignment.objects.get(uuid=body["id"])
        assert assignment.target == target
        listed = api(editor).get(url("role-assignments"), {"target_type": kind}).json()
        assert [row["target_name"] for row in listed["results"]] == [str(target)]

    def test_target_in_another_organisation_is_400(self, org, other_org, editor):
        payload = _assignment_payload(org)
        foreign = ContractFactory(organisation=other_org)
        # Not visible to the editor at all ...
        response = api(editor).post(url("role-assignments"), {**payload,
                                                               "target": str(foreign.uuid)})
        assert response.status_code == 400 and "target" in response.json()["errors"]
        # ... or visible (a member of both), but not the person's organisation.
        MembershipFactory(user=editor, organisation=other_org, role="editor")
        response = api(editor).post(url("role-assignments"), {**payload,
                                                               "target": str(foreign.uuid)})
        assert response.status_code == 400 and "target" in response.json()["errors"]
        assert not RoleAssignment.objects.exists()

    def test_role_type_must_fit_the_target(self, org, editor):
        payload = {**_assignment_payload(org), "target_type": "system_usage",
                   "target": str(UsageFactory(organisation=org).uuid)}
        response = api(editor).post(url("role-assignments"), payload)
        assert response.status_code == 400 and "role_type" in response.json()["errors"]

    def test_wrong_kind_for_the_id_is_400(self, org, editor):
        payload = {**_assignment_payload(org), "target_type": "system_usage"}
        response = api(editor).post(url("role-assignments"), payload)
        assert response.status_code == 400 and "target" in response.json()["errors"]

    def test_moving_to_another_target(self, org, editor):
        first = ContractFactory(organisation=org)
        assignment = _assign(org, "contract", first)
        other = ContractFactory(organisation=org)
        response = api(editor).patch(url("role-assignments", assignment),
                                     {"target": str(other.uuid)})
        assert response.status_code == 200, response.content
        assignment.refresh_from_db()
        assert assignment.target == other
        entry = AuditEntry.objects.get(action="update")
        assert entry.changes["object_id"] == [first.pk, other.pk]
        assert Contract.objects.count() == 2

    def test_filters(self, org, reader):
        targets = _targets(org)
        today = timezone.localdate()
        person = PersonFactory(organisation=org)
        open_ = _assign(org, "contract", targets["contract"], person=person)
        ended = _assign(org, "contract", targets["contract"], end_date=today - DAY,
                        start_date=today - 10 * DAY)
        future = _assign(org, "system_usage", targets["system_usage"], start_date=today + DAY)
        client = api(reader)

        def listed(**params):
            return set(ids(client.get(url("role-assignments"), params)))

        assert listed(person=str(person.uuid)) == {str(open_.uuid)}
        assert listed(role_type=str(ended.role_type.uuid)) == {str(ended.uuid)}
        assert listed(target_type="contract") == {str(open_.uuid), str(ended.uuid)}
        assert listed(target=str(targets["system_usage"].uuid)) == {str(future.uuid)}
        assert listed(target_type="contract",
                      target=str(targets["system_usage"].uuid)) == set()
        assert listed(current=True) == {str(open_.uuid)}
        assert listed(current=False) == {str(ended.uuid), str(future.uuid)}


# -- competencies ----------------------------------------------------------------------


def test_competency_filters_and_foreign_discipline(org, other_org, editor):
    person = PersonFactory(organisation=org)
    teacher = CompetencyFactory(person=person, level="teacher")
    CompetencyFactory(person=PersonFactory(organisation=org), level="skill")
    client = api(editor)
    assert ids(client.get(url("competencies"), {"level": "teacher"})) == [str(teacher.uuid)]
    assert ids(client.get(url("competencies"), {"person": str(person.uuid)})) == [
        str(teacher.uuid)]
    by_discipline = client.get(url("competencies"), {"discipline": str(teacher.discipline.uuid)})
    assert ids(by_discipline) == [str(teacher.uuid)]
    foreign = DisciplineFactory(organisation=other_org)
    response = client.post(url("competencies"), {"person": str(person.uuid),
                                                 "discipline": str(foreign.uuid),
                                                 "level": "skill"})
    assert response.status_code == 400 and "discipline" in response.json()["errors"]


# -- query counts ----------------------------------------------------------------------


def _make_rows(resource, org, count):
    if resource == "persons":
        unit = UnitFactory(organisation=org)
        PersonFactory.create_batch(count, organisation=org, unit=unit)
    elif resource == "role-assignments":
        # Five kinds of target, so that five rows already hold every kind.
        targets = list(_targets(org).items())[:5]
        for i in range(count):
            kind, target = targets[i % len(targets)]
            _assign(org, kind, target)
    elif resource == "units":
        top = UnitFactory(organisation=org)
        UnitFactory.create_batch(count, organisation=org, parent=top)
    elif resource == "competency-targets":
        for _ in range(count):
            _competency_target(org)
    elif resource == "training-plan":
        for _ in range(count):
            _training_item(org)
    elif resource == "role-guidelines":
        for _ in range(count):
            _role_guideline(org)
    else:
        CompetencyFactory.create_batch(count, person=PersonFactory(organisation=org))


@pytest.mark.parametrize("resource", ["persons", "role-assignments", "units", "competencies",
                                      "competency-targets", "training-plan",
                                      "role-guidelines"])
def test_list_query_count_is_constant(resource, org, other_org, editor):
    client = api(editor)

    def queries(organisation, count):
        _make_rows(resource, organisation, count)
        with CaptureQueriesContext(connection) as context:
            response = client.get(url(resource), {"page_size": 250,
                                                  "organisation": str(organisation.uuid)})
        assert response.status_code == 200
        assert response.json()["count"] >= count
        return len(context.captured_queries)

    MembershipFactory(user=editor, organisation=other_org, role="reader")
    queries(org, 5)  # warm the content type cache
    assert queries(org, 0) == queries(other_org, 250)


def test_role_type_discipline_and_standard_filter(org, reader):
    discipline = DisciplineFactory()
    own = RoleTypeFactory(organisation=org, discipline=discipline, applies_to="contract")
    client = api(reader)
    assert ids(client.get(url("role-types"), {"discipline": str(discipline.uuid)})) == [
        str(own.uuid)]
    standard = set(ids(client.get(url("role-types"), {"is_standard": True, "page_size": 250})))
    assert str(own.uuid) not in standard
    assert standard == {str(u) for u in RoleType.objects.filter(
        organisation__isnull=True).values_list("uuid", flat=True)}
