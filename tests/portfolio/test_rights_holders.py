"""Rights-holder access (issue #20): a supplier's user keeps the supplier's shared
catalog entries and their interfaces — only the fields a rights holder may write — and
reaches nothing else (404); municipalities see the changes in the entry's history."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.test import APIClient

from kitos.models import AuditEntry
from kitos.tenancy import SYSTEM
from portfolio.models import ItSystem
from portfolio.services import (
    interface_update,
    rights_holder_access_grant,
    system_update,
)
from tests.factories import (
    ContractFactory,
    InterfaceFactory,
    ItSystemFactory,
    SupplierFactory,
    UsageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org, other_org):
    supplier, other_supplier = SupplierFactory(name="Fenster A/S"), SupplierFactory()
    ours = ItSystemFactory(name="Fenster Sag", rights_holder=supplier, owner_organisation=org)
    user = UserFactory(username="fenster")
    rights_holder_access_grant(actor=SYSTEM, user=user, supplier=supplier)
    return {
        "user": user, "supplier": supplier, "other_supplier": other_supplier,
        "system": ours,
        "interface": InterfaceFactory(name="Fenster REST", exposed_by=ours),
        "theirs": ItSystemFactory(rights_holder=other_supplier),
        # Local to a municipality: the municipality's, not the supplier's.
        "local": ItSystemFactory(rights_holder=supplier, owner_organisation=org, is_local=True),
        "usage": UsageFactory(organisation=org, system=ours),
        "contract": ContractFactory(organisation=org, supplier=supplier),
    }


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def test_supplier_user_edits_its_entry_and_municipalities_see_the_history(
    client, world, reader, outsider
):
    system, user = world["system"], world["user"]
    client.force_login(user)
    detail = reverse("itsystem_detail", args=[system.uuid])
    assert "Rediger" in client.get(detail).content.decode()
    url = reverse("itsystem_update", args=[system.uuid])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    assert form.fields["rights_holder"].disabled and form.fields["is_local"].disabled
    assert not form.fields["description"].disabled
    response = client.post(url, {
        "name": "Fenster Sag 2", "description": "Ny version med digital post.",
        "licence_model": "open_source",  # not the rights holder's: ignored
        "rights_holder": world["other_supplier"].pk,  # ignored
        "business_type": "esdh",
    })
    assert response.status_code == 302, response.context["form"].errors
    system.refresh_from_db()
    assert (system.name, system.description) == ("Fenster Sag 2", "Ny version med digital post.")
    assert system.rights_holder == world["supplier"]
    assert system.licence_model == "proprietary"
    entry = AuditEntry.objects.get(object_uuid=system.uuid, action="update")
    assert entry.actor == user and "name" in entry.changes
    # Every municipality that sees the entry reads the change in its history.
    for member in (reader, outsider):
        client.force_login(member)
        history = client.get(detail + "?tab=historik").content.decode()
        assert "Fenster Sag 2" in history and "fenster" in history


def test_only_the_rights_holders_fields_and_never_away_or_deleted(world):
    user, system = world["user"], world["system"]
    with pytest.raises(PermissionDenied):
        system_update(actor=user, system=fresh(system),
                      data={"rights_holder": world["other_supplier"]})
    with pytest.raises(PermissionDenied):
        system_update(actor=user, system=fresh(system), data={"licence_model": "open_source"})
    with pytest.raises(PermissionDenied):
        system_update(actor=user, system=fresh(system), data={"is_local": True})
    with pytest.raises(PermissionDenied):
        fresh(system).check_deletable_by(user)
    with pytest.raises(PermissionDenied):
        system_update(actor=user, system=fresh(world["local"]), data={"name": "x"})
    system_update(actor=user, system=fresh(system), data={"previous_names": "Fenster ESDH"})
    assert fresh(system).previous_names == "Fenster ESDH"
    interface = world["interface"]
    interface_update(actor=user, interface=fresh(interface), data={"version": "2.1"})
    assert fresh(interface).version == "2.1"
    with pytest.raises(PermissionDenied):  # handing it to another supplier's system
        interface_update(actor=user, interface=fresh(interface),
                         data={"exposed_by": world["theirs"]})


def test_everything_else_is_404(client, world, org):
    client.force_login(world["user"])
    for name, obj in (("itsystem_detail", world["theirs"]), ("itsystem_detail", world["local"]),
                      ("itsystem_update", world["theirs"]),
                      ("systemusage_detail", world["usage"]),
                      ("contract_detail", world["contract"])):
        assert client.get(reverse(name, args=[obj.uuid])).status_code == 404, name
    assert client.get(reverse("itsystem_delete", args=[world["system"].uuid])).status_code == 403
    listed = client.get(reverse("itsystem_list")).content.decode()
    assert "Fenster Sag" in listed and world["theirs"].name not in listed
    assert "Alle kontrakter" not in listed  # the menu offers the catalog only
    assert client.get("/").status_code in (200, 302, 404)
    interfaces = client.get(reverse("interface_list")).content.decode()
    assert "Fenster REST" in interfaces
    assert set(ItSystem.objects.visible_to(world["user"])) == {world["system"]}


def test_api_patch_of_own_entry_and_404_elsewhere(world):
    api = APIClient()
    api.force_authenticate(world["user"])
    own = api.patch(f"/api/v1/systems/{world['system'].uuid}/",
                    {"description": "Fra API"}, format="json")
    assert own.status_code == 200, own.content
    assert fresh(world["system"]).description == "Fra API"
    other = api.patch(f"/api/v1/systems/{world['theirs'].uuid}/",
                      {"description": "x"}, format="json")
    assert other.status_code == 404
    refused = api.patch(f"/api/v1/systems/{world['system'].uuid}/",
                        {"licence_model": "open_source"}, format="json")
    assert refused.status_code == 403


def test_a_login_without_membership_sees_no_catalog(world):
    stranger = UserFactory(username="ingen")
    assert not ItSystem.objects.visible_to(stranger).exists()
