"""The new-system request services: the way from draft to decision, the rules of each
step, the decision that turns an approved request into a project, and the duplicate
purchase check."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance import request_services as services
from governance.choices import SignOffRole
from governance.duplicate_check import systems_in_use
from governance.models import Decision, Project, RequestSignOff, SteeringGroup
from governance.services import decision_create, decision_update
from kitos.models import AuditEntry
from roles.models import Person
from tests.factories import ItSystemFactory, UnitFactory, UsageFactory
from tests.governance.cases import GoalFactory
from tests.governance.request_cases import RequestFactory, kle

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 5, 1)


def signed_off(request, actor):
    services.request_submit(actor=actor, request=request)
    for role in SignOffRole.values:
        services.request_sign_off(actor=actor, request=request, role=role,
                                  verdict="approved")
    request.refresh_from_db()
    return request


def test_create_submit_sign_off_and_approve_into_a_project(org, editor):
    unit = UnitFactory(organisation=org)
    goal = GoalFactory(organisation=org)
    person = Person.objects.create(organisation=org, name="Kim Chef", user=editor)
    request = services.request_create(
        actor=editor, organisation=org, title="Nyt booking-system", need="Booking af lokaler",
        unit=unit, goals=[goal], kle_numbers=[kle("00.05.10")], expected_investment=250_000,
        expected_yearly_cost=40_000, status="approved",
    )
    assert request.status == "draft" and request.project is None
    services.request_submit(actor=editor, request=request)
    request.refresh_from_db()
    assert request.status == "in_review" and request.submitted_on is not None
    assert RequestSignOff.objects.filter(request=request, verdict="pending").count() == 5
    with pytest.raises(ValidationError):
        services.request_submit(actor=editor, request=request)
    for role in SignOffRole.values[:-1]:
        services.request_sign_off(actor=editor, request=request, role=role,
                                  verdict="approved", comment="OK")
    request.refresh_from_db()
    assert request.status == "in_review"
    sign_off = services.request_sign_off(actor=editor, request=request, role="dpo",
                                         verdict="conditions", comment="DPIA først")
    assert sign_off.person == person and sign_off.signed_on is not None
    request.refresh_from_db()
    assert request.status == "awaiting_decision"

    group = SteeringGroup.objects.create(organisation=org, name="Digital styregruppe")
    decision_create(actor=editor, group=group, title="Udsat", outcome="postponed",
                    decided_on=DAY, request=request)
    request.refresh_from_db()
    assert request.status == "awaiting_decision"
    decision = decision_create(actor=editor, group=group, title="Go", outcome="approved",
                               decided_on=DAY, request=request)
    request.refresh_from_db()
    project = request.project
    assert request.status == "approved" and project is not None
    assert project.name == "Nyt booking-system" and project.phase == "decided"
    assert project.purpose == "Booking af lokaler" and project.responsible_unit == unit
    assert project.investment == 250_000 and project.yearly_operating_cost == 40_000
    assert list(project.goals.all()) == [goal]
    with pytest.raises(ValidationError):
        decision_update(actor=editor, decision=decision, data={"outcome": "rejected"})
    # Editing the decided decision's text leaves the request as it is.
    decision_update(actor=editor, decision=decision, data={"rationale": "Godt"})
    assert Project.objects.filter(organisation=org).count() == 1
    assert AuditEntry.objects.filter(object_uuid=request.uuid).count() >= 4


def test_rejected_request_and_decision_before_sign_off(org, editor):
    request = RequestFactory(organisation=org)
    group = SteeringGroup.objects.create(organisation=org, name="Gruppe")
    with pytest.raises(ValidationError):
        decision_create(actor=editor, group=group, title="For tidligt", outcome="approved",
                        decided_on=DAY, request=request)
    assert not Decision.objects.exists()
    signed_off(request, editor)
    decision_create(actor=editor, group=group, title="Nej", outcome="rejected",
                    decided_on=DAY, request=request)
    request.refresh_from_db()
    assert request.status == "rejected" and request.project is None
    with pytest.raises(ValidationError):
        services.request_update(actor=editor, request=request, data={"need": "Andet"})


def test_sign_off_rules(org, editor):
    request = RequestFactory(organisation=org)
    with pytest.raises(ValidationError):  # not submitted yet
        services.request_sign_off(actor=editor, request=request, role="dpo",
                                  verdict="approved")
    services.request_submit(actor=editor, request=request)
    for role, verdict in (("dpo", "pending"), ("dpo", "magic"), ("boss", "approved")):
        with pytest.raises(ValidationError):
            services.request_sign_off(actor=editor, request=request, role=role,
                                      verdict=verdict)


def test_withdraw_delete_and_permissions(org, editor, reader, admin_user):
    request = RequestFactory(organisation=org)
    with pytest.raises(PermissionDenied):
        services.request_submit(actor=reader, request=request)
    with pytest.raises(ValidationError):
        services.request_update(actor=editor, request=request, data={"status": "approved"})
    services.request_submit(actor=editor, request=request)
    with pytest.raises(PermissionDenied):
        services.request_delete(actor=editor, request=request)
    services.request_withdraw(actor=editor, request=request)
    request.refresh_from_db()
    assert request.status == "withdrawn"
    with pytest.raises(ValidationError):
        services.request_withdraw(actor=editor, request=request)
    services.request_delete(actor=admin_user, request=request)
    assert not RequestSignOff.objects.exists()
    draft = RequestFactory(organisation=org)
    services.request_delete(actor=editor, request=draft)


def test_duplicate_check_names_systems_in_use_for_the_same_tasks(org, other_org):
    booking = UsageFactory(organisation=org, system=ItSystemFactory(
        name="Lokalebooking", business_type="citizen_service"))
    booking.system.kle_numbers.add(kle("00.05.10"))
    group_wide = UsageFactory(organisation=org, system=ItSystemFactory(
        name="Bred løsning", business_type="economy"))
    group_wide.system.kle_numbers.add(kle("00.05"))
    same_type = UsageFactory(organisation=org, system=ItSystemFactory(
        name="Borgerportal", business_type="citizen_service"))
    retired = UsageFactory(organisation=org, lifecycle="retired", system=ItSystemFactory(
        name="Gammel booking"))
    retired.system.kle_numbers.add(kle("00.05.10"))
    UsageFactory(organisation=other_org, system=ItSystemFactory(name="Naboens booking")
                 ).system.kle_numbers.add(kle("00.05.10"))
    matches = systems_in_use(organisation=org, kle_numbers=[kle("00.05.10")],
                             business_type="citizen_service")
    names = [m.usage.system.name for m in matches]
    assert names[0] == "Lokalebooking"
    assert set(names) == {"Lokalebooking", "Bred løsning", "Borgerportal"}
    first = matches[0]
    assert [k.number for k in first.kle_numbers] == ["00.05.10"] and first.same_business_type
    # A request for the whole group finds the system tagged with a topic under it.
    assert {m.usage.system.name for m in systems_in_use(
        organisation=org, kle_numbers=["00.05"])} == {"Lokalebooking", "Bred løsning"}
    assert systems_in_use(organisation=org) == []
    assert same_type in [m.usage for m in matches]


def test_duplicate_check_query_count_is_constant(org):
    def add(count):
        for _ in range(count):
            usage = UsageFactory(organisation=org)
            usage.system.kle_numbers.add(kle("00.05.10"), kle("00.05.11"))

    add(1)
    with CaptureQueriesContext(connection) as few:
        systems_in_use(organisation=org, kle_numbers=["00.05.10", "00.05.11"],
                       business_type="esdh")
    add(6)
    with CaptureQueriesContext(connection) as many:
        result = systems_in_use(organisation=org, kle_numbers=["00.05.10", "00.05.11"],
                                business_type="esdh")
    assert len(result) == 7 and len(many) == len(few)


def test_duplicate_check_reads_the_tasks_of_the_usages_processing_activities(org):
    from gdpr.models import ProcessingActivity

    usage = UsageFactory(organisation=org, system=ItSystemFactory(name="Omsorgssystem"))
    activity = ProcessingActivity.objects.create(organisation=org, name="Hjemmepleje")
    activity.usages.add(usage)
    activity.kle_numbers.add(kle("27.12.04"))
    matches = systems_in_use(organisation=org, kle_numbers=["27.12"])
    assert [m.usage for m in matches] == [usage]
    assert [k.number for k in matches[0].kle_numbers] == ["27.12.04"]

