"""The portfolio API: systems, usages, integrations and KLE."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from kitos.models import AuditEntry
from portfolio.models import Integration, ItSystem, KleNumber, SystemUsage
from roles.models import RoleType
from tests.factories import (
    IntegrationFactory,
    ItSystemFactory,
    MembershipFactory,
    RoleAssignmentFactory,
    UnitFactory,
    UsageFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"
DAY = datetime.timedelta(days=1)


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def usage(org):
    return UsageFactory(organisation=org, system=ItSystemFactory(name="Acadre"))


@pytest.fixture
def integration(org, usage):
    return IntegrationFactory(organisation=org, source=usage,
                              target=UsageFactory(organisation=org))


@pytest.fixture
def local_system(org):
    return ItSystemFactory(name="Lokal booking", owner_organisation=org, is_local=True)


# -- access ----------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["systems", "usages", "integrations", "kle"])
def test_anonymous_gets_401(prefix):
    assert client_for().get(f"{API}/{prefix}/").status_code == 401


def test_other_organisation_sees_nothing_of_ours(
    outsider, usage, integration, local_system
):
    client = client_for(outsider)
    for prefix, obj in [("usages", usage), ("integrations", integration),
                        ("systems", local_system)]:
        assert client.get(f"{API}/{prefix}/{obj.uuid}/").status_code == 404
        assert str(obj.uuid) not in ids(client.get(f"{API}/{prefix}/"))
    # Shared catalog entries are everybody's.
    assert str(usage.system.uuid) in ids(client.get(f"{API}/systems/"))
    assert client.get(f"{API}/systems/{usage.system.uuid}/").status_code == 200


def test_members_see_their_own_local_systems(reader, local_system):
    assert str(local_system.uuid) in ids(client_for(reader).get(f"{API}/systems/"))


@pytest.mark.parametrize(
    "method, path",
    [
        ("post", "usages/"),
        ("patch", "usages/{usage}/"),
        ("delete", "usages/{usage}/"),
        ("post", "integrations/"),
        ("patch", "integrations/{integration}/"),
        ("delete", "integrations/{integration}/"),
        ("post", "systems/"),
    ],
)
def test_reader_cannot_write(reader, org, usage, integration, method, path):
    url = f"{API}/" + path.format(usage=usage.uuid, integration=integration.uuid)
    payloads = {
        "usages/": {"organisation": str(org.uuid), "system": str(ItSystemFactory().uuid)},
        "integrations/": {"name": "Ny", "source": str(usage.uuid),
                          "target": str(integration.target.uuid)},
        "systems/": {"name": "Nyt", "owner_organisation": str(org.uuid)},
    }
    data = payloads.get(path, {"notes": "Ændret"})
    response = getattr(client_for(reader), method)(url, data)
    assert response.status_code in (400, 403), response.content
    if response.status_code == 400:
        # Creating: the organisation field only offers organisations the user edits.
        assert "organisation" in response.json()
    assert not AuditEntry.objects.exists()


def test_kle_requires_login_but_no_organisation(outsider):
    KleNumber.objects.create(number="15", title="Arbejdsmarked")
    response = client_for(outsider).get(f"{API}/kle/15/")
    assert response.status_code == 200
    assert response.json() == {"number": "15", "title": "Arbejdsmarked", "parent": None}


# -- writes by editors -----------------------------------------------------------------


def test_editor_creates_updates_and_deletes_a_usage(org, editor):
    client = client_for(editor)
    top = UnitFactory(organisation=org)
    team = UnitFactory(organisation=org, parent=top)
    system = ItSystemFactory()
    response = client.post(f"{API}/usages/", {
        "organisation": str(org.uuid), "system": str(system.uuid),
        "responsible_unit": str(top.uuid), "using_units": [str(top.uuid), str(team.uuid)],
        "lifecycle": "operational", "criticality": "high",
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["is_active"] is True
    assert set(body["using_units"]) == {str(top.uuid), str(team.uuid)}
    created = SystemUsage.objects.get(uuid=body["id"])
    assert set(created.unit_links.values_list("organisation", flat=True)) == {org.pk}

    url = f"{API}/usages/{created.uuid}/"
    response = client.patch(url, {"lifecycle": "retired", "using_units": [str(team.uuid)]})
    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is False
    assert list(created.using_units.all()) == [team]

    assert client.delete(url).status_code == 204
    assert not SystemUsage.objects.filter(pk=created.pk).exists()
    entries = AuditEntry.objects.filter(object_uuid=created.uuid)
    assert sorted(entries.values_list("action", "source")) == [
        ("create", "api"), ("delete", "api"), ("update", "api"),
    ]


def test_editor_creates_updates_and_deletes_an_integration(org, editor, usage):
    client = client_for(editor)
    target = UsageFactory(organisation=org)
    response = client.post(f"{API}/integrations/", {
        "name": "CPR-opslag", "source": str(usage.uuid), "target": str(target.uuid),
        "interface_type": "rest",
    })
    assert response.status_code == 201, response.content
    assert response.json()["organisation"] == str(org.uuid)
    created = Integration.objects.get(uuid=response.json()["id"])
    assert created.organisation == org

    url = f"{API}/integrations/{created.uuid}/"
    assert client.patch(url, {"frequency": "daily"}).status_code == 200
    assert client.delete(url).status_code == 204
    entries = AuditEntry.objects.filter(object_uuid=created.uuid)
    assert sorted(entries.values_list("action", "source")) == [
        ("create", "api"), ("delete", "api"), ("update", "api"),
    ]


def test_integration_to_another_organisations_usage_is_refused(
    org, other_org, editor, usage
):
    MembershipFactory(organisation=other_org, user=editor, role="editor")
    theirs = UsageFactory(organisation=other_org)
    response = client_for(editor).post(f"{API}/integrations/", {
        "name": "På tværs", "source": str(usage.uuid), "target": str(theirs.uuid),
    })
    assert response.status_code == 400, response.content
    assert not Integration.objects.exists()


@pytest.mark.parametrize("also_member_there", [False, True])
def test_using_units_of_another_organisation_are_refused(
    org, other_org, editor, usage, also_member_there
):
    if also_member_there:  # visible, so the service's scope check must catch it
        MembershipFactory(organisation=other_org, user=editor, role="editor")
    theirs = UnitFactory(organisation=other_org)
    client = client_for(editor)
    response = client.patch(f"{API}/usages/{usage.uuid}/", {"using_units": [str(theirs.uuid)]})
    assert response.status_code == 400, response.content
    assert "using_units" in response.json()["errors"]
    response = client.post(f"{API}/usages/", {
        "organisation": str(org.uuid), "system": str(ItSystemFactory().uuid),
        "using_units": [str(theirs.uuid)],
    })
    assert response.status_code == 400, response.content
    assert not usage.using_units.exists()
    assert SystemUsage.objects.count() == 1


@pytest.mark.parametrize("who, status", [("editor", 403), ("admin_user", 201)])
def test_catalog_entries_need_an_organisation_admin(org, request, who, status):
    KleNumber.objects.create(number="15", title="Arbejdsmarked")
    KleNumber.objects.create(number="15.00", title="Organisering",
                             parent=KleNumber.objects.get(number="15"))
    supplier = ItSystemFactory().rights_holder
    response = client_for(request.getfixturevalue(who)).post(f"{API}/systems/", {
        "name": "Lokal booking", "owner_organisation": str(org.uuid), "is_local": True,
        "rights_holder": str(supplier.uuid), "kle_numbers": ["15", "15.00"],
    })
    assert response.status_code == status, response.content
    if status == 201:
        system = ItSystem.objects.get(uuid=response.json()["id"])
        assert sorted(system.kle_numbers.values_list("number", flat=True)) == ["15", "15.00"]
        assert response.json()["rights_holder"] == str(supplier.uuid)
        entry = AuditEntry.objects.get(object_uuid=system.uuid)
        assert (entry.action, entry.source) == ("create", "api")
    else:
        assert not ItSystem.objects.filter(name="Lokal booking").exists()


# -- lists -----------------------------------------------------------------------------


def _portfolio(org, count):
    units = [UnitFactory(organisation=org) for _ in range(2)]
    kle = KleNumber.objects.get_or_create(number="20", defaults={"title": "Skoler"})[0]
    for _ in range(count):
        system = ItSystemFactory(parent=ItSystemFactory())
        system.kle_numbers.add(kle)
        usage = UsageFactory(organisation=org, system=system, responsible_unit=units[0])
        usage.using_units.set(units, through_defaults={"organisation": org})
        usage.journal_periods.create(start_date=datetime.date(2020, 1, 1),
                                     end_date=datetime.date(2020, 12, 31), archive_id="A")
        IntegrationFactory(organisation=org, source=usage,
                           target=UsageFactory(organisation=org))


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, {"page_size": 250})
    assert response.status_code == 200, response.content
    return len(context.captured_queries)


@pytest.mark.parametrize("prefix", ["systems", "usages", "integrations"])
def test_list_query_count_does_not_grow_with_rows(org, reader, prefix):
    client = client_for(reader)
    _portfolio(org, 5)
    few = _count(client, f"{API}/{prefix}/")
    _portfolio(org, 245)
    assert client.get(f"{API}/{prefix}/").json()["count"] >= 250
    assert _count(client, f"{API}/{prefix}/") == few


def test_filter_within_a_unit_subtree(org, other_org, reader):
    top = UnitFactory(organisation=org)
    team = UnitFactory(organisation=org, parent=top)
    elsewhere = UnitFactory(organisation=org)
    in_top, in_team, _outside, _none = (
        UsageFactory(organisation=org, responsible_unit=unit)
        for unit in (top, team, elsewhere, None)
    )
    client = client_for(reader)
    assert ids(client.get(f"{API}/usages/", {"within": top.uuid})) == {
        str(in_top.uuid), str(in_team.uuid)
    }
    assert ids(client.get(f"{API}/usages/", {"within": team.uuid})) == {str(in_team.uuid)}
    # Another organisation's unit is not a valid choice.
    theirs = UnitFactory(organisation=other_org)
    assert client.get(f"{API}/usages/", {"within": theirs.uuid}).status_code == 400


def test_filter_has_system_owner(org, reader):
    owner = RoleType.objects.get(code="systemejer", organisation__isnull=True)
    owned, former, other_role, unowned = (UsageFactory(organisation=org) for _ in range(4))
    RoleAssignmentFactory(target=owned, role_type=owner)
    RoleAssignmentFactory(target=former, role_type=owner,
                          start_date=timezone.localdate() - 30 * DAY,
                          end_date=timezone.localdate() - DAY)
    RoleAssignmentFactory(target=other_role)
    client = client_for(reader)
    assert ids(client.get(f"{API}/usages/", {"has_system_owner": "true"})) == {str(owned.uuid)}
    assert ids(client.get(f"{API}/usages/", {"has_system_owner": "false"})) == {
        str(former.uuid), str(other_role.uuid), str(unowned.uuid)
    }


@pytest.mark.parametrize("prefix, factory", [
    ("usages", UsageFactory), ("integrations", IntegrationFactory),
])
def test_filter_changed_since(org, reader, prefix, factory):
    old, recent = factory(organisation=org), factory(organisation=org)
    model = type(old)
    model.objects.filter(pk=old.pk).update(updated_at=timezone.now() - 10 * DAY)
    since = (timezone.now() - DAY).isoformat()
    response = client_for(reader).get(f"{API}/{prefix}/", {"changed_since": since})
    assert str(recent.uuid) in ids(response)
    assert str(old.uuid) not in ids(response)


def test_filter_systems_by_kle_and_rights_holder(reader):
    main = KleNumber.objects.create(number="15", title="Arbejdsmarked")
    group = KleNumber.objects.create(number="15.00", title="Organisering", parent=main)
    other = KleNumber.objects.create(number="17", title="Skoler")
    in_group, in_main, elsewhere = ItSystemFactory(), ItSystemFactory(), ItSystemFactory()
    in_group.kle_numbers.add(group, main)
    in_main.kle_numbers.add(main)
    elsewhere.kle_numbers.add(other)
    client = client_for(reader)
    assert ids(client.get(f"{API}/systems/", {"kle": "15"})) == {
        str(in_group.uuid), str(in_main.uuid)
    }
    assert ids(client.get(f"{API}/systems/", {"kle": "15.00"})) == {str(in_group.uuid)}
    assert ids(client.get(
        f"{API}/systems/", {"rights_holder": str(elsewhere.rights_holder.uuid)}
    )) == {str(elsewhere.uuid)}


def test_filter_integrations_by_either_end(org, reader, usage):
    outgoing = IntegrationFactory(organisation=org, source=usage)
    incoming = IntegrationFactory(organisation=org, target=usage)
    IntegrationFactory(organisation=org)
    response = client_for(reader).get(f"{API}/integrations/", {"usage": str(usage.uuid)})
    assert ids(response) == {str(outgoing.uuid), str(incoming.uuid)}


def test_kle_list_filters_by_number_prefix(reader):
    main = KleNumber.objects.create(number="15", title="Arbejdsmarked")
    KleNumber.objects.create(number="15.00", title="Organisering", parent=main)
    KleNumber.objects.create(number="17", title="Skoler")
    client = client_for(reader)
    rows = client.get(f"{API}/kle/", {"number": "15"}).json()["results"]
    assert [(row["number"], row["parent"]) for row in rows] == [("15", None), ("15.00", "15")]
    rows = client.get(f"{API}/kle/", {"q": "skole"}).json()["results"]
    assert [row["number"] for row in rows] == ["17"]
