"""Joint procurement across organisations (landscape.suppliers_joint) and the sharing
choice behind it: who sees whose contracts (only organisations that share, and only
to organisations that share), the window, the own rows' links, the service's rights
and audit, the pages and the API."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from kitos.dates import add_months
from kitos.models import AuditEntry
from landscape.models import ProcurementSharing
from landscape.suppliers_joint import joint_procurement
from landscape.suppliers_services import procurement_sharing_set
from tests.factories import (
    ContractFactory,
    CoverageFactory,
    ItSystemFactory,
    MembershipFactory,
    OrganisationFactory,
    UsageFactory,
    UserFactory,
)
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

SECRET_COST = Decimal("987654.00")


def _today():
    return timezone.localdate()


def _contract(org, system, *, months_ahead=6, name=None, **extra):
    """A running contract of `org` covering its usage of `system`, ending in
    `months_ahead` months."""
    usage = (org.pk, system.pk)
    usages = _contract.usages
    if usage not in usages:
        usages[usage] = UsageFactory(organisation=org, system=system)
    contract = ContractFactory(
        organisation=org, start_date=datetime.date(2024, 1, 1),
        expiry_date=add_months(_today(), months_ahead), yearly_cost=SECRET_COST,
        **({"name": name} if name else {}), **extra,
    )
    CoverageFactory(contract=contract, usage=usages[usage])
    return contract


_contract.usages = {}


@pytest.fixture(autouse=True)
def _fresh_usages():
    _contract.usages = {}


def _share(org, shares=True, email=""):
    return ProcurementSharing.objects.create(organisation=org, shares=shares,
                                             contact_email=email)


@pytest.fixture
def world(org, other_org):
    """A (org), B (other_org, shares), C (does not share), D (shares); one shared
    system all four use, and a local system of B."""
    c_org = OrganisationFactory(name="Cirkel Kommune")
    d_org = OrganisationFactory(name="Dal Kommune")
    system = ItSystemFactory(name="Fælles ESDH")
    local = ItSystemFactory(name="Bs hemmelige system", owner_organisation=other_org,
                            is_local=True)
    own = _contract(org, system, name="A's kontrakt")
    _contract(org, system, months_ahead=40, name="A's lange kontrakt")
    _contract(other_org, system, months_ahead=3, name="B's hemmelige kontraktnavn")
    _contract(other_org, local, months_ahead=2)
    _contract(c_org, system, months_ahead=4)
    _contract(d_org, system, months_ahead=10)
    ContractFactory(organisation=d_org, start_date=datetime.date(2018, 1, 1),
                    expiry_date=datetime.date(2020, 1, 1))
    _share(other_org, email="udbud@b.dk")
    _share(c_org, shares=False)
    _share(d_org)
    return {"c": c_org, "d": d_org, "system": system, "local": local, "own": own}


def _names(result):
    return {(system.name, entry.organisation_name)
            for system in result.systems for entry in system.entries}


def test_an_organisation_that_does_not_share_sees_only_its_own(org, world):
    result = joint_procurement(org, months=24, today=_today())
    assert not result.own_shares
    assert _names(result) == {("Fælles ESDH", org.name)}
    assert result.sharing_count == 0


def test_a_sharing_organisation_sees_the_others_that_share(org, other_org, world):
    _share(org)
    result = joint_procurement(org, months=24, today=_today())
    assert result.own_shares
    assert _names(result) == {
        ("Fælles ESDH", org.name), ("Fælles ESDH", other_org.name),
        ("Fælles ESDH", world["d"].name),
    }
    # Never the one that does not share, never another organisation's local system.
    system = result.systems[0]
    assert system.organisation_count == 3
    assert system.entries[0].is_own
    b_entry = next(e for e in system.entries if e.organisation_name == other_org.name)
    assert b_entry.contact_email == "udbud@b.dk"
    assert b_entry.contracts is None  # others' contracts are not counted or linked
    assert result.sharing_count == 3


def test_a_non_sharing_organisation_is_invisible_to_the_others(org, other_org, world):
    _share(org)
    result = joint_procurement(other_org, months=24, today=_today())
    names = _names(result)
    assert (world["system"].name, world["c"].name) not in names
    assert ("Bs hemmelige system", other_org.name) in names  # its own local system
    assert (world["system"].name, org.name) in names
    # C sees nothing of the others, however many share.
    result = joint_procurement(world["c"], months=24, today=_today())
    assert _names(result) == {("Fælles ESDH", world["c"].name)}


def test_the_window(org, world):
    _share(org)
    result = joint_procurement(org, months=5, today=_today())
    # A (6 months) and D (10 months) are beyond 5 months; B (3) is inside.
    assert _names(result) == {("Fælles ESDH", "Nabo Testkommune")}
    result = joint_procurement(org, months=120, today=_today())
    own = result.systems[0].entries[0]
    assert own.contracts.value == 2  # both of A's contracts, the 40-month one too


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_the_page_shows_the_same_rows_and_no_amounts(org, other_org, admin_user, world):
    _share(org)
    client = _client(admin_user)
    response = client.get(reverse("joint_procurement"))
    assert response.status_code == 200
    html = response.content.decode()
    assert other_org.name in html and world["d"].name in html
    assert world["c"].name not in html
    assert "Bs hemmelige system" not in html
    assert "B's hemmelige kontraktnavn" not in html
    assert "987" not in html  # no amount, in any format
    # The own row's number agrees with the list it links to.
    own = response.context["result"].systems[0].entries[0]
    listed = client.get(own.contracts.url)
    assert listed.context["paginator"].count == own.contracts.value == 1


def test_the_page_as_a_non_sharing_organisation(org, other_org, reader, world):
    response = _client(reader).get(reverse("joint_procurement"))
    html = response.content.decode()
    assert response.status_code == 200
    assert other_org.name not in html
    assert "I deler ikke" in html


@pytest.mark.parametrize("months", ["0", "121", "abc", "-3", "2.5"])
def test_a_bad_window_is_a_clear_error(org, reader, world, months):
    client = _client(reader)
    response = client.get(reverse("joint_procurement") + f"?months={months}")
    assert response.status_code == 400
    assert response.context["result"] is None
    api = APIClient()
    api.force_authenticate(reader)
    response = api.get(f"/api/v1/joint-procurement/?months={months}")
    assert response.status_code == 400
    assert "months" in response.json()["errors"]


def test_the_window_parameter(org, reader, world):
    client = _client(reader)
    response = client.get(reverse("joint_procurement") + "?months=120")
    assert response.status_code == 200
    assert response.context["result"].months == 120
    assert client.get(reverse("joint_procurement")).context["result"].months == 24


def test_the_export(org, reader, world):
    import io

    import openpyxl

    response = _client(reader).get(reverse("joint_procurement") + "?format=xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.max_row == 2
    assert sheet.cell(row=2, column=1).value == "Fælles ESDH"


def test_the_query_count_does_not_grow_with_the_rows(org, reader):
    _share(org)
    client = _client(reader)

    def add(count):
        for _ in range(count):
            other = OrganisationFactory()
            _share(other, email="x@y.dk")
            system = ItSystemFactory()
            _contract(org, system)
            _contract(other, system, months_ahead=8)

    add(2)
    few = count_queries(client, reverse("joint_procurement"))
    add(10)
    assert count_queries(client, reverse("joint_procurement")) == few


# -- the sharing choice --------------------------------------------------------------------


def test_only_administrators_set_the_choice_and_it_is_audited(org, admin_user, editor):
    with pytest.raises(PermissionDenied):
        procurement_sharing_set(actor=editor, organisation=org, shares=True)
    assert not ProcurementSharing.objects.exists()
    sharing = procurement_sharing_set(actor=admin_user, organisation=org, shares=True,
                                      contact_email="udbud@a.dk")
    assert sharing.shares and sharing.contact_email == "udbud@a.dk"
    procurement_sharing_set(actor=admin_user, organisation=org, shares=False)
    assert ProcurementSharing.objects.get().shares is False  # one record, updated
    actions = list(AuditEntry.objects.filter(object_id=sharing.pk)
                   .order_by("pk").values_list("action", flat=True))
    assert actions == ["create", "update"]


def test_the_sharing_page(client, org, reader, admin_user):
    client.force_login(reader)
    response = client.get(reverse("procurement_sharing"))
    assert response.status_code == 200
    assert 'class="object-form"' not in response.content.decode()
    assert client.post(reverse("procurement_sharing"), {"shares": "on"}).status_code == 403
    assert not ProcurementSharing.objects.exists()

    client.force_login(admin_user)
    response = client.post(reverse("procurement_sharing"),
                           {"shares": "on", "contact_email": "ikke en adresse"})
    assert response.status_code == 400
    assert not ProcurementSharing.objects.exists()
    response = client.post(reverse("procurement_sharing"),
                           {"shares": "on", "contact_email": "udbud@a.dk"})
    assert response.status_code == 302
    assert ProcurementSharing.objects.get(organisation=org).shares


def test_the_sharing_page_is_about_the_users_own_organisation(client, org, other_org,
                                                              outsider):
    _share(org, email="hemmelig@a.dk")
    client.force_login(outsider)
    response = client.get(reverse("procurement_sharing"))
    assert "hemmelig@a.dk" not in response.content.decode()
    assert response.context["organisation"] == other_org


# -- the API -------------------------------------------------------------------------------


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_the_api_applies_the_same_privacy(org, other_org, reader, world):
    rows = _api(reader).get("/api/v1/joint-procurement/").json()
    assert [(r["name"], [o["name"] for o in r["organisations"]]) for r in rows] == [
        ("Fælles ESDH", [org.name])]
    _share(org)
    rows = _api(reader).get("/api/v1/joint-procurement/?months=24").json()
    assert {o["name"] for r in rows for o in r["organisations"]} == {
        org.name, other_org.name, world["d"].name}
    assert "987654" not in str(rows)
    own = rows[0]["organisations"][0]
    assert own["is_own"] and own["own_contracts"] == 1
    assert all(o["own_contracts"] is None for o in rows[0]["organisations"][1:])


def test_the_api_names_only_the_users_organisations(org, other_org, outsider, world):
    api = _api(outsider)
    assert api.get(f"/api/v1/joint-procurement/?organisation={org.uuid}").status_code == 404
    assert api.get("/api/v1/joint-procurement/?organisation=x").status_code == 400


def test_the_sharing_resource(org, other_org, admin_user, editor, outsider):
    _share(other_org, email="b@b.dk")
    api = _api(editor)
    assert api.get("/api/v1/procurement-sharing/").json()["results"] == []
    response = api.post("/api/v1/procurement-sharing/",
                        {"organisation": str(org.uuid), "shares": True}, format="json")
    assert response.status_code == 403
    api = _api(admin_user)
    response = api.post("/api/v1/procurement-sharing/",
                        {"organisation": str(org.uuid), "shares": True,
                         "contact_email": "a@a.dk"}, format="json")
    assert response.status_code == 201, response.content
    sharing_id = response.json()["id"]
    again = api.post("/api/v1/procurement-sharing/",
                     {"organisation": str(org.uuid), "shares": False}, format="json")
    assert again.status_code == 400
    response = api.patch(f"/api/v1/procurement-sharing/{sharing_id}/", {"shares": False},
                         format="json")
    assert response.status_code == 200 and response.json()["shares"] is False
    assert api.delete(f"/api/v1/procurement-sharing/{sharing_id}/").status_code == 405
    # An editor may read but not change it; another organisation's is 404.
    assert _api(editor).patch(f"/api/v1/procurement-sharing/{sharing_id}/",
                              {"shares": True}, format="json").status_code == 403
    assert _api(outsider).get(f"/api/v1/procurement-sharing/{sharing_id}/").status_code == 404
    listed = [row["organisation"] for row in api.get("/api/v1/procurement-sharing/").json()[
        "results"]]
    assert listed == [str(org.uuid)]


def test_a_member_of_several_organisations_sees_from_the_chosen_one(org, other_org, world):
    user = UserFactory(username="begge")
    MembershipFactory(user=user, organisation=org, role="reader")
    MembershipFactory(user=user, organisation=world["c"], role="reader")
    rows = _api(user).get(f"/api/v1/joint-procurement/?organisation={world['c'].uuid}").json()
    assert {o["name"] for r in rows for o in r["organisations"]} == {world["c"].name}
