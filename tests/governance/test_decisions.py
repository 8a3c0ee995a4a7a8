"""Steering groups, meetings and decisions: services, constraints, permissions, audit and
the next meeting's agenda."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.agenda import meeting_agenda
from governance.models import Decision, Meeting, SteeringGroupMember
from governance.services import (
    decision_create,
    decision_update,
    meeting_create,
    steering_group_create,
    steering_group_delete,
    steering_group_update,
)
from kitos.models import AuditEntry
from tests.factories import ContractFactory, PersonFactory, UnitFactory
from tests.governance.cases import ProjectFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2027, 9, 15)
# A contract ending then waits for a decision on DAY's agenda.
SOON = datetime.date(2027, 10, 1)


def _group(editor, org, **fields):
    return steering_group_create(
        actor=editor, organisation=org, name=fields.pop("name", "Den Digitale Styregruppe"),
        **fields,
    )


def test_group_members_are_set_replaced_and_audited(org, editor):
    chair, member = PersonFactory(organisation=org), PersonFactory(organisation=org)
    group = _group(editor, org, mandate="Beslutninger er bindende for forvaltningerne.",
                   members=[(chair, "chair"), (member, "member")])
    assert {(m.person, m.role) for m in group.memberships.all()} == {
        (chair, "chair"), (member, "member")
    }
    steering_group_update(actor=editor, group=group, members=[(member, "secretary")])
    assert list(SteeringGroupMember.objects.filter(group=group).values_list("role", flat=True)) \
        == ["secretary"]
    assert AuditEntry.objects.for_object(group).filter(changes__has_key="members").count() == 2


def test_group_rules(org, other_org, editor):
    _group(editor, org)
    with pytest.raises(ValidationError) as error:
        _group(editor, org, name="den digitale styregruppe")
    assert "Der findes allerede en styregruppe" in str(error.value)
    with pytest.raises(ValidationError):
        _group(editor, org, name="X", unit=UnitFactory(organisation=other_org))
    with pytest.raises(ValidationError):
        _group(editor, org, name="Y", members=[(PersonFactory(organisation=other_org),
                                                 "member")])
    person = PersonFactory(organisation=org)
    with pytest.raises(ValidationError):
        _group(editor, org, name="Z", members=[(person, "member"), (person, "chair")])
    with pytest.raises(ValidationError):
        _group(editor, org, name="W", members=[(person, "boss")])


def test_writes_need_an_editor_of_the_organisation(org, editor, reader, outsider):
    with pytest.raises(PermissionDenied):
        _group(reader, org)
    group = _group(editor, org)
    with pytest.raises(PermissionDenied):
        decision_create(actor=outsider, group=group, title="Nej", outcome="approved",
                        decided_on=DAY)
    with pytest.raises(PermissionDenied):
        meeting_create(actor=reader, group=group, date=DAY)


def test_decision_rules(org, other_org, editor):
    group = _group(editor, org)
    project, contract = ProjectFactory(organisation=org), ContractFactory(organisation=org)
    with pytest.raises(ValidationError) as error:
        decision_create(actor=editor, group=group, title="Begge", outcome="approved",
                        decided_on=DAY, project=project, contract=contract)
    assert "ikke flere" in str(error.value)
    with pytest.raises(ValidationError) as error:
        decision_create(actor=editor, group=group, title="Før", outcome="approved",
                        decided_on=DAY, follow_up_date=DAY - datetime.timedelta(days=1))
    assert "Opfølgningsdatoen" in str(error.value)
    with pytest.raises(ValidationError):
        decision_create(actor=editor, group=group, title="Fremmed", outcome="approved",
                        decided_on=DAY, project=ProjectFactory(organisation=other_org))
    with pytest.raises(ValidationError):
        decision_create(actor=editor, group=group, title="Udfald", outcome="maybe",
                        decided_on=DAY)
    with pytest.raises(ValidationError) as error:
        decision_create(actor=editor, group=group, title="År", outcome="approved",
                        decided_on=datetime.date(1, 1, 1))
    assert "decided_on" in error.value.message_dict
    with pytest.raises(ValidationError):
        decision_create(actor=editor, group=group, title="Enheder", outcome="approved",
                        decided_on=DAY, binding_units=[UnitFactory(organisation=other_org)])
    other_group = _group(editor, org, name="IT-gruppen")
    other_meeting = meeting_create(actor=editor, group=other_group, date=DAY)
    with pytest.raises(ValidationError) as error:
        decision_create(actor=editor, group=group, title="Møde", outcome="approved",
                        decided_on=DAY, meeting=other_meeting)
    assert "meeting" in error.value.message_dict
    assert not Decision.objects.exists()


def test_decision_is_audited_and_updated(org, editor):
    group = _group(editor, org)
    unit = UnitFactory(organisation=org)
    decision = decision_create(
        actor=editor, group=group, title="Nyt ESDH", outcome="postponed", decided_on=DAY,
        project=ProjectFactory(organisation=org), binding_units=[unit],
    )
    assert decision.organisation == org and decision.subject_kind == "project"
    decision_update(actor=editor, decision=decision, data={"outcome": "approved"},
                    binding_units=[])
    decision.refresh_from_db()
    assert decision.outcome == "approved" and not decision.binding_units.exists()
    assert AuditEntry.objects.for_object(decision).count() == 2
    with pytest.raises(ValidationError):
        decision_update(actor=editor, decision=decision,
                        data={"group": _group(editor, org, name="Anden")})


def test_deleting_a_group_deletes_its_log_audited(org, editor):
    group = _group(editor, org)
    meeting = meeting_create(actor=editor, group=group, date=DAY)
    decision_create(actor=editor, group=group, title="A", outcome="noted", decided_on=DAY,
                    meeting=meeting)
    steering_group_delete(actor=editor, group=group)
    assert not Decision.objects.exists() and not Meeting.objects.exists()
    assert AuditEntry.objects.filter(action="delete").count() == 3


def _agenda_world(org, editor, group, extra=0):
    unit = group.unit
    for index in range(1 + extra):
        ProjectFactory(organisation=org, phase="analysis", responsible_unit=unit)
        ContractFactory(organisation=org, responsible_unit=unit, expiry_date=SOON)
        decision_create(actor=editor, group=group, title=f"Opfølgning {index}",
                        outcome="approved", decided_on=DAY - datetime.timedelta(days=60),
                        follow_up_date=DAY - datetime.timedelta(days=1))


def test_agenda_lists_what_waits_for_a_decision(org, editor):
    scope = UnitFactory(organisation=org)
    outside = UnitFactory(organisation=org)
    group = _group(editor, org, unit=scope)
    meeting_create(actor=editor, group=group, date=DAY + datetime.timedelta(days=5))
    waiting = ProjectFactory(organisation=org, phase="analysis", responsible_unit=scope)
    ProjectFactory(organisation=org, phase="idea", responsible_unit=scope)
    ProjectFactory(organisation=org, phase="analysis", responsible_unit=outside)
    due = ContractFactory(organisation=org, responsible_unit=scope, expiry_date=SOON)
    decided = ContractFactory(organisation=org, responsible_unit=scope, expiry_date=SOON)
    ContractFactory(organisation=org, responsible_unit=outside, expiry_date=SOON)
    ContractFactory(organisation=org, responsible_unit=scope,
                    expiry_date=datetime.date(2029, 12, 31))
    decision_create(actor=editor, group=group, title="Forlæng", outcome="approved",
                    decided_on=DAY, contract=decided)
    overdue = decision_create(actor=editor, group=group, title="Følg op", outcome="approved",
                              decided_on=DAY - datetime.timedelta(days=30),
                              follow_up_date=DAY - datetime.timedelta(days=1))
    decision_create(actor=editor, group=group, title="Fulgt op", outcome="approved",
                    decided_on=DAY - datetime.timedelta(days=30),
                    follow_up_date=DAY - datetime.timedelta(days=1), follow_up_done=True)

    agenda = meeting_agenda(group, today=DAY)

    assert agenda.next_meeting.date == DAY + datetime.timedelta(days=5)
    assert agenda.projects == [waiting]
    assert agenda.follow_ups == [overdue]
    assert agenda.contracts == [due]
    assert not agenda.is_empty


def test_agenda_query_count_is_constant(org, editor):
    group = _group(editor, org, unit=UnitFactory(organisation=org))
    _agenda_world(org, editor, group)
    with CaptureQueriesContext(connection) as few:
        small = meeting_agenda(group, today=DAY)
    _agenda_world(org, editor, group, extra=5)
    with CaptureQueriesContext(connection) as many:
        large = meeting_agenda(group, today=DAY)
    assert len(large.contracts) > len(small.contracts)
    assert len(many) == len(few)
