"""The new-system request API: CRUD through the services, the steps as actions, the
sign-offs as a writable resource, the duplicate check, decisions on a request, filters,
404 across organisations, readers 403, deletions and constant query counts."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from governance.choices import SignOffRole
from governance.models import NewSystemRequest, RequestSignOff, SteeringGroup
from roles.models import Person
from tests.factories import ItSystemFactory, UnitFactory, UsageFactory
from tests.governance.cases import GoalFactory
from tests.governance.request_cases import RequestFactory, kle
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def url(resource, obj=None, step=""):
    return f"/api/v1/{resource}/" + (f"{obj.uuid}/" if obj is not None else "") + \
        (f"{step}/" if step else "")


@pytest.fixture
def api():
    return APIClient()


def test_request_from_draft_to_project(api, org, editor):
    person = Person.objects.create(organisation=org, name="Sam Specialist", user=editor)
    usage = UsageFactory(organisation=org, system=ItSystemFactory(name="Lokalebooking"))
    usage.system.kle_numbers.add(kle("00.05.10"))
    goal = GoalFactory(organisation=org)
    api.force_login(editor)
    response = api.post(url("requests"), {
        "organisation": str(org.uuid), "title": "Bookingsystem", "need": "Lokaler",
        "kle_numbers": ["00.05.10"], "goals": [str(goal.uuid)], "status": "approved",
        "expected_investment": "100000.00",
    }, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["kle_numbers"] == ["00.05.10"]
    request = NewSystemRequest.objects.get(uuid=body["id"])
    duplicates = api.get(url("requests", request, "duplicates")).json()
    assert [row["system"] for row in duplicates] == ["Lokalebooking"]
    assert duplicates[0]["kle_numbers"] == ["00.05.10"]
    response = api.post(url("requests", request, "submit"))
    assert response.status_code == 200 and response.json()["status"] == "in_review"
    assert api.post(url("requests", request, "submit")).status_code == 400
    sign_offs = api.get(url("request-sign-offs"), {"request": str(request.uuid)}).json()
    assert {row["role"] for row in sign_offs["results"]} == set(SignOffRole.values)
    for row in sign_offs["results"]:
        response = api.patch(f"/api/v1/request-sign-offs/{row['id']}/",
                             {"verdict": "approved", "comment": "OK"}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["person"] == str(person.uuid)
    bad = api.patch(f"/api/v1/request-sign-offs/{row['id']}/", {"verdict": "pending"},
                    format="json")
    assert bad.status_code == 400
    assert api.post(url("request-sign-offs"), {}, format="json").status_code == 405
    request.refresh_from_db()
    assert request.status == "awaiting_decision"
    group = SteeringGroup.objects.create(organisation=org, name="Gruppe")
    response = api.post(url("decisions"), {
        "group": str(group.uuid), "title": "Go", "outcome": "approved",
        "decided_on": "2025-05-01", "request": str(request.uuid),
    }, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["request"] == str(request.uuid)
    assert response.json()["subject_kind"] == "request"
    body = api.get(url("requests", request)).json()
    assert body["status"] == "approved" and body["project"] is not None
    assert api.get(url("projects"), {"phase": "decided"}).json()["results"][0]["name"] == \
        "Bookingsystem"


def test_scoping_permissions_filters_and_deletions(api, org, other_org, editor, reader,
                                                   outsider):
    request = RequestFactory(organisation=org, title="Booking", business_type="esdh")
    request.kle_numbers.add(kle("00.05.10"))
    RequestFactory(organisation=org, title="Vagtplan", status="withdrawn")
    api.force_login(outsider)
    assert api.get(url("requests", request)).status_code == 404
    assert api.post(url("requests", request, "submit")).status_code == 404
    api.force_login(reader)
    assert api.post(url("requests", request, "submit")).status_code == 403
    assert api.patch(url("requests", request), {"need": "x"}, format="json").status_code == 403
    titles = {row["title"] for row in api.get(url("requests"), {"kle": "00.05"}).json()[
        "results"]}
    assert titles == {"Booking"}
    titles = {row["title"] for row in api.get(url("requests"), {
        "status": "withdrawn"}).json()["results"]}
    assert titles == {"Vagtplan"}
    api.force_login(editor)
    response = api.patch(url("requests", request), {"status": "approved"}, format="json")
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.status == "draft"
    assert api.delete(url("requests", request)).status_code == 204
    deletions = api.get("/api/v1/deletions/", {"type": "governance.newsystemrequest"}).json()
    assert [row["id"] for row in deletions["results"]] == [str(request.uuid)]


def test_list_query_counts_are_constant(api, org, reader):
    def add(count):
        for _ in range(count):
            request = RequestFactory(organisation=org, unit=UnitFactory(organisation=org))
            request.kle_numbers.add(kle("00.05.10"))
            request.goals.add(GoalFactory(organisation=org))
            RequestSignOff.objects.create(organisation=org, request=request, role="dpo")

    add(1)
    api.force_login(reader)
    few = [count_queries(api, url(r)) for r in ("requests", "request-sign-offs")]
    add(6)
    many = [count_queries(api, url(r)) for r in ("requests", "request-sign-offs")]
    assert many == few
