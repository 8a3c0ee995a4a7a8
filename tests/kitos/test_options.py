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


def test_several_lists_are_offered_at_once_with_the_values_kept(org, admin_user):
    """What a form reads in one query (FormOptions): each list as offered() alone gives
    it, and a value the object holds stays even when switched off."""
    adapt(admin_user, org, "payment_frequency", once=options.Adaptation(is_active=False))
    kept = option("payment_frequency", "once")
    both = list(options.offered(["payment_frequency", "payment_model"], org, keep=[kept]))
    for key in ("payment_frequency", "payment_model"):
        alone = offered_codes(key, org) + (["once"] if key == "payment_frequency" else [])
        assert sorted(o.code for o in both if o.kind == key) == sorted(alone)


def test_a_timed_cache_reads_again_after_its_time(monkeypatch):
    loads = []
    cache = options.TimedCache(10.0)
    clock = [100.0]
    monkeypatch.setattr(options.time, "monotonic", lambda: clock[0])
    assert cache.get("k", lambda: loads.append(1) or len(loads)) == 1
    clock[0] += 9
    assert cache.get("k", lambda: loads.append(1) or len(loads)) == 1
    clock[0] += 2
    assert cache.get("k", lambda: loads.append(1) or len(loads)) == 2
    cache.clear()
    assert cache.get("k", lambda: loads.append(1) or len(loads)) == 3


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


def _form_data(form, **changes):
    """What a browser posts from the rendered form: each field's value and the hidden
    value it was shown with (show_hidden_initial), then `changes` (None: unticked)."""
    data = {}
    for field in form:
        if field.field.disabled:
            continue
        initial = field.initial
        data[f"initial-{field.html_name}"] = "" if initial is None else str(initial)
        value = field.value()
        if isinstance(value, bool):
            if value:
                data[field.html_name] = "on"
        else:
            data[field.html_name] = "" if value is None else str(value)
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_an_admin_switches_an_option_off_on_the_page(client, org, admin_user, editor):
    url = reverse("option_kind", args=[org.slug, "price_regulation"])
    client.force_login(admin_user)
    form = client.get(url).context["form"]
    agreed = next(row for row in form.rows if row.code == "agreed")
    data = _form_data(form, **{f"active-{agreed.uuid}": None,
                               f"description-{agreed.uuid}": "Bruges ikke hos os"})
    response = client.post(url, data)
    assert response.status_code == 302
    local = LocalOption.objects.get(organisation=org, option=agreed)
    assert (local.is_active, local.description) == (False, "Bruges ikke hos os")
    assert "agreed" not in offered_codes("price_regulation", org)
    # Only the changed row is written.
    assert LocalOption.objects.filter(organisation=org).count() == 1
    # A hostile order is an error on its field, and nothing is written.
    response = client.post(url, _form_data(form, **{f"order-{agreed.uuid}": "-5"}))
    assert response.status_code == 400
    assert LocalOption.objects.get(organisation=org, option=agreed).sort_order is None
    response = client.post(url, _form_data(form, **{f"description-{agreed.uuid}": "x" * 5000}))
    assert response.status_code == 400
    # An editor may look, not change.
    client.force_login(editor)
    assert client.post(url, _form_data(form)).status_code == 403


def test_two_admins_saving_the_same_list_keep_each_others_changes(client, org, admin_user):
    url = reverse("option_kind", args=[org.slug, "payment_frequency"])
    client.force_login(admin_user)
    first = client.get(url).context["form"]
    second = client.get(url).context["form"]
    once = next(row for row in first.rows if row.code == "once")
    yearly = next(row for row in second.rows if row.code == "yearly")
    assert client.post(url, _form_data(first, **{f"active-{once.uuid}": None})).status_code == 302
    # The second admin's page still shows "once" as offered; they change another row.
    response = client.post(url, _form_data(second, **{f"order-{yearly.uuid}": "1"}))
    assert response.status_code == 302
    codes = offered_codes("payment_frequency", org)
    assert "once" not in codes and codes[0] == "yearly"


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


def test_an_option_in_use_is_not_deleted_but_one_unused_is(client, org, superuser):
    from tests.factories import ContractFactory

    licence, hosting = option("agreement_element", "licence"), option("agreement_element",
                                                                       "hosting")
    ContractFactory(organisation=org).agreement_elements.set([licence])
    client.force_login(superuser)
    url = reverse("admin:kitos_option_delete", args=[licence.pk])
    response = client.post(url, {"post": "yes"}, follow=True)
    assert Option.objects.filter(pk=licence.pk).exists()
    assert "i brug og kan ikke slettes" in response.content.decode()
    client.post(reverse("admin:kitos_option_delete", args=[hosting.pk]), {"post": "yes"})
    assert not Option.objects.filter(pk=hosting.pk).exists()


def test_an_option_switched_off_for_everybody_is_listed_as_not_available(org, reader):
    Option.objects.filter(kind="payment_model", code="fixed").update(is_enabled=False)
    rows = {row["code"]: row for row in api(reader).get(
        "/api/v1/options/", {"kind": "payment_model"}).json()["results"]}
    assert rows["fixed"]["is_available"] is False
    assert rows["subscription"]["is_available"] is True
