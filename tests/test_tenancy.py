"""Organisation scoping through the querysets: the foundation of every view and API."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from contracts.models import Contract, CostLine
from gdpr.models import DataProcessingAgreement, ProcessingActivity, SubProcessor
from kitos.models import Organisation
from portfolio.models import ItSystem, Supplier, SystemUsage
from roles.models import Person, RoleAssignment, RoleType
from tests.factories import (
    AgreementFactory,
    ContractFactory,
    CostLineFactory,
    ItSystemFactory,
    PersonFactory,
    ProcessingActivityFactory,
    RoleAssignmentFactory,
    RoleTypeFactory,
    SubProcessorFactory,
    SupplierFactory,
    UsageFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_data(org):
    return {
        SystemUsage: UsageFactory(organisation=org),
        Contract: ContractFactory(organisation=org),
        Person: PersonFactory(organisation=org),
        ProcessingActivity: ProcessingActivityFactory(organisation=org),
        DataProcessingAgreement: AgreementFactory(organisation=org),
    }


@pytest.mark.parametrize(
    "model", [SystemUsage, Contract, Person, ProcessingActivity, DataProcessingAgreement]
)
def test_member_of_other_organisation_sees_nothing(model, demo_data, outsider, reader):
    obj = demo_data[model]
    assert not model.objects.visible_to(outsider).filter(pk=obj.pk).exists()
    assert not model.objects.editable_by(outsider).filter(pk=obj.pk).exists()
    assert model.objects.visible_to(reader).filter(pk=obj.pk).exists()


@pytest.mark.parametrize(
    "model", [SystemUsage, Contract, Person, ProcessingActivity, DataProcessingAgreement]
)
def test_reader_sees_but_cannot_edit(model, demo_data, reader, editor):
    obj = demo_data[model]
    assert not model.objects.editable_by(reader).filter(pk=obj.pk).exists()
    assert model.objects.editable_by(editor).filter(pk=obj.pk).exists()


def test_anonymous_and_inactive_users_see_nothing(demo_data, editor):
    assert not SystemUsage.objects.visible_to(AnonymousUser()).exists()
    editor.is_active = False
    editor.save()
    assert not SystemUsage.objects.visible_to(editor).exists()


def test_superuser_sees_every_organisation(demo_data, superuser, other_org):
    UsageFactory(organisation=other_org)
    assert SystemUsage.objects.visible_to(superuser).count() == 2


def test_scoping_is_one_query(demo_data, reader, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(SystemUsage.objects.visible_to(reader))


def test_child_objects_are_scoped_through_their_parent(org, reader, outsider):
    line = CostLineFactory(contract=ContractFactory(organisation=org))
    sub = SubProcessorFactory(agreement=AgreementFactory(organisation=org))
    assert CostLine.objects.visible_to(reader).filter(pk=line.pk).exists()
    assert not CostLine.objects.visible_to(outsider).filter(pk=line.pk).exists()
    assert SubProcessor.objects.visible_to(reader).filter(pk=sub.pk).exists()
    assert not SubProcessor.objects.visible_to(outsider).filter(pk=sub.pk).exists()


def test_role_assignments_are_scoped(org, reader, outsider):
    assignment = RoleAssignmentFactory(target=UsageFactory(organisation=org))
    assert RoleAssignment.objects.visible_to(reader).filter(pk=assignment.pk).exists()
    assert not RoleAssignment.objects.visible_to(outsider).exists()


def test_organisations_visible_are_the_memberships(org, other_org, reader):
    assert list(Organisation.objects.visible_to(reader)) == [org]


class TestSharedCatalog:
    def test_shared_entries_are_readable_by_every_member(self, org, other_org, reader, outsider):
        system = ItSystemFactory(owner_organisation=org)
        supplier = SupplierFactory(owner_organisation=org)
        assert ItSystem.objects.visible_to(outsider).filter(pk=system.pk).exists()
        assert Supplier.objects.visible_to(outsider).filter(pk=supplier.pk).exists()

    def test_local_entries_are_only_visible_to_the_owner(self, org, reader, outsider):
        system = ItSystemFactory(owner_organisation=org, is_local=True)
        assert ItSystem.objects.visible_to(reader).filter(pk=system.pk).exists()
        assert not ItSystem.objects.visible_to(outsider).filter(pk=system.pk).exists()

    def test_only_admins_of_the_owner_edit(self, org, reader, editor, admin_user, outsider):
        system = ItSystemFactory(owner_organisation=org)
        national = ItSystemFactory(owner_organisation=None)
        for user in (reader, editor, outsider):
            assert not ItSystem.objects.editable_by(user).exists()
        assert list(ItSystem.objects.editable_by(admin_user)) == [system]
        assert national not in ItSystem.objects.editable_by(admin_user)

    def test_superuser_edits_national_entries(self, superuser):
        national = ItSystemFactory(owner_organisation=None)
        assert national in ItSystem.objects.editable_by(superuser)


def test_standard_role_types_are_visible_to_all_members(org, other_org, reader, outsider):
    own = RoleTypeFactory(organisation=org)
    standard = RoleType.objects.filter(organisation=None)
    assert standard.exists()  # seeded by the reference data migration
    assert set(standard) <= set(RoleType.objects.visible_to(outsider))
    assert own in RoleType.objects.visible_to(reader)
    assert own not in RoleType.objects.visible_to(outsider)
