"""Every gap is fixed where it is shown: on the demo data, each rule's *Ret* link opens a
portal form (never /admin/) that, saved with sensible values, closes exactly that gap
and returns to the gap page. Readers see no *Ret*; the links only go back to this site."""

from __future__ import annotations

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from gdpr.gaps import RULES, gaps_for_object, object_gap_links, offending
from portfolio.choices import Lifecycle
from roles.models import Person
from tests.factories import ProcessingActivityFactory

pytestmark = pytest.mark.django_db

# What closes each gap, given the form the link opened (its initial values already in
# `data`): the one value the rule's explanation asks for.


def _dpia(obj, form, data):
    data["dpia_needed"] = "no"


def _transfer_basis(obj, form, data):
    data["transfer_basis"] = "scc"


def _oversight(obj, form, data):
    data["method"] = data.get("method") or "self"
    data["result"] = "no_remarks"


def _retired_systems(obj, form, data):
    today = timezone.localdate()
    data["usages"] = [
        usage.pk
        for usage in obj.usages.all()
        if usage.lifecycle != Lifecycle.RETIRED
        and not (usage.retirement_date and usage.retirement_date < today)
    ]


def _owner(obj, form, data):
    person = form.fields["person"].queryset.filter(left_on__isnull=True).first()
    data["person"] = person.pk


def _basis_and_retention(obj, form, data):
    data["legal_basis_art6"] = "6.1.e"
    data["legal_basis_art9"] = "9.2.g"
    data["retention"] = "Slettes 5 år efter sagens afslutning."


def _as_prefilled(obj, form, data):
    pass  # the new agreement comes prefilled with the usage and its supplier


FIXES = {
    "personal-data-without-agreement": (("processor", "usages"), _as_prefilled),
    "sensitive-without-dpia": (("dpia_needed", "dpia_done"), _dpia),
    "agreement-transfer-without-basis": (("transfer_basis",), _transfer_basis),
    "activity-transfer-without-basis": (("transfer_basis",), _transfer_basis),
    "oversight-overdue": (("date", "method"), _oversight),
    "activity-uses-retired-system": (("usages",), _retired_systems),
    "usage-without-system-owner": (("role_type", "person"), _owner),
    "contract-without-owner": (("role_type", "person"), _owner),
    "activity-without-basis-or-retention": (
        ("legal_basis_art6", "legal_basis_art9", "retention"), _basis_and_retention
    ),
}


# Gaps the demo municipality happens not to have: one object that has it.
MISSING_IN_DEMO = {
    "activity-transfer-without-basis": lambda org: ProcessingActivityFactory(
        organisation=org, third_country_transfer=True, legal_basis_art6="6.1.e",
        retention="5 år",
    ),
}


def test_every_rule_says_how_it_is_fixed():
    assert set(FIXES) == {rule.key for rule in RULES}


def post_data(form) -> dict:
    """The form's values as a browser would post them unchanged."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        elif isinstance(field, forms.ModelMultipleChoiceField):
            data[name] = [getattr(v, "pk", v) for v in value or []]
        elif value is None:
            data[name] = ""
        elif isinstance(value, datetime.date):
            data[name] = value.isoformat()
        else:
            data[name] = getattr(value, "pk", value)
    return data


@pytest.fixture
def chef(demo):
    return get_user_model().objects.get(username="chef")


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.key)
def test_following_ret_and_saving_closes_the_gap(client, demo, chef, rule):
    fields, fill_in = FIXES[rule.key]
    gap_page = reverse("gap_rule", args=[demo.slug, rule.key])
    objects = offending(rule, user=chef, organisation=demo)
    if not objects.exists() and rule.key in MISSING_IN_DEMO:
        MISSING_IN_DEMO[rule.key](demo)
    obj = objects.first()
    assert obj is not None, f"no object with the gap {rule.key}"
    before = objects.count()
    client.force_login(chef)
    html = client.get(gap_page).content.decode()
    # A gap may take more than one form (an agreement's own basis, then a
    # sub-processor's): each Ret leads to the next one until the gap is gone.
    for _round in range(4):
        fix_url = rule.fix_url(obj, next_url=gap_page)
        assert fix_url.split("#")[0].replace("&", "&amp;") in html or _round
        assert not fix_url.startswith("/admin/")
        response = client.get(fix_url)
        assert response.status_code == 200, fix_url
        form = response.context["form"]
        assert set(fields) & set(form.fields), (fix_url, list(form.fields))
        assert 'method="post"' in response.content.decode()
        data = post_data(form)
        fill_in(obj, form, data)
        response = client.post(fix_url, data)
        assert response.status_code == 302, response.context["form"].errors
        assert response.url == gap_page
        obj.refresh_from_db()
        if rule not in gaps_for_object(obj):
            break
        html = client.get(gap_page).content.decode()
    assert rule not in gaps_for_object(obj)
    # One fix may close the gap on more objects than this one (an agreement with a
    # supplier covers all of that supplier's systems), never on fewer.
    assert offending(rule, user=chef, organisation=demo).count() <= before - 1
    detail_url = rule.detail_url(obj)
    assert f'href="{detail_url}"' not in client.get(gap_page).content.decode()


def test_fix_links_on_an_objects_page_return_to_it(demo, chef):
    rule = next(rule for rule in RULES if rule.key == "contract-without-owner")
    contract = offending(rule, user=chef, organisation=demo).first()
    [(found, url)] = [(r, u) for r, u in object_gap_links(contract) if r is rule]
    query = parse_qs(urlsplit(url).query)
    assert query["rolle"] == ["kontraktejer"]
    assert query["next"] == [reverse("contract_detail", args=[contract.uuid])]


def test_the_role_form_comes_with_the_role_chosen(client, demo, chef):
    rule = next(rule for rule in RULES if rule.key == "usage-without-system-owner")
    usage = offending(rule, user=chef, organisation=demo).first()
    client.force_login(chef)
    form = client.get(rule.fix_url(usage)).context["form"]
    role_type = form.fields["role_type"].queryset.get(pk=form.initial["role_type"])
    assert role_type.code == "systemejer"


def test_reader_sees_no_ret_and_is_refused_the_form(client, demo):
    reader = get_user_model().objects.get(username="laeser")
    client.force_login(reader)
    rule = next(rule for rule in RULES if rule.key == "contract-without-owner")
    html = client.get(reverse("gap_rule", args=[demo.slug, rule.key])).content.decode()
    assert "Kontrakt uden kontraktejer" in html
    assert ">Ret<" not in html and "/rolletildelinger/ny/" not in html
    contract = offending(rule, user=reader, organisation=demo).first()
    url = rule.fix_url(contract)
    assert client.get(url).status_code == 403
    person = Person.objects.filter(organisation=demo).first()
    assert client.post(url, {"person": person.pk}).status_code == 403


def test_next_must_stay_on_this_site(client, demo, chef):
    rule = next(rule for rule in RULES if rule.key == "contract-without-owner")
    contract = offending(rule, user=chef, organisation=demo).first()
    client.force_login(chef)
    url = rule.fix_url(contract, next_url="https://evil.example/")
    form = client.get(url).context["form"]
    data = post_data(form)
    _owner(contract, form, data)
    response = client.post(url, data)
    assert response.status_code == 302
    assert response.url.startswith(reverse("contract_detail", args=[contract.uuid]))


def test_another_organisations_fix_forms_are_404(client, demo):
    nabo = get_user_model().objects.get(username="nabo-admin")
    client.force_login(nabo)
    for rule in RULES:
        obj = offending(rule, user=get_user_model().objects.get(username="chef"),
                        organisation=demo).first()
        if obj is None:
            continue
        response = client.get(rule.fix_url(obj))
        if rule.key == "personal-data-without-agreement":
            # A new agreement in the neighbour's own organisation, without our usage.
            assert response.status_code == 200
            assert "usages" not in response.context["form"].initial
        else:
            assert response.status_code == 404, rule.key


def test_an_edit_link_puts_the_cursor_in_the_missing_field(client, demo, chef):
    rule = next(r for r in RULES if r.key == "activity-without-basis-or-retention")
    activity = offending(rule, user=chef, organisation=demo).first()
    url = rule.fix_url(activity)
    field = parse_qs(urlsplit(url).query)["felt"][0]
    assert url.endswith(f"#id_{field}") and getattr(activity, field) == ""
    client.force_login(chef)
    form = client.get(url).context["form"]
    assert form.fields[field].widget.attrs.get("autofocus")
