"""Catalog and usage services: who may write shared data."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from contracts.services import supplier_create
from portfolio.models import ItSystem
from portfolio.services import integration_create, system_create, system_update, usage_create
from tests.factories import ItSystemFactory, UsageFactory

pytestmark = pytest.mark.django_db


def test_organisation_admin_maintains_own_catalog_entries(org, admin_user):
    system = system_create(actor=admin_user, name="Lokal booking", owner_organisation=org)
    system_update(actor=admin_user, system=system, data={"description": "Haller"})
    assert ItSystem.objects.get(pk=system.pk).description == "Haller"


@pytest.mark.parametrize("who", ["editor", "reader", "outsider"])
def test_non_admins_cannot_write_shared_catalog(org, who, request):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        system_create(actor=user, name="Nyt system", owner_organisation=org)
    with pytest.raises(PermissionDenied):
        supplier_create(actor=user, name="Ny leverandør", owner_organisation=org)


def test_admins_cannot_touch_national_or_other_organisations_entries(
    org, admin_user, other_org
):
    with pytest.raises(PermissionDenied):
        system_create(actor=admin_user, name="Nationalt", owner_organisation=None)
    theirs = ItSystemFactory(owner_organisation=other_org)
    with pytest.raises(PermissionDenied):
        system_update(actor=admin_user, system=theirs, data={"name": "Kapret"})


def test_superuser_maintains_national_entries(superuser):
    system = system_create(actor=superuser, name="Serviceplatformen")
    assert system.owner_organisation is None


def test_local_entry_needs_an_owner(superuser):
    with pytest.raises(ValidationError):
        system_create(actor=superuser, name="Lokalt uden ejer", is_local=True)


def test_editor_creates_usages_and_integrations(org, editor):
    usage = usage_create(actor=editor, organisation=org, system=ItSystemFactory())
    other = UsageFactory(organisation=org)
    integration = integration_create(actor=editor, source=usage, target=other, name="CPR-opslag")
    assert integration.organisation == org


def test_integration_between_organisations_is_refused(org, other_org, editor):
    with pytest.raises((ValidationError, PermissionDenied)):
        integration_create(
            actor=editor,
            source=UsageFactory(organisation=org),
            target=UsageFactory(organisation=other_org),
            name="Ulovlig",
        )
