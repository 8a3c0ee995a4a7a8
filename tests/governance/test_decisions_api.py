"""The steering group, meeting and decision API resources: CRUD through the audited
services, members with their role, filters, 404 across organisations, readers 403,
deletions and constant query counts."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from governance.models import Decision, Meeting, SteeringGroup, SteeringGroupMember
from kitos.models import AuditEntry
from tests.factories import ContractFactory, PersonFactory, UnitFactory
from tests.governance.cases import ProjectFactory
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def url(resource, obj=None):
    return f"/api/v1/{resource}/" + (f"{obj.uuid}/" if obj is not None else "")


@pytest.fixture
def api():
    return APIClient()


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def make_group(org, name="Den Digitale Styregruppe"):
    return SteeringGroup.objects.create(organisation=org, name=name)


def make_decision(group, **fields):
    fields.setdefault("title", "Beslutning")
    fields.setdefault("outcome", "approved")
    fields.setdefault("decided_on", datetime.date(2025, 3, 1))
    return Decision.objects.create(organisation=group.organisation, group=group, **fields)


def test_steering_group_crud_with_members(api, org, editor):
    chair, secretary = PersonFactory(organisation=org), PersonFactory(organisation=org)
    api.force_login(editor)
    response = api.post(url("steering-groups"), {
        "organisation": str(org.uuid), "name": "Den Digitale Styregruppe",
        "mandate": "Beslutninger er bindende for forvaltningerne.",
        "members": [{"person": str(chair.uuid), "role": "chair"},
                    {"person": str(secretary.uuid), "role": "secretary"}],
    }, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert {(m["person"], m["role"]) for m in body["members"]} == {
        (str(chair.uuid), "chair"), (str(secretary.uuid), "secretary")}
    group = SteeringGroup.objects.get()
    response = api.patch(url("steering-groups", group), {
        "members": [{"person": str(chair.uuid), "role": "member"}]}, format="json")
    assert response.status_code == 200, response.content
    assert list(SteeringGroupMember.objects.values_list("role", flat=True)) == ["member"]
    response = api.patch(url("steering-groups", group), {"active": False}, format="json")
    assert response.status_code == 200 and SteeringGroupMember.objects.count() == 1
    assert api.delete(url("steering-groups", group)).status_code == 204
    deletions = api.get("/api/v1/deletions/", {"type": "governance.steeringgroup"}).json()
    assert [row["id"] for row in deletions["results"]] == [str(group.uuid)]


def test_decision_crud_takes_the_groups_organisation(api, org, editor):
    group = make_group(org)
    project, unit = ProjectFactory(organisation=org), UnitFactory(organisation=org)
    api.force_login(editor)
    response = api.post(url("meetings"), {"group": str(group.uuid), "date": "2025-03-01",
                                          "place": "Byrådssalen"}, format="json")
    assert response.status_code == 201, response.content
    meeting = Meeting.objects.get()
    assert meeting.organisation == org
    response = api.post(url("decisions"), {
        "group": str(group.uuid), "meeting": str(meeting.uuid), "project": str(project.uuid),
        "title": "Go til analyse", "outcome": "approved", "decided_on": "2025-03-01",
        "follow_up_date": "2025-06-01", "binding_units": [str(unit.uuid)],
    }, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["subject_kind"] == "project"
    decision = Decision.objects.get()
    assert decision.organisation == org and list(decision.binding_units.all()) == [unit]
    assert AuditEntry.objects.for_object(decision).filter(action="create").exists()
    response = api.patch(url("decisions", decision), {"follow_up_done": True}, format="json")
    assert response.status_code == 200, response.content
    response = api.patch(url("decisions", decision), {"follow_up_date": "2025-01-01"},
                         format="json")
    assert response.status_code == 400
    response = api.patch(url("decisions", decision),
                         {"contract": str(ContractFactory(organisation=org).uuid)},
                         format="json")
    assert response.status_code == 400
    assert api.delete(url("decisions", decision)).status_code == 204
    assert api.delete(url("meetings", meeting)).status_code == 204
    assert not Decision.objects.exists() and not Meeting.objects.exists()


def test_foreign_references_are_refused(api, org, other_org, editor):
    group = make_group(org)
    api.force_login(editor)
    response = api.post(url("decisions"), {
        "group": str(group.uuid), "title": "Fremmed", "outcome": "approved",
        "decided_on": "2025-03-01",
        "project": str(ProjectFactory(organisation=other_org).uuid)}, format="json")
    assert response.status_code == 400
    response = api.post(url("steering-groups"), {
        "organisation": str(org.uuid), "name": "Fremmed",
        "members": [{"person": str(PersonFactory(organisation=other_org).uuid),
                     "role": "member"}]}, format="json")
    assert response.status_code == 400
    assert not Decision.objects.exists() and SteeringGroup.objects.count() == 1


def test_readers_may_read_but_not_write(api, org, reader):
    group = make_group(org)
    decision = make_decision(group)
    api.force_login(reader)
    assert api.get(url("decisions", decision)).status_code == 200
    assert api.patch(url("decisions", decision), {"title": "X"},
                     format="json").status_code == 403
    assert api.delete(url("steering-groups", group)).status_code == 403
    response = api.post(url("steering-groups"), {"organisation": str(org.uuid),
                                                 "name": "Nej"}, format="json")
    assert response.status_code == 403
    response = api.post(url("decisions"), {"group": str(group.uuid), "title": "Nej",
                                           "outcome": "approved",
                                           "decided_on": "2025-01-01"}, format="json")
    assert response.status_code in (400, 403)
    assert Decision.objects.count() == 1


@pytest.mark.parametrize("resource", ["steering-groups", "meetings", "decisions"])
def test_other_organisations_objects_are_404(api, org, outsider, resource):
    group = make_group(org)
    obj = {
        "steering-groups": lambda: group,
        "meetings": lambda: Meeting.objects.create(organisation=org, group=group,
                                                   date=datetime.date(2025, 1, 1)),
        "decisions": lambda: make_decision(group),
    }[resource]()
    api.force_login(outsider)
    assert api.get(url(resource, obj)).status_code == 404
    assert api.patch(url(resource, obj), {}, format="json").status_code == 404
    assert api.delete(url(resource, obj)).status_code == 404
    assert ids(api.get(url(resource))) == set()


def test_decision_filters_and_change_feed(api, org, editor):
    group, other = make_group(org), make_group(org, "IT-gruppen")
    today = timezone.localdate()
    on_project = make_decision(group, project=ProjectFactory(organisation=org),
                               outcome="postponed")
    on_contract = make_decision(other, contract=ContractFactory(organisation=org))
    free = make_decision(group, title="Principper", decided_on=today - datetime.timedelta(9),
                         follow_up_date=today - datetime.timedelta(days=1))
    due = make_decision(group, title="Senere", decided_on=today,
                        follow_up_date=today + datetime.timedelta(days=5))
    api.force_login(editor)
    assert ids(api.get(url("decisions"), {"group": str(other.uuid)})) == {
        str(on_contract.uuid)}
    assert ids(api.get(url("decisions"), {"outcome": "postponed"})) == {str(on_project.uuid)}
    assert ids(api.get(url("decisions"), {"subject": "contract"})) == {str(on_contract.uuid)}
    assert ids(api.get(url("decisions"), {"subject": ["free"]})) == {
        str(free.uuid), str(due.uuid)}
    assert ids(api.get(url("decisions"), {"follow_up": "overdue"})) == {str(free.uuid)}
    assert ids(api.get(url("decisions"), {"follow_up": "due"})) == {str(due.uuid)}
    assert ids(api.get(url("decisions"), {"decided_on_after": today.isoformat()})) == {
        str(due.uuid)}
    assert api.get(url("decisions"), {"follow_up": "nonsense"}).status_code == 400
    since = timezone.now()
    api.patch(url("decisions", free), {"follow_up_done": True}, format="json")
    assert ids(api.get(url("decisions"), {"changed_since": since.isoformat()})) == {
        str(free.uuid)}


def test_list_query_counts_are_constant(api, org, editor):
    api.force_login(editor)

    def make():
        group = make_group(org, name=f"Gruppe {SteeringGroup.objects.count()}")
        SteeringGroupMember.objects.create(group=group, person=PersonFactory(organisation=org))
        meeting = Meeting.objects.create(organisation=org, group=group,
                                         date=datetime.date(2025, 1, 1))
        decision = make_decision(group, meeting=meeting, project=ProjectFactory(organisation=org))
        decision.binding_units.add(UnitFactory(organisation=org))

    make()
    few = {resource: count_queries(api, url(resource))
           for resource in ("steering-groups", "meetings", "decisions")}
    for _ in range(8):
        make()
    assert {resource: count_queries(api, url(resource))
            for resource in ("steering-groups", "meetings", "decisions")} == few
