"""Option lists (kitos.options): the standard entries, what an organisation is offered,
its admin's adaptations (page, service, audit), the rule that only a new value must be
offered, and the API."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from contracts.option_lists import KINDS as CONTRACT_KINDS
from kitos import options
from kitos.models import AuditEntry, LocalOption, Option
from tests.factories import MembershipFactory, UserFactory
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def option(kind, code):
    return Option.objects.get(kind=kind, code=code)


def offered_codes(kind, organisation):
    return [o.code for o in options.offered(kind, organisation)]


def adapt(actor, organisation, kind, **wanted):
    return options.adapt_options(
        actor=actor, organisation=organisation, key=kind,
        adaptations={option(kind, code): adaptation for code, adaptation in wanted.items()},
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    options.forget_offered()
    yield
    options.forget_offered()


def test_the_standard_lists_are_loaded_once():
    for kind in CONTRACT_KINDS:
        assert Option.objects.filter(kind=kind.key).count() == len(kind.entries)
    assert options.ensure_options(apps, options.kinds()) == 0
    # A superuser's rename survives the next load.
    Option.objects.filter(kind="payment_model", code="subscription").update(name="Abonnement/SaaS")
    options.ensure_options(apps, options.kinds())
    assert option("payment_model", "subscription").name == "Abonnement/SaaS"


def test_an_organisation_is_offered_the_standard_list_in_order(org):
    codes = offered_codes("payment_frequency", org)
    assert codes == [entry[0] for entry in options.kind("payment_frequency").entries]


def test_switching_off_describing_and_ordering_are_the_organisations_own(
        org, other_org, admin_user):
    changed = adapt(admin_user, org, "payment_frequency",
                    once=options.Adaptation(is_active=False),
                    yearly=options.Adaptation(is_active=True, description="Betales i januar",
                                              sort_order=1))
    assert changed == 2
    ours = list(options.offered("payment_frequency", org))
    assert [o.code for o in ours][0] == "yearly"
    assert "once" not in [o.code for o in ours]
    assert ours[0].local_description == "Betales i januar"
    # The neighbours keep the standard list.
    assert offered_codes("payment_frequency", other_org)[-1] == "once"
    entries = AuditEntry.objects.filter(organisation=org, object_repr__contains="Engangsbetaling")
    assert entries.count() == 1
    assert entries.get().changes["is_active"] == [True, False]
    # Saving the same again changes (and audits) nothing.
    assert adapt(admin_user, org, "payment_frequency",
                 once=options.Adaptation(is_active=False)) == 0


def test_only_an_admin_adapts_and_an_obligatory_option_stays(org, editor, admin_user):
    with pytest.raises(PermissionDenied):
        adapt(editor, org, "payment_model", fixed=options.Adaptation(is_active=False))
    fixed = option("payment_model", "fixed")
    fixed.is_obligatory = True
    fixed.save()
    with pytest.raises(ValidationError) as raised:
        adapt(admin_user, org, "payment_model", fixed=options.Adaptation(is_active=False))
    assert "obligatorisk" in str(raised.value)
    assert not LocalOption.objects.exists()


def test_a_switched_off_option_is_refused_as_a_new_value_but_kept_as_an_old_one(
        org, admin_user):
    once = option("payment_frequency", "once")
    adapt(admin_user, org, "payment_frequency", once=options.Adaptation(is_active=False))
    with pytest.raises(ValidationError) as raised:
        options.check_available(organisation=org, field_name="payment_frequency",
                                key="payment_frequency", new=once)
    assert raised.value.message_dict == {
        "payment_frequency": ["Engangsbetaling er slået fra i organisationens valgliste og "
                              "kan ikke vælges."]}
    options.check_available(organisation=org, field_name="payment_frequency",
                            key="payment_frequency", new=once, old=once)
    # An option of another list is never a value of this one.
    with pytest.raises(ValidationError):
        options.check_available(organisation=org, field_name="payment_frequency",
                                key="payment_frequency", new=option("payment_model", "fixed"))
    # Switched off for everybody: not offered to anyone.
    Option.objects.filter(kind="payment_model", code="fixed").update(is_enabled=False)
    options.forget_offered()
    assert "fixed" not in offered_codes("payment_model", org)


# -- the pages ---------------------------------------------------------------------------


def test_every_member_sees_the_lists_and_the_neighbours_get_404(client, org, reader,
                                                                outsider):
    client.force_login(reader)
    page = client.get(reverse("option_kinds", args=[org.slug]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Betalingsmodel" in html and "6 af 6" in html
    kind_page = client.get(reverse("option_kind", args=[org.slug, "payment_model"]))
    assert kind_page.status_code == 200
    assert kind_page.context["form"] is None  # a reader only reads
    assert "Abonnement" in kind_page.content.decode()
    client.force_login(outsider)
    assert client.get(reverse("option_kinds", args=[org.slug])).status_code == 404
    assert client.get(reverse("option_kind", args=[org.slug, "payment_model"])).status_code == 404
    assert client.get(reverse("option_kind", args=[org.slug, "no-such-list"])).status_code == 404


def _form_data(rows, **changes):
    data = {}
    for row in rows:
        data[f"description-{row.uuid}"] = ""
        data[f"order-{row.uuid}"] = ""
        if row.is_offered:
            data[f"active-{row.uuid}"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_an_admin_switches_an_option_off_on_the_page(client, org, admin_user, editor):
    url = reverse("option_kind", args=[org.slug, "price_regulation"])
    client.force_login(admin_user)
    page = client.get(url)
    rows = page.context["form"].rows
    agreed = next(row for row in rows if row.code == "agreed")
    data = _form_data(rows, **{f"active-{agreed.uuid}": None,
                               f"description-{agreed.uuid}": "Bruges ikke hos os"})
    response = client.post(url, data)
    assert response.status_code == 302
    local = LocalOption.objects.get(organisation=org, option=agreed)
    assert (local.is_active, local.description) == (False, "Bruges ikke hos os")
    assert "agreed" not in offered_codes("price_regulation", org)
    # A hostile order is an error on its field, and nothing is written.
    response = client.post(url, _form_data(rows, **{f"order-{agreed.uuid}": "-5"}))
    assert response.status_code == 400
    assert LocalOption.objects.get(organisation=org, option=agreed).sort_order is None
    response = client.post(url, _form_data(rows, **{f"description-{agreed.uuid}": "x" * 5000}))
    assert response.status_code == 400
    # An editor may look, not change.
    client.force_login(editor)
    assert client.post(url, _form_data(rows)).status_code == 403


def test_the_pages_cost_the_same_whatever_the_adaptations(client, org, admin_user):
    client.force_login(admin_user)
    urls = [reverse("option_kinds", args=[org.slug]),
            reverse("option_kind", args=[org.slug, "agreement_element"])]
    for url in urls:
        count_queries(client, url)
    before = [count_queries(client, url) for url in urls]
    adapt(admin_user, org, "agreement_element", **{
        code: options.Adaptation(is_active=False, description="nej", sort_order=index)
        for index, (code, *_rest) in enumerate(options.kind("agreement_element").entries)
    })
    assert [count_queries(client, url) for url in urls] == before
    assert max(before) <= 12


# -- the API -----------------------------------------------------------------------------


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_lists_what_the_organisation_is_offered(org, other_org, admin_user, reader):
    adapt(admin_user, org, "payment_frequency",
          once=options.Adaptation(is_active=False, description="Ikke hos os"))
    response = api(reader).get("/api/v1/options/", {"kind": "payment_frequency"})
    assert response.status_code == 200, response.content
    rows = {row["code"]: row for row in response.json()["results"]}
    assert rows["once"]["is_available"] is False
    assert rows["once"]["description"] == "Ikke hos os"
    assert rows["monthly"]["is_available"] is True
    assert set(rows) == {"monthly", "quarterly", "half_yearly", "yearly", "once"}
    available = api(reader).get("/api/v1/options/",
                                {"kind": "payment_frequency", "is_available": "true"})
    assert "once" not in {row["code"] for row in available.json()["results"]}
    # Another organisation's adaptations are none of the reader's business.
    assert api(reader).get("/api/v1/options/", {"organisation": str(other_org.uuid)}
                           ).status_code == 404


def test_a_member_of_several_organisations_names_one(org, other_org):
    user = UserFactory(username="two-hats")
    for organisation in (org, other_org):
        MembershipFactory(organisation=organisation, user=user, role="reader")
    admin = UserFactory(username="their-admin")
    MembershipFactory(organisation=other_org, user=admin, role="admin")
    options.adapt_options(actor=admin, organisation=other_org, key="payment_model",
                          adaptations={option("payment_model", "fixed"):
                                       options.Adaptation(is_active=False)})
    # Without naming one: the shared list as it is.
    shared = api(user).get("/api/v1/options/", {"kind": "payment_model"}).json()["results"]
    assert all(row["is_available"] for row in shared)
    response = api(user).get("/api/v1/options/", {"organisation": str(other_org.uuid),
                                                  "kind": "payment_model"})
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()["results"]}
    assert len(rows) == len(options.kind("payment_model").entries)
    assert rows["fixed"]["is_available"] is False
    detail = api(user).get(f"/api/v1/options/{rows['fixed']['id']}/",
                           {"organisation": str(other_org.uuid)})
    assert detail.json()["is_available"] is False
    assert api(user).get("/api/v1/options/", {"organisation": "not-a-uuid"}).status_code == 404
    assert api(UserFactory(username="no-org")).get("/api/v1/options/").status_code == 200
