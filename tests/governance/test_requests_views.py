"""The new-system request pages: the shared list, detail and form tests
(tests/harness.py), then the request's own pages: the duplicate check beside the form
and on the page, the steps (submit, sign off, withdraw), the decision on a request
and the agenda."""

from __future__ import annotations

import pytest
from django.urls import reverse

from governance import request_tables
from governance.choices import SignOffRole
from governance.models import Decision, NewSystemRequest, SteeringGroup
from kitos.detail import object_url
from tests.detail_helpers import add_history, tab_url
from tests.factories import ItSystemFactory, PersonFactory, UnitFactory, UsageFactory
from tests.governance.cases import GoalFactory
from tests.governance.request_cases import RequestFactory, kle
from tests.harness import DetailViewTests, FormViewTests, ListViewTests, ModelCase

pytestmark = pytest.mark.django_db


def request_row(org, label):
    request = RequestFactory(organisation=org, title=label,
                             unit=UnitFactory(organisation=org),
                             requested_by=PersonFactory(organisation=org),
                             expected_investment=100_000)
    request.kle_numbers.add(kle("00.05.10"))
    return request


def add_request_rows(request, count):
    org = request.organisation
    for index in range(count):
        request.kle_numbers.add(kle(f"00.06.{index:02d}"))
        request.goals.add(GoalFactory(organisation=org))
        usage = UsageFactory(organisation=org)
        usage.system.kle_numbers.add(kle("00.05.10"))
    add_history(request, count)


REQUEST = ModelCase(
    model=NewSystemRequest,
    make=lambda org: RequestFactory(organisation=org),
    make_row=request_row,
    columns=request_tables.REQUEST_COLUMNS,
    tabs=("overblik", "dubletter", "vurderinger", "beslutninger", "historik"),
    add_rows=add_request_rows,
    form_data=lambda org: {"title": "Nyt bookingsystem", "need": "Booking af lokaler",
                           "kle_numbers": [kle("00.05.10").pk],
                           "goals": [GoalFactory(organisation=org).pk]},
    change={"need": "Booking af lokaler og udstyr"},
    changed=lambda request: request.need == "Booking af lokaler og udstyr",
    cross_field="unit",
    cross_value=lambda other: UnitFactory(organisation=other).pk,
    invalid={"expected_investment": "-5"},
    lookup=lambda org: NewSystemRequest.objects.get(organisation=org,
                                                    title="Nyt bookingsystem"),
)


class TestRequestPages(ListViewTests, DetailViewTests, FormViewTests):
    case = REQUEST

    def test_list_search_and_export_hold_exactly_the_filtered_rows(self):
        pytest.skip("Requests export as shown (Excel report and CSV, see "
                    "test_request_list_filters_and_csv); there is no importable entity.")


def test_request_list_filters_and_csv(client, org, reader):
    request_row(org, "Bookingsystem")
    RequestFactory(organisation=org, title="Vagtplan", status="approved")
    client.force_login(reader)
    page = client.get(reverse("newsystemrequest_list"), {"kle": "00.05"}).content.decode()
    assert "Bookingsystem" in page and "Vagtplan" not in page
    page = client.get(reverse("newsystemrequest_list"),
                      {"status": "approved"}).content.decode()
    assert "Vagtplan" in page and "Bookingsystem" not in page
    response = client.get(reverse("newsystemrequest_list"), {"format": "csv", "q": "Vagt"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200 and "Vagtplan" in text and "Bookingsystem" not in text
    assert client.get(reverse("newsystemrequest_list"),
                      {"format": "report"}).status_code == 200


def test_duplicate_check_beside_the_form_and_on_the_page(client, org, other_org, editor,
                                                         outsider):
    usage = UsageFactory(organisation=org, system=ItSystemFactory(name="Lokalebooking"))
    usage.system.kle_numbers.add(kle("00.05.10"))
    client.force_login(editor)
    url = reverse("newsystemrequest_duplicates")
    page = client.get(url, {"organisation": org.slug,
                            "kle_numbers": [kle("00.05.10").pk, "x"]}).content.decode()
    assert "Lokalebooking" in page
    page = client.get(url, {"organisation": org.slug}).content.decode()
    assert "Lokalebooking" not in page
    assert client.get(url, {"organisation": other_org.slug}).status_code == 404
    form = client.get(reverse("newsystemrequest_create")).content.decode()
    assert url in form and "data-duplicate-check" in form
    request = request_row(org, "Booking")
    assert "Lokalebooking" in client.get(object_url(request)).content.decode()
    assert "Lokalebooking" in client.get(tab_url(request, "dubletter")).content.decode()
    client.force_login(outsider)
    assert client.get(tab_url(request, "dubletter")).status_code == 404


def test_steps_from_draft_to_decision(client, org, editor, reader, outsider):
    request = RequestFactory(organisation=org, title="Bookingsystem")
    client.force_login(reader)
    assert client.post(reverse("newsystemrequest_submit", args=[request.uuid])
                       ).status_code == 403
    assert "newsystemrequest_submit" not in client.get(object_url(request)).content.decode()
    client.force_login(outsider)
    assert client.post(reverse("newsystemrequest_submit", args=[request.uuid])
                       ).status_code == 404
    client.force_login(editor)
    assert reverse("newsystemrequest_submit", args=[request.uuid]) in \
        client.get(object_url(request)).content.decode()
    response = client.post(reverse("newsystemrequest_submit", args=[request.uuid]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "in_review"
    sign_url = reverse("newsystemrequest_sign", args=[request.uuid])
    assert sign_url in client.get(tab_url(request, "vurderinger")).content.decode()
    response = client.post(sign_url, {"role": "dpo", "verdict": "pending"}, follow=True)
    assert "Vurdering" in response.content.decode()
    for role in SignOffRole.values:
        client.post(sign_url, {"role": role, "verdict": "approved", "comment": "OK"})
    request.refresh_from_db()
    assert request.status == "awaiting_decision"
    group = SteeringGroup.objects.create(organisation=org, name="Digital styregruppe")
    assert "Bookingsystem" in client.get(object_url(group)).content.decode()  # agenda
    form = client.get(reverse("decision_create"), {"request": str(request.uuid)})
    assert form.status_code == 200 and "Bookingsystem" in form.content.decode()
    response = client.post(reverse("decision_create"), {
        "group": group.pk, "title": "Go til booking", "outcome": "approved",
        "decided_on": "2025-05-01", "request": request.pk,
    })
    assert response.status_code == 302, response.content.decode()
    request.refresh_from_db()
    assert request.status == "approved" and request.project.phase == "decided"
    decision = Decision.objects.get(request=request)
    assert "Bookingsystem" in client.get(object_url(decision)).content.decode()
    assert "Go til booking" in client.get(tab_url(request, "beslutninger")).content.decode()


def test_decision_form_refuses_another_organisations_request(client, org, other_org, editor):
    group = SteeringGroup.objects.create(organisation=org, name="Gruppe")
    foreign = RequestFactory(organisation=other_org, status="awaiting_decision")
    client.force_login(editor)
    response = client.post(reverse("decision_create"), {
        "group": group.pk, "title": "Forsøg", "outcome": "approved",
        "decided_on": "2025-05-01", "request": foreign.pk,
    })
    assert response.status_code == 200 and not Decision.objects.exists()
