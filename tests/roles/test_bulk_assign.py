"""Giving many vacancies of *Ledige roller* to one person in one step
(roles/vacancy_assign.py), and the role holder bulk action on lists (roles/bulk_actions.py)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from kitos.models import AuditEntry
from roles.models import RoleAssignment, RoleType
from tests.factories import PersonFactory, RoleAssignmentFactory, UsageFactory

pytestmark = pytest.mark.django_db

REPORT = reverse("vacancy_report")
ASSIGN = reverse("vacancy_assign")


def owner():
    return RoleType.objects.get(organisation=None, applies_to="system_usage", code="systemejer")


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def ticks(role_type, objects) -> list[str]:
    return [f"{role_type.uuid}:{obj.uuid}" for obj in objects]


def post(client, vacancies, person, step="preview", **extra):
    data = {"vacancy": vacancies, "person": person.pk, "step": step, "next": REPORT}
    if step == "confirm":
        data["previewed"] = str(person.uuid)
    return client.post(ASSIGN, {**data, **extra})


class TestVacancyAssign:
    def test_twenty_vacancies_to_one_person_in_one_audited_step(self, client, editor, org):
        usages = UsageFactory.create_batch(20, organisation=org)
        person = PersonFactory(organisation=org, name="Lone Larsen")
        client.force_login(editor)
        report = client.get(REPORT).content.decode()
        assert report.count('name="vacancy"') >= 20
        shown = post(client, ticks(owner(), usages), person)
        assert shown.status_code == 200 and shown.context["vacant"] == 20
        done = post(client, ticks(owner(), usages), person, step="confirm")
        assert done.status_code == 302 and done.url == REPORT
        assert "20 ændret, 0 afvist." in texts(done)[0]
        assert RoleAssignment.objects.filter(person=person, role_type=owner()).count() == 20
        entries = AuditEntry.objects.filter(content_type__model="roleassignment")
        assert entries.count() == 20
        assert len({entry.group_id for entry in entries}) == 1

    def test_a_second_submit_finds_the_roles_filled(self, client, editor, org):
        usages = UsageFactory.create_batch(2, organisation=org)
        person = PersonFactory(organisation=org)
        client.force_login(editor)
        post(client, ticks(owner(), usages), person, step="confirm")
        client.get(REPORT)  # clears the first submit's messages
        again = post(client, ticks(owner(), usages), person, step="confirm")
        assert "0 ændret, 2 afvist." in texts(again)[0]
        assert RoleAssignment.objects.count() == 2

    def test_a_role_filled_since_the_preview_is_refused(self, client, editor, org):
        free, taken = UsageFactory.create_batch(2, organisation=org)
        person = PersonFactory(organisation=org)
        client.force_login(editor)
        RoleAssignmentFactory(target=taken, role_type=owner())
        done = post(client, ticks(owner(), [free, taken]), person, step="confirm")
        assert "1 ændret, 1 afvist." in texts(done)[0]

    def test_a_person_changed_after_the_preview_is_previewed_again(self, client, editor, org):
        usage = UsageFactory(organisation=org)
        first, second = PersonFactory.create_batch(2, organisation=org)
        client.force_login(editor)
        response = post(client, ticks(owner(), [usage]), second, step="confirm",
                        previewed=str(first.uuid))
        assert response.status_code == 200
        assert not RoleAssignment.objects.exists()

    def test_other_organisations_objects_and_persons_are_refused(
        self, client, editor, org, other_org
    ):
        ours = UsageFactory(organisation=org)
        theirs = UsageFactory(organisation=other_org)
        their_person = PersonFactory(organisation=other_org)
        person = PersonFactory(organisation=org)
        client.force_login(editor)
        response = post(client, ticks(owner(), [ours]), their_person, step="confirm")
        assert response.status_code == 400
        done = post(client, [*ticks(owner(), [ours, theirs]), "junk", "a:b"], person,
                    step="confirm")
        assert any("3 markerede roller" in text for text in texts(done))
        assert list(RoleAssignment.objects.values_list("object_id", flat=True)) == [ours.pk]

    def test_empty_selection(self, client, editor, org):
        person = PersonFactory(organisation=org)
        client.force_login(editor)
        response = post(client, [], person)
        assert response.status_code == 302
        assert "Vælg mindst én ledig rolle." in texts(response)

    def test_readers_see_no_checkboxes_and_cannot_post(self, client, reader, org):
        usage = UsageFactory(organisation=org)
        person = PersonFactory(organisation=org)
        client.force_login(reader)
        assert 'name="vacancy"' not in client.get(REPORT).content.decode()
        assert post(client, ticks(owner(), [usage]), person, step="confirm").status_code == 403
        assert not RoleAssignment.objects.exists()

    def test_get_is_not_allowed(self, client, editor, org):
        client.force_login(editor)
        assert client.get(ASSIGN).status_code == 405


class TestRoleHolderAction:
    LIST = "/systemanvendelser/"

    def run(self, client, usages, person, mode):
        data = {"bulk_action": "role_holder", "rows": [str(u.uuid) for u in usages],
                "role_type": owner().pk, "person": person.pk, "mode": mode}
        shown = client.post(self.LIST, {**data, "step": "preview"})
        assert shown.status_code == 200, shown.content
        return shown, client.post(self.LIST, {
            **data, "step": "confirm", "fingerprints": shown.context["fingerprints"],
            "values": shown.context["values"],
        })

    def test_add_and_replace(self, client, editor, org):
        held, empty = UsageFactory.create_batch(2, organisation=org)
        old = RoleAssignmentFactory(target=held, role_type=owner(),
                                    start_date="2020-01-01").person
        new = PersonFactory(organisation=org, name="Ny Ejer")
        client.force_login(editor)
        shown, _done = self.run(client, [held, empty], new, "replace")
        assert shown.context["to_change"] == 2
        assert str(old) in shown.content.decode()
        current = RoleAssignment.objects.current(timezone.localdate())
        assert set(current.values_list("person", flat=True)) == {new.pk}
        assert current.count() == 2
        client.get(self.LIST)
        shown, done = self.run(client, [held, empty], new, "add")
        assert shown.context["unchanged"] == 2
