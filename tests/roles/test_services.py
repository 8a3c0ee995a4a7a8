"""Unit tree maintenance, memberships and role assignments through the services."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from roles.models import OrganisationUnit, RoleAssignment
from roles.services import membership_set, role_assign, unit_create, unit_update
from tests.factories import (
    ContractFactory,
    PersonFactory,
    RoleTypeFactory,
    UsageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(org, editor):
    top = unit_create(actor=editor, organisation=org, name="Børn og Unge")
    school = unit_create(actor=editor, organisation=org, name="Skoler", parent=top)
    team = unit_create(actor=editor, organisation=org, name="IT i skolerne", parent=school)
    other = unit_create(actor=editor, organisation=org, name="Teknik og Miljø")
    return top, school, team, other


def test_units_know_their_subtree(tree):
    top, school, team, other = tree
    assert team.path == f"/{top.pk}/{school.pk}/{team.pk}/"
    assert team.depth == 2
    assert set(top.subtree()) == {top, school, team}
    assert set(other.subtree()) == {other}


def test_moving_a_unit_moves_its_subtree(tree, editor):
    top, school, team, other = tree
    unit_update(actor=editor, unit=school, data={"parent": other})
    team.refresh_from_db()
    assert team.path == f"/{other.pk}/{school.pk}/{team.pk}/"
    assert team.depth == 2
    assert set(other.subtree()) == {other, school, team}
    assert set(top.subtree()) == {top}


def test_a_unit_cannot_move_below_itself(tree, editor):
    top, school, team, other = tree
    with pytest.raises(ValidationError):
        unit_update(actor=editor, unit=top, data={"parent": team})
    assert OrganisationUnit.objects.get(pk=top.pk).parent is None


def test_parent_must_be_in_the_same_organisation(org, other_org, editor, superuser):
    foreign = unit_create(actor=superuser, organisation=other_org, name="Fremmed")
    with pytest.raises(ValidationError):
        unit_create(actor=editor, organisation=org, name="Barn", parent=foreign)


def test_readers_cannot_create_units(org, reader):
    with pytest.raises(PermissionDenied):
        unit_create(actor=reader, organisation=org, name="Nej")


def test_only_admins_manage_memberships(org, editor, admin_user):
    newcomer = UserFactory()
    with pytest.raises(PermissionDenied):
        membership_set(actor=editor, user=newcomer, organisation=org, role="reader")
    membership = membership_set(actor=admin_user, user=newcomer, organisation=org, role="reader")
    membership = membership_set(actor=admin_user, user=newcomer, organisation=org, role="editor")
    assert membership.role == "editor"


class TestRoleAssignment:
    def test_assign_and_ask_both_ways(self, org, editor):
        usage = UsageFactory(organisation=org)
        contract = ContractFactory(organisation=org)
        person = PersonFactory(organisation=org)
        owner = RoleTypeFactory(applies_to="system_usage", code="ejer")
        contract_owner = RoleTypeFactory(applies_to="contract", code="kejer")
        role_assign(actor=editor, person=person, role_type=owner, target=usage)
        role_assign(actor=editor, person=person, role_type=contract_owner, target=contract)
        # "everything person X is responsible for" in one query, targets prefetched
        everything = list(RoleAssignment.objects.filter(person=person).for_list())
        assert {a.target for a in everything} == {usage, contract}
        # "who holds role R on object O"
        holders = RoleAssignment.objects.on(usage).filter(role_type=owner)
        assert [a.person for a in holders] == [person]

    def test_role_must_fit_the_kind_of_object(self, org, editor):
        contract_role = RoleTypeFactory(applies_to="contract")
        with pytest.raises(ValidationError):
            role_assign(
                actor=editor,
                person=PersonFactory(organisation=org),
                role_type=contract_role,
                target=UsageFactory(organisation=org),
            )

    def test_person_and_target_in_the_same_organisation(self, org, other_org, editor):
        with pytest.raises((ValidationError, PermissionDenied)):
            role_assign(
                actor=editor,
                person=PersonFactory(organisation=org),
                role_type=RoleTypeFactory(),
                target=UsageFactory(organisation=other_org),
            )

    def test_ended_assignments_stop_counting(self, org, editor):
        usage = UsageFactory(organisation=org)
        role_type = RoleTypeFactory()
        role_assign(
            actor=editor,
            person=PersonFactory(organisation=org),
            role_type=role_type,
            target=usage,
            end_date=datetime.date(2026, 1, 31),
        )
        current = RoleAssignment.objects.on(usage).current(datetime.date(2026, 2, 1))
        assert not current.exists()
        assert RoleAssignment.objects.on(usage).current(datetime.date(2026, 1, 31)).exists()
