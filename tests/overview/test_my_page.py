"""My page: the user's roles, deadlines and the gaps in their objects."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from alerts.models import ContractSubscription
from roles.models import RoleType
from tests.factories import (
    AgreementFactory,
    ContractFactory,
    PersonFactory,
    RoleAssignmentFactory,
    UsageFactory,
)
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
URL = "/min-side/"


def role(code, applies_to):
    return RoleType.objects.get(organisation=None, code=code, applies_to=applies_to)


def notice_in(days):
    today = timezone.localdate()
    return {"start_date": today - 400 * DAY, "expiry_date": today + (days + 92) * DAY,
            "notice_months": 3, "extension_months": 12, "extensions_total": 1}


def test_url_and_login(client):
    assert reverse("my_page") == URL
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_user_without_a_person_is_told_so(client, org, reader):
    client.force_login(reader)
    response = client.get(URL)
    assert response.status_code == 200
    assert "ikke registreret som person" in response.content.decode()
    assert client.post(URL).status_code == 405


def test_roles_deadlines_and_gaps(client, org, other_org, editor):
    me = PersonFactory(organisation=org, user=editor, name="Mette Ejer")
    owned = UsageFactory(organisation=org)
    RoleAssignmentFactory(target=owned, person=me, role_type=role("systemejer", "system_usage"))
    former = UsageFactory(organisation=org)
    RoleAssignmentFactory(target=former, person=me, role_type=role("systemejer", "system_usage"),
                          start_date=timezone.localdate() - 90 * DAY,
                          end_date=timezone.localdate() - DAY)
    mine = ContractFactory(organisation=org, name="Min kontrakt", **notice_in(60))
    RoleAssignmentFactory(target=mine, person=me, role_type=role("contract-manager", "contract"))
    watched = ContractFactory(organisation=org, name="Fulgt kontrakt", **notice_in(20))
    ContractSubscription.objects.create(organisation=org, contract=watched, person=me)
    ContractFactory(organisation=org, name="Andres kontrakt", **notice_in(10))
    agreement = AgreementFactory(organisation=org,
                                 next_oversight_date=timezone.localdate() - 5 * DAY)
    RoleAssignmentFactory(target=agreement, person=me,
                          role_type=role("dba-ansvarlig", "data_processing_agreement"))
    # The same login's person in another organisation does not show here.
    other = PersonFactory(organisation=other_org, user=editor)
    RoleAssignmentFactory(target=UsageFactory(organisation=other_org), person=other,
                          role_type=role("systemejer", "system_usage"))

    client.force_login(editor)
    page = client.get(URL).context["page"]
    assert page.person == me
    targets = {item.target for group in page.groups for item in group.items}
    assert targets == {owned, mine, agreement}
    labels = [(due.obj, due.is_overdue) for due in page.deadlines]
    assert (agreement, True) in labels
    assert {due.obj.name for due in page.deadlines if hasattr(due.obj, "notice_deadline")} == {
        "Min kontrakt", "Fulgt kontrakt",
    }
    # The contract has no owner (contract manager is another role): a gap in my objects.
    gaps = {(item.target, rule.key) for item in page.gap_items for rule in item.gaps}
    assert (mine, "contract-without-owner") in gaps
    assert (agreement, "oversight-overdue") in gaps
    assert all(target != owned for target, _key in gaps)
    html = client.get(URL).content.decode()
    assert reverse("contract_detail", args=[mine.uuid]) in html
    assert "Andres kontrakt" not in html


def _roles(person, n):
    for _ in range(n):
        RoleAssignmentFactory(target=UsageFactory(organisation=person.organisation),
                              person=person, role_type=role("systemejer", "system_usage"))
        contract = ContractFactory(organisation=person.organisation, **notice_in(30))
        RoleAssignmentFactory(target=contract, person=person,
                              role_type=role("kontraktejer", "contract"))


def test_query_count_is_the_same_for_5_and_50_roles(client, org, editor):
    me = PersonFactory(organisation=org, user=editor)
    client.force_login(editor)
    _roles(me, 5)
    count_queries(client, URL)
    few = count_queries(client, URL)
    _roles(me, 45)
    assert count_queries(client, URL) == few


def test_my_gaps_link_to_the_form_that_fixes_them_and_back(client, org, editor, reader):
    me = PersonFactory(organisation=org, user=editor)
    agreement = AgreementFactory(organisation=org,
                                 next_oversight_date=timezone.localdate() - 5 * DAY)
    RoleAssignmentFactory(target=agreement, person=me,
                          role_type=role("dba-ansvarlig", "data_processing_agreement"))
    client.force_login(editor)
    page = client.get(URL).context["page"]
    (item,) = page.gap_items
    (rule, fix_url), = item.fixes
    assert rule.key == "oversight-overdue"
    assert fix_url.startswith(reverse("oversightrecord_create", args=[agreement.uuid]))
    assert "next=%2Fmin-side%2F" in fix_url
    assert fix_url.replace("&", "&amp;") in client.get(URL).content.decode()

    # A reader holding the same role sees the gap but no link to a form they cannot use.
    reading = PersonFactory(organisation=org, user=reader)
    RoleAssignmentFactory(target=agreement, person=reading,
                          role_type=role("dba-ansvarlig", "data_processing_agreement"))
    client.force_login(reader)
    (item,) = client.get(URL).context["page"].gap_items
    assert [url for _rule, url in item.fixes] == [None]
