"""Roles on every kind of object people answer for: integrations, data assets, suppliers,
catalog systems and benefits. A shared catalog entry has no single owner: each
organisation that may use it keeps its own roles on it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kitos.links import object_url
from roles.models import RoleAssignment, RoleType
from roles.services import role_assign
from tests.factories import (
    DataAssetFactory,
    IntegrationFactory,
    ItSystemFactory,
    MembershipFactory,
    PersonFactory,
    SupplierFactory,
)
from tests.roles.test_api import api, ids, url

pytestmark = pytest.mark.django_db


def _benefit(org):
    from tests.governance.cases import BenefitFactory, ProjectFactory

    return BenefitFactory(project=ProjectFactory(organisation=org))


TARGETS = {
    "integration": lambda org: IntegrationFactory(organisation=org),
    "data_asset": lambda org: DataAssetFactory(organisation=org),
    "supplier": lambda org: SupplierFactory(),
    "it_system": lambda org: ItSystemFactory(),
    "benefit": _benefit,
}
STANDARD_ROLE = {
    "integration": "integrationsansvarlig",
    "data_asset": "dataejer",
    "supplier": "leverandoeransvarlig",
    "it_system": "katalogansvarlig",
    "benefit": "gevinstejer",
}


def _role(kind):
    return RoleType.objects.get(organisation=None, applies_to=kind, code=STANDARD_ROLE[kind])


@pytest.mark.parametrize("kind", TARGETS)
def test_detail_page_has_roles_tab_and_assign_link(kind, client, org, editor, reader):
    target = TARGETS[kind](org)
    person = PersonFactory(organisation=org, name="Rolle Indehaver")
    role_assign(actor=editor, person=person, role_type=_role(kind), target=target)
    client.force_login(editor)
    response = client.get(object_url(target), {"tab": "roller"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Rolle Indehaver" in content
    assert f"/rolletildelinger/ny/{kind}/{target.uuid}/" in content

    client.force_login(reader)
    content = client.get(object_url(target), {"tab": "roller"}).content.decode()
    assert "Rolle Indehaver" in content
    assert f"/rolletildelinger/ny/{kind}/{target.uuid}/" not in content
    assert client.get(f"/rolletildelinger/ny/{kind}/{target.uuid}/").status_code == 403


@pytest.mark.parametrize("kind", ["integration", "data_asset", "benefit"])
def test_own_objects_of_another_organisation_are_refused(kind, org, other_org, editor, outsider,
                                                         client):
    target = TARGETS[kind](org)
    stranger = PersonFactory(organisation=other_org)
    with pytest.raises(ValidationError):
        role_assign(actor=outsider, person=stranger, role_type=_role(kind), target=target)
    client.force_login(outsider)
    assert client.get(f"/rolletildelinger/ny/{kind}/{target.uuid}/").status_code == 404


@pytest.mark.parametrize("kind", ["supplier", "it_system"])
def test_shared_entry_holds_each_organisations_roles_apart(kind, client, org, other_org,
                                                           editor, outsider):
    entry = TARGETS[kind](org)
    ours = PersonFactory(organisation=org, name="Vores Ansvarlige")
    theirs = PersonFactory(organisation=other_org, name="Deres Ansvarlige")
    role_assign(actor=editor, person=ours, role_type=_role(kind), target=entry)
    # The other organisation through the form: its own people, its own assignment.
    client.force_login(outsider)
    response = client.post(f"/rolletildelinger/ny/{kind}/{entry.uuid}/", {
        "role_type": _role(kind).pk, "person": theirs.pk,
    })
    assert response.status_code == 302, response.context["form"].errors
    assert set(RoleAssignment.objects.on(entry).values_list("organisation", flat=True)) == {
        org.pk, other_org.pk}

    content = client.get(object_url(entry), {"tab": "roller"}).content.decode()
    assert "Deres Ansvarlige" in content and "Vores Ansvarlige" not in content
    client.force_login(editor)
    content = client.get(object_url(entry), {"tab": "roller"}).content.decode()
    assert "Vores Ansvarlige" in content and "Deres Ansvarlige" not in content

    # The API the same way: each organisation lists its own roles on the entry.
    listed = ids(api(outsider).get(url("role-assignments"), {"target": str(entry.uuid)}))
    assert listed == [str(RoleAssignment.objects.get(person=theirs).uuid)]


@pytest.mark.parametrize("kind", ["supplier", "it_system"])
def test_another_organisations_local_entry_is_refused(kind, org, other_org, outsider, client):
    entry = TARGETS[kind](org)
    entry.is_local, entry.owner_organisation = True, org
    entry.save()
    stranger = PersonFactory(organisation=other_org)
    with pytest.raises(ValidationError):
        role_assign(actor=outsider, person=stranger, role_type=_role(kind), target=entry)
    client.force_login(outsider)
    assert client.get(f"/rolletildelinger/ny/{kind}/{entry.uuid}/").status_code == 404


def test_api_assigns_on_a_shared_entry_for_the_persons_organisation(org, other_org, editor):
    entry = ItSystemFactory()
    MembershipFactory(user=editor, organisation=other_org, role="reader")
    mine, elsewhere = PersonFactory(organisation=org), PersonFactory(organisation=other_org)
    body = {"role_type": str(_role("it_system").uuid), "target_type": "it_system",
            "target": str(entry.uuid)}
    response = api(editor).post(url("role-assignments"), {**body, "person": str(mine.uuid)})
    assert response.status_code == 201, response.content
    assert response.json()["organisation"] == str(org.uuid)
    # Reading the other organisation is not editing there.
    assert api(editor).post(
        url("role-assignments"), {**body, "person": str(elsewhere.uuid)}
    ).status_code in (400, 403)


def test_role_lists_show_the_new_kinds(client, org, editor):
    for kind, make in TARGETS.items():
        role_assign(actor=editor, person=PersonFactory(organisation=org), role_type=_role(kind),
                    target=make(org))
    client.force_login(editor)
    response = client.get("/rolletildelinger/")
    assert response.status_code == 200
    assert response.context["paginator"].count == len(TARGETS)
    for kind in TARGETS:
        filtered = client.get("/rolletildelinger/", {"target_type": kind})
        assert filtered.context["paginator"].count == 1, kind


def test_replacing_a_holder_on_a_shared_entry_leaves_other_organisations_alone(
        org, other_org, editor, outsider):
    from django.utils import timezone

    from roles.bulk_actions import give_role

    supplier, role_type = SupplierFactory(), _role("supplier")
    theirs = role_assign(actor=outsider, person=PersonFactory(organisation=other_org),
                         role_type=role_type, target=supplier)
    ours = role_assign(actor=editor, person=PersonFactory(organisation=org),
                       role_type=role_type, target=supplier)
    successor = PersonFactory(organisation=org)
    give_role(actor=editor, target=supplier, role_type=role_type, person=successor,
              replace=True, today=timezone.localdate())
    theirs.refresh_from_db()
    ours.refresh_from_db()
    assert theirs.end_date is None
    assert ours.end_date is not None or not RoleAssignment.objects.filter(pk=ours.pk).exists()
    assert RoleAssignment.objects.filter(person=successor, object_id=supplier.pk).exists()
