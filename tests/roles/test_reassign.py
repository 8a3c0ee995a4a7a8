"""When someone leaves: the hand-over of a person's roles (roles.services.person_handover
and the two services on it, the preview and apply pages). Acceptance: the preview
changes nothing; apply moves exactly the chosen assignments; audit entries are written
under one group id; the new holders are told by e-mail; another organisation's person
is refused."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from kitos.models import AuditEntry
from roles.models import Person, RoleAssignment, RoleType
from roles.responsibilities import handover_plan, in_force
from roles.services import person_handover, person_leave, responsibilities_reassign
from tests.factories import (
    ContractFactory,
    PersonFactory,
    RoleAssignmentFactory,
    UsageFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def role(code, applies_to="system_usage"):
    return RoleType.objects.get(organisation=None, applies_to=applies_to, code=code)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def alice(org):
    return PersonFactory(organisation=org, name="Alice Andersen", email="alice@demo.dk")


@pytest.fixture
def bob(org):
    return PersonFactory(organisation=org, name="Bo Berg", email="bo@demo.dk")


@pytest.fixture
def carl(org):
    return PersonFactory(organisation=org, name="Carl Clausen", email="carl@demo.dk")


@pytest.fixture
def roles_of_alice(org, alice):
    """Three current roles of Alice: two system owner roles and a contract owner role."""
    usage_a = UsageFactory(organisation=org, system__name="Acadre")
    usage_b = UsageFactory(organisation=org, system__name="Bluegarden")
    contract = ContractFactory(organisation=org, name="Drift af ESDH")
    return [
        RoleAssignmentFactory(target=usage_a, person=alice, role_type=role("systemejer")),
        RoleAssignmentFactory(target=usage_b, person=alice, role_type=role("systemejer")),
        RoleAssignmentFactory(
            target=contract, person=alice, role_type=role("kontraktejer", "contract")
        ),
    ]


def state():
    """Everything the hand-over may touch, to compare before and after."""
    return (
        sorted(
            RoleAssignment.objects.values_list(
                "pk", "person_id", "role_type_id", "object_id", "start_date", "end_date"
            )
        ),
        sorted(Person.objects.values_list("pk", "left_on")),
        AuditEntry.objects.count(),
    )


def handover_url(person):
    return reverse("person_handover", args=[person.uuid])


def page_url(person):
    return reverse("person_responsibilities", args=[person.uuid])


def row(assignment):
    return f"to_{assignment.uuid}"


class TestService:
    def test_moves_exactly_the_chosen_assignments(
        self, editor, alice, bob, roles_of_alice, today, django_capture_on_commit_callbacks
    ):
        moved, stays, _contract = roles_of_alice
        on = today + 10 * DAY
        with django_capture_on_commit_callbacks(execute=True):
            responsibilities_reassign(actor=editor, person=alice, moves=[(moved, bob)], on=on)

        moved.refresh_from_db()
        stays.refresh_from_db()
        assert moved.person == alice and moved.end_date == on - DAY  # no overlap, no gap
        assert stays.end_date is None and stays.person == alice
        new = RoleAssignment.objects.get(person=bob)
        assert (new.role_type, new.object_id, new.start_date, new.end_date) == (
            moved.role_type, moved.object_id, on, None
        )
        # On the hand-over day exactly one of them counts; the day before the other.
        holders = in_force(on).filter(object_id=moved.object_id, role_type=moved.role_type)
        assert list(holders.values_list("person", flat=True)) == [bob.pk]
        before = in_force(on - DAY).filter(object_id=moved.object_id, role_type=moved.role_type)
        assert list(before.values_list("person", flat=True)) == [alice.pk]

    def test_audited_under_one_group(self, editor, alice, bob, roles_of_alice, today):
        moved, *_rest = roles_of_alice
        before = AuditEntry.objects.count()
        person_handover(
            actor=editor, person=alice, moves=[(moved, bob)], on=today, left_on=today
        )
        entries = list(AuditEntry.objects.order_by("pk")[before:])
        # Alice's left_on, three ended assignments (one moved, two not handed over), Bo's new
        assert len(entries) == 5
        assert len({entry.group_id for entry in entries}) == 1
        assignment_type = ContentType.objects.get_for_model(RoleAssignment)
        created = [e for e in entries if e.action == "create"]
        assert len(created) == 1 and created[0].content_type == assignment_type
        assert created[0].changes["person"] == [None, bob.pk]
        assert created[0].actor == editor
        ended = [e for e in entries if e.action == "update" and e.content_type == assignment_type]
        assert {e.object_id for e in ended} == {a.pk for a in roles_of_alice}
        assert all(
            e.changes["end_date"][1] in (str(today - DAY), str(today)) for e in ended
        )

    def test_new_holders_get_one_mail_each_after_commit(
        self, editor, alice, bob, carl, roles_of_alice, today,
        django_capture_on_commit_callbacks,
    ):
        first, second, contract_role = roles_of_alice
        with django_capture_on_commit_callbacks(execute=True):
            responsibilities_reassign(
                actor=editor,
                person=alice,
                moves=[(first, bob), (second, bob), (contract_role, carl)],
                on=today,
            )
        assert sorted(m.to[0] for m in mail.outbox) == ["bo@demo.dk", "carl@demo.dk"]
        to_bob = next(m for m in mail.outbox if m.to == ["bo@demo.dk"])
        assert "2 nye roller" in to_bob.subject
        assert "Acadre" in to_bob.body and "Bluegarden" in to_bob.body
        assert "Alice Andersen" in to_bob.body  # who they take over from
        to_carl = next(m for m in mail.outbox if m.to == ["carl@demo.dk"])
        assert "Kontraktejer" in to_carl.subject and "Drift af ESDH" in to_carl.subject

    def test_no_mail_when_rolled_back(self, editor, alice, bob, roles_of_alice, today):
        # Without a commit (the test transaction), nothing is sent.
        responsibilities_reassign(actor=editor, person=alice, moves=[(roles_of_alice[0], bob)],
                                  on=today)
        assert mail.outbox == []

    def test_person_of_another_organisation_is_refused(
        self, editor, alice, roles_of_alice, other_org, today
    ):
        stranger = PersonFactory(organisation=other_org)
        before = state()
        with pytest.raises(ValidationError):
            responsibilities_reassign(
                actor=editor, person=alice, moves=[(roles_of_alice[0], stranger)], on=today
            )
        assert state() == before

    def test_new_holder_who_left_is_refused(self, editor, alice, bob, roles_of_alice, today):
        bob.left_on = today - DAY
        bob.save()
        with pytest.raises(ValidationError):
            responsibilities_reassign(
                actor=editor, person=alice, moves=[(roles_of_alice[0], bob)], on=today
            )

    def test_someone_elses_assignment_is_refused(self, editor, alice, bob, carl, today):
        of_carl = RoleAssignmentFactory(person=carl, organisation=carl.organisation,
                                        target=UsageFactory(organisation=carl.organisation))
        with pytest.raises(ValidationError):
            responsibilities_reassign(actor=editor, person=alice, moves=[(of_carl, bob)],
                                      on=today)

    def test_readers_and_outsiders_may_not(self, reader, outsider, alice, bob, roles_of_alice,
                                           today):
        for actor in (reader, outsider):
            with pytest.raises(PermissionDenied):
                responsibilities_reassign(
                    actor=actor, person=alice, moves=[(roles_of_alice[0], bob)], on=today
                )
            with pytest.raises(PermissionDenied):
                person_leave(actor=actor, person=alice, left_on=today)

    def test_leaving_ends_what_is_not_handed_over(self, editor, alice, roles_of_alice, today):
        left_on = today + 30 * DAY
        later = RoleAssignmentFactory(
            person=alice, target=UsageFactory(organisation=alice.organisation),
            role_type=role("systemejer"), start_date=left_on + DAY,
        )
        already_ending = RoleAssignmentFactory(
            person=alice, target=UsageFactory(organisation=alice.organisation),
            role_type=role("systemejer"), end_date=today + 5 * DAY,
        )
        person_leave(actor=editor, person=alice, left_on=left_on)
        alice.refresh_from_db()
        assert alice.left_on == left_on
        for assignment in roles_of_alice:
            assignment.refresh_from_db()
            assert assignment.end_date == left_on
        assert not RoleAssignment.objects.filter(pk=later.pk).exists()  # would never begin
        already_ending.refresh_from_db()
        assert already_ending.end_date == today + 5 * DAY  # ends before anyway: untouched
        deleted = AuditEntry.objects.get(action="delete", object_id=later.pk)
        assert deleted.object_uuid == later.uuid  # in the deletions feed for API mirrors

    def test_hand_over_later_than_leaving_leaves_a_gap(
        self, editor, alice, bob, roles_of_alice, today
    ):
        moved = roles_of_alice[0]
        left_on, on = today + 10 * DAY, today + 20 * DAY
        person_handover(actor=editor, person=alice, moves=[(moved, bob)], on=on, left_on=left_on)
        moved.refresh_from_db()
        assert moved.end_date == left_on
        assert RoleAssignment.objects.get(person=bob).start_date == on

    def test_new_holder_who_has_the_role_gets_no_second_one(
        self, editor, alice, bob, roles_of_alice, today
    ):
        moved = roles_of_alice[0]
        RoleAssignmentFactory(person=bob, target=moved.target, role_type=moved.role_type)
        responsibilities_reassign(actor=editor, person=alice, moves=[(moved, bob)], on=today)
        assert RoleAssignment.objects.filter(person=bob).count() == 1
        moved.refresh_from_db()
        assert moved.end_date == today - DAY

    def test_planned_end_date_goes_with_the_role(self, editor, alice, bob, org, today):
        usage = UsageFactory(organisation=org)
        planned = RoleAssignmentFactory(
            person=alice, target=usage, role_type=role("systemejer"),
            start_date=today - 100 * DAY, end_date=today + 100 * DAY,
        )
        responsibilities_reassign(actor=editor, person=alice, moves=[(planned, bob)],
                                  on=today + DAY)
        new = RoleAssignment.objects.get(person=bob)
        assert (new.start_date, new.end_date) == (today + DAY, today + 100 * DAY)

    def test_an_ended_assignment_cannot_be_handed_over_later(
        self, editor, alice, bob, org, today
    ):
        ending = RoleAssignmentFactory(
            person=alice, target=UsageFactory(organisation=org), role_type=role("systemejer"),
            end_date=today + 2 * DAY,
        )
        with pytest.raises(ValidationError):
            responsibilities_reassign(actor=editor, person=alice, moves=[(ending, bob)],
                                      on=today + 5 * DAY)


class TestPlan:
    def test_plan_reads_only(self, alice, bob, roles_of_alice, today):
        before = state()
        plan = handover_plan(person=alice, moves=[(roles_of_alice[0], bob)], on=today,
                             left_on=today, today=today)
        assert state() == before
        assert [c.new_person for c in plan.moved] == [bob]
        assert len(plan.ended) == 2  # the two not handed over become vacant


class TestPages:
    def test_anonymous_is_sent_to_login(self, client, alice):
        for url in (page_url(alice),):
            response = client.get(url)
            assert response.status_code == 302 and response.url.startswith(reverse("login"))
        response = client.post(handover_url(alice), {"left_on": "2027-01-01"})
        assert response.status_code == 302
        assert Person.objects.get(pk=alice.pk).left_on is None

    def test_other_organisation_is_404(self, client, outsider, alice, roles_of_alice):
        client.force_login(outsider)
        assert client.get(page_url(alice)).status_code == 404
        before = state()
        response = client.post(handover_url(alice), {"left_on": "2027-01-01", "action": "apply"})
        assert response.status_code == 404
        assert state() == before

    def test_reader_sees_the_roles_but_no_form_and_may_not_post(
        self, client, reader, alice, bob, roles_of_alice
    ):
        client.force_login(reader)
        response = client.get(page_url(alice))
        assert response.status_code == 200
        assert "Acadre" in response.text and "Drift af ESDH" in response.text
        assert handover_url(alice) not in response.text
        before = state()
        data = {row(roles_of_alice[0]): str(bob.uuid), "on": "2027-01-01", "action": "apply"}
        assert client.post(handover_url(alice), data).status_code == 403
        assert state() == before

    def test_editor_sees_the_form(self, client, editor, alice, roles_of_alice):
        client.force_login(editor)
        response = client.get(page_url(alice))
        assert response.status_code == 200
        assert handover_url(alice) in response.text
        assert f'name="{row(roles_of_alice[0])}"' in response.text

    def test_preview_changes_nothing(self, client, editor, alice, bob, roles_of_alice):
        client.force_login(editor)
        moved = roles_of_alice[0]
        before = state()
        response = client.post(
            handover_url(alice),
            {row(moved): str(bob.uuid), "on": "2027-01-01", "left_on": "2026-12-31",
             "action": "preview"},
        )
        assert response.status_code == 200
        assert state() == before
        assert mail.outbox == []
        page = response.text
        assert "Intet er gemt endnu" in page
        assert "Bo Berg" in page and "fra 01-01-2027" in page
        assert "Ingen – bliver ledig" in page  # the two roles not handed over
        assert 'value="apply"' in page
        # The preview carries the choices on to "apply".
        assert f'name="{row(moved)}" value="{bob.uuid}"' in page

    def test_apply_moves_exactly_the_chosen(
        self, client, editor, alice, bob, carl, roles_of_alice,
        django_capture_on_commit_callbacks,
    ):
        client.force_login(editor)
        first, second, contract_role = roles_of_alice
        audit_before = AuditEntry.objects.count()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                handover_url(alice),
                {
                    "all_to": str(bob.uuid),
                    row(second): "none",  # stays with Alice
                    row(contract_role): str(carl.uuid),
                    "on": "2027-01-01",
                    "action": "apply",
                },
            )
        assert response.status_code == 302 and response.url == page_url(alice)
        assert set(RoleAssignment.objects.filter(person=bob).values_list("object_id", flat=True)) \
            == {first.object_id}
        assert set(RoleAssignment.objects.filter(person=carl).values_list("object_id", flat=True)) \
            == {contract_role.object_id}
        second.refresh_from_db()
        assert second.end_date is None  # the unchosen one stays with Alice
        first.refresh_from_db()
        assert first.end_date == datetime.date(2026, 12, 31)
        # Two ended, two created, one request: every entry in one group, source "ui".
        entries = list(AuditEntry.objects.order_by("pk")[audit_before:])
        assert sorted(e.action for e in entries) == ["create", "create", "update", "update"]
        assert len({e.group_id for e in entries}) == 1
        assert {e.source for e in entries} == {"ui"}
        assert len({m.to[0] for m in mail.outbox}) == 2
        follow = client.get(page_url(alice))
        assert "overdraget" in follow.text
        # What was handed over says so and is not offered again; the rest still is.
        assert "Overdraget til Bo Berg fra 01-01-2027" in follow.text
        assert f'name="{row(first)}"' not in follow.text
        assert f'name="{row(second)}"' in follow.text

    def test_person_of_another_organisation_is_not_a_choice(
        self, client, editor, alice, roles_of_alice, other_org
    ):
        stranger = PersonFactory(organisation=other_org, name="Fremmed Person")
        client.force_login(editor)
        assert "Fremmed Person" not in client.get(page_url(alice)).text
        before = state()
        response = client.post(
            handover_url(alice),
            {row(roles_of_alice[0]): str(stranger.uuid), "on": "2027-01-01", "action": "apply"},
        )
        assert response.status_code == 400
        assert state() == before

    def test_bad_input_is_a_form_error_not_a_500(self, client, editor, alice, roles_of_alice,
                                                 bob):
        client.force_login(editor)
        before = state()
        for data in (
            {},  # nothing chosen
            {row(roles_of_alice[0]): str(bob.uuid)},  # no date
            {row(roles_of_alice[0]): str(bob.uuid), "on": "not-a-date"},
            {row(roles_of_alice[0]): "not-a-uuid", "on": "2027-01-01"},
            {"left_on": "9999-12-31"},
        ):
            response = client.post(handover_url(alice), {**data, "action": "apply"})
            assert response.status_code == 400, data
        assert state() == before

    def test_mark_left_without_handing_over(self, client, editor, alice, roles_of_alice):
        client.force_login(editor)
        response = client.post(handover_url(alice), {"left_on": "2027-03-31", "action": "apply"})
        assert response.status_code == 302
        alice.refresh_from_db()
        assert alice.left_on == datetime.date(2027, 3, 31)
        assert set(
            RoleAssignment.objects.filter(person=alice).values_list("end_date", flat=True)
        ) == {datetime.date(2027, 3, 31)}

    def test_edit_goes_back_with_the_choices(self, client, editor, alice, bob, roles_of_alice):
        client.force_login(editor)
        response = client.post(
            handover_url(alice),
            {row(roles_of_alice[0]): str(bob.uuid), "on": "2027-01-01", "action": "edit"},
        )
        assert response.status_code == 200
        assert f'<option value="{bob.uuid}" selected>' in response.text
