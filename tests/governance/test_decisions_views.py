"""The steering group and decision pages: the shared list, detail and form tests
(tests/harness.py), then the pages' own rules (agenda, members, meetings, project tab)."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance import decision_tables
from governance.models import Decision, Meeting, SteeringGroup, SteeringGroupMember
from kitos.detail import object_url
from tests.detail_helpers import add_history, tab_url
from tests.factories import ContractFactory, PersonFactory, UnitFactory
from tests.governance.cases import ProjectFactory
from tests.harness import DetailViewTests, FormViewTests, ListViewTests, ModelCase

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 3, 1)
_days = itertools.count()


def make_group(org, name=None, **fields):
    name = name or f"Styregruppe {SteeringGroup.objects.count()}"
    return SteeringGroup.objects.create(organisation=org, name=name, **fields)


def make_decision(group, **fields):
    fields.setdefault("title", "Beslutning")
    fields.setdefault("outcome", "approved")
    fields.setdefault("decided_on", DAY)
    return Decision.objects.create(organisation=group.organisation, group=group, **fields)


def group_row(org, label):
    group = make_group(org, label, unit=UnitFactory(organisation=org))
    SteeringGroupMember.objects.create(group=group, person=PersonFactory(organisation=org))
    return group


def add_group_rows(group, count):
    org = group.organisation
    for _ in range(count):
        SteeringGroupMember.objects.create(group=group, person=PersonFactory(organisation=org))
        meeting = Meeting.objects.create(organisation=org, group=group,
                                         date=DAY + datetime.timedelta(days=next(_days)))
        make_decision(group, meeting=meeting, project=ProjectFactory(
            organisation=org, phase="analysis"))
        make_decision(group, contract=ContractFactory(organisation=org),
                      follow_up_date=DAY + datetime.timedelta(days=1))
    add_history(group, count)


def decision_row(org, label):
    group = make_group(org)
    return make_decision(group, title=label, project=ProjectFactory(organisation=org),
                         follow_up_date=DAY + datetime.timedelta(days=30))


def add_decision_rows(decision, count):
    for _ in range(count):
        decision.binding_units.add(UnitFactory(organisation=decision.organisation))
    add_history(decision, count)


STEERING_GROUP = ModelCase(
    model=SteeringGroup,
    make=lambda org: make_group(org),
    make_row=group_row,
    columns=decision_tables.GROUP_COLUMNS,
    tabs=("overblik", "beslutninger", "moeder", "historik"),
    add_rows=add_group_rows,
    form_data=lambda org: {"name": "Den Digitale Styregruppe", "mandate": "Bindende",
                           "active": "on", "chair": PersonFactory(organisation=org).pk},
    change={"mandate": "Nyt mandat"},
    changed=lambda group: group.mandate == "Nyt mandat",
    cross_field="unit",
    cross_value=lambda other: UnitFactory(organisation=other).pk,
    invalid={"name": ""},
)

DECISION = ModelCase(
    model=Decision,
    make=lambda org: make_decision(make_group(org)),
    make_row=decision_row,
    columns=decision_tables.DECISION_COLUMNS,
    tabs=("overblik", "historik"),
    add_rows=add_decision_rows,
    form_data=lambda org: {"group": make_group(org).pk, "title": "Go til ESDH",
                           "outcome": "approved", "decided_on": "2025-03-01",
                           "project": ProjectFactory(organisation=org).pk},
    change={"outcome": "postponed"},
    changed=lambda decision: decision.outcome == "postponed",
    cross_field="project",
    cross_value=lambda other: ProjectFactory(organisation=other).pk,
    invalid={"follow_up_date": "2020-01-01"},
    lookup=lambda org: Decision.objects.get(organisation=org, title="Go til ESDH"),
)


class TestSteeringGroupPages(ListViewTests, DetailViewTests, FormViewTests):
    case = STEERING_GROUP


class TestDecisionPages(ListViewTests, DetailViewTests, FormViewTests):
    case = DECISION


def test_group_form_writes_members_by_role(client, org, editor):
    chair, secretary = PersonFactory(organisation=org), PersonFactory(organisation=org)
    member = PersonFactory(organisation=org)
    client.force_login(editor)
    response = client.post(reverse("steeringgroup_create"), {
        "organisation": org.pk, "name": "IT-gruppen", "chair": chair.pk,
        "secretary": secretary.pk, "plain_members": [member.pk, chair.pk],
    })
    assert response.status_code == 302, response.content
    group = SteeringGroup.objects.get(name="IT-gruppen")
    assert {(m.person_id, m.role) for m in group.memberships.all()} == {
        (chair.pk, "chair"), (secretary.pk, "secretary"), (member.pk, "member")}


def test_group_page_shows_the_agenda_and_log(client, org, reader):
    group = make_group(org, "Den Digitale Styregruppe")
    waiting = ProjectFactory(organisation=org, phase="analysis", name="Ventende projekt")
    overdue = make_decision(group, title="Følg op på ESDH", follow_up_date=DAY)
    client.force_login(reader)
    page = client.get(object_url(group)).content.decode()
    assert waiting.name in page and overdue.title in page
    log = client.get(tab_url(group, "beslutninger")).content.decode()
    assert overdue.title in log and reverse("decision_create") not in log


def test_meeting_forms(client, org, editor, reader, outsider):
    group = make_group(org)
    client.force_login(editor)
    response = client.post(reverse("meeting_create", args=[group.uuid]),
                           {"date": "2025-05-01", "place": "Rådhuset"})
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.organisation == org and meeting.group == group
    response = client.post(reverse("meeting_create", args=[group.uuid]),
                           {"date": "2025-05-01"})
    assert response.status_code == 200 and Meeting.objects.count() == 1
    client.force_login(reader)
    assert client.get(reverse("meeting_update", args=[meeting.uuid])).status_code == 403
    assert "meeting_update" not in client.get(tab_url(group, "moeder")).content.decode()
    client.force_login(outsider)
    assert client.get(reverse("meeting_create", args=[group.uuid])).status_code == 404
    assert client.post(reverse("meeting_delete", args=[meeting.uuid])).status_code == 404
    client.force_login(editor)
    assert client.post(reverse("meeting_delete", args=[meeting.uuid])).status_code == 302
    assert not Meeting.objects.exists()


def test_project_tab_shows_its_decisions(client, org, other_org, reader):
    project = ProjectFactory(organisation=org)
    decision = make_decision(make_group(org), title="Projektet igangsættes", project=project)
    client.force_login(reader)
    page = client.get(tab_url(project, "beslutninger")).content.decode()
    assert decision.title in page


def test_decision_list_filters_and_csv(client, org, reader):
    group = make_group(org)
    make_decision(group, title="Godkendt sag")
    make_decision(group, title="Afvist sag", outcome="rejected")
    client.force_login(reader)
    page = client.get(reverse("decision_list"), {"outcome": "rejected"}).content.decode()
    assert "Afvist sag" in page and "Godkendt sag" not in page
    response = client.get(reverse("decision_list"), {"format": "csv", "q": "Godkendt"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200 and "Godkendt sag" in text and "Afvist sag" not in text
    response = client.get(reverse("decision_list"), {"format": "report"})
    assert response.status_code == 200


def test_group_page_query_count_is_constant(client, org, reader):
    group = make_group(org, unit=UnitFactory(organisation=org))
    add_group_rows(group, 1)
    client.force_login(reader)
    url = object_url(group)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add_group_rows(group, 6)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
