"""Create / edit / delete forms of units, persons and role assignments."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from kitos.models import AuditEntry
from roles.models import OrganisationUnit, Person, RoleAssignment, RoleType
from tests.detail_helpers import audit_entries
from tests.factories import (
    PersonFactory,
    RoleAssignmentFactory,
    RoleTypeFactory,
    UnitFactory,
    UsageFactory,
)
from tests.harness import FormViewTests
from tests.roles.cases import PERSON, UNIT

pytestmark = pytest.mark.django_db


class TestUnitForms(FormViewTests):
    case = UNIT


class TestPersonForms(FormViewTests):
    case = PERSON


def test_unit_path_follows_the_parent(client, org, editor):
    parent = UnitFactory(organisation=org)
    client.force_login(editor)
    response = client.post(
        reverse("organisationunit_create"), {"name": "Afdeling", "parent": parent.pk}
    )
    assert response.status_code == 302
    unit = OrganisationUnit.objects.get(name="Afdeling")
    assert unit.path == f"{parent.path}{unit.pk}/" and unit.depth == 1


def test_a_unit_cannot_move_below_itself(client, org, editor):
    unit = UnitFactory(organisation=org)
    child = UnitFactory(organisation=org, parent=unit)
    client.force_login(editor)
    response = client.post(
        reverse("organisationunit_update", args=[unit.uuid]),
        {"name": unit.name, "parent": child.pk},
    )
    assert response.status_code == 200 and response.context["form"].errors.get("parent")
    unit.refresh_from_db()
    assert unit.parent_id is None


def test_deleting_a_person_with_roles_is_refused(client, org, editor):
    assignment = RoleAssignmentFactory(target=UsageFactory(organisation=org))
    client.force_login(editor)
    url = reverse("person_delete", args=[assignment.person.uuid])
    assert "Bruges stadig af" in client.get(url).content.decode()
    assert client.post(url).status_code == 200
    assert Person.objects.filter(pk=assignment.person.pk).exists()


def usage_role():
    return RoleType.objects.get(organisation=None, applies_to="system_usage", code="systemejer")


class TestRoleAssignmentForms:
    def create_url(self, usage):
        return reverse("roleassignment_create", args=["system_usage", usage.uuid])

    def test_editor_assigns_a_role_with_dates(self, client, org, editor):
        usage = UsageFactory(organisation=org)
        person = PersonFactory(organisation=org)
        client.force_login(editor)
        page = client.get(self.create_url(usage))
        html = page.content.decode()
        assert page.status_code == 200 and 'type="date"' in html
        # Only role types for system usages are offered.
        assert "Kontraktejer" not in html and "Systemejer" in html
        response = client.post(
            self.create_url(usage),
            {"role_type": usage_role().pk, "person": person.pk, "start_date": "2026-01-01"},
        )
        assert response.status_code == 302
        assert response.url.endswith("?tab=roller")
        assignment = RoleAssignment.objects.on(usage).get()
        assert assignment.person == person and assignment.start_date == datetime.date(2026, 1, 1)
        assert audit_entries(assignment, "create").exists()

    def test_end_before_start_is_refused(self, client, org, editor):
        usage = UsageFactory(organisation=org)
        person = PersonFactory(organisation=org)
        client.force_login(editor)
        response = client.post(
            self.create_url(usage),
            {"role_type": usage_role().pk, "person": person.pk,
             "start_date": "2026-01-01", "end_date": "2025-01-01"},
        )
        assert response.status_code == 200 and response.context["form"].errors
        assert not RoleAssignment.objects.exists()

    def test_person_of_another_organisation_is_refused(self, client, org, other_org, editor):
        usage = UsageFactory(organisation=org)
        client.force_login(editor)
        response = client.post(
            self.create_url(usage),
            {"role_type": usage_role().pk, "person": PersonFactory(organisation=other_org).pk},
        )
        assert response.context["form"].errors.get("person")
        assert not RoleAssignment.objects.exists()

    def test_editor_ends_and_deletes_an_assignment(self, client, org, editor):
        assignment = RoleAssignmentFactory(target=UsageFactory(organisation=org))
        client.force_login(editor)
        url = reverse("roleassignment_update", args=[assignment.uuid])
        response = client.post(
            url,
            {"role_type": assignment.role_type.pk, "person": assignment.person.pk,
             "end_date": "2026-12-31"},
        )
        assert response.status_code == 302
        assignment.refresh_from_db()
        assert assignment.end_date == datetime.date(2026, 12, 31)
        response = client.post(reverse("roleassignment_delete", args=[assignment.uuid]))
        assert response.status_code == 302 and response.url.endswith("?tab=roller")
        assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
        assert audit_entries(assignment, "delete").exists()

    def test_reader_is_refused_and_outsider_sees_nothing(
        self, client, org, reader, outsider
    ):
        usage = UsageFactory(organisation=org)
        assignment = RoleAssignmentFactory(target=usage)
        urls = (
            self.create_url(usage),
            reverse("roleassignment_update", args=[assignment.uuid]),
            reverse("roleassignment_delete", args=[assignment.uuid]),
        )
        entries = AuditEntry.objects.count()
        client.force_login(reader)
        for url in urls:
            assert client.get(url).status_code == 403
            assert client.post(url, {}).status_code == 403
        client.force_login(outsider)
        for url in urls:
            assert client.get(url).status_code == 404
        assert AuditEntry.objects.count() == entries
        assert RoleAssignment.objects.filter(pk=assignment.pk).exists()

    def test_unknown_kind_is_404(self, client, org, editor):
        client.force_login(editor)
        url = reverse("roleassignment_create", args=["findes-ikke", UsageFactory().uuid])
        assert client.get(url).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, org):
        response = client.get(self.create_url(UsageFactory(organisation=org)))
        assert response.status_code == 302 and reverse("login") in response.url


def test_role_types_of_the_organisation_are_offered_but_not_others(
    client, org, other_org, editor
):
    RoleTypeFactory(organisation=org, name="Vores egen rolle")
    RoleTypeFactory(organisation=other_org, name="Naboens rolle")
    client.force_login(editor)
    usage = UsageFactory(organisation=org)
    url = reverse("roleassignment_create", args=["system_usage", usage.uuid])
    html = client.get(url).content.decode()
    assert "Vores egen rolle" in html and "Naboens rolle" not in html
