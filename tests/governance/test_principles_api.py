"""The principle and review API resources: CRUD through the services, new-version,
filters, 404 across organisations, readers 403, deletions and constant query counts."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from governance.models import ArchitectureReview, Principle
from tests.factories import UsageFactory
from tests.governance.cases import ProjectFactory
from tests.governance.principle_cases import PrincipleFactory, make_review

pytestmark = pytest.mark.django_db


def url(resource, obj=None, suffix=""):
    return f"/api/v1/{resource}/" + (f"{obj.uuid}/" if obj is not None else "") + suffix


@pytest.fixture
def api():
    return APIClient()


def test_principle_crud_and_new_version(api, org, editor):
    api.force_login(editor)
    response = api.post(url("principles"), {
        "organisation": str(org.uuid), "title": "Exit-strategi i alle kontrakter",
        "area": "contract", "text": "Alle kontrakter har en exit-plan.", "version": 7,
    }, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["version"] == 1 and body["is_current"] and body["replaced_by"] is None
    principle = Principle.objects.get()
    response = api.post(url("principles", principle, "new-version/"),
                        {"text": "Skærpet."}, format="json")
    assert response.status_code == 201, response.content
    new = response.json()
    assert new["version"] == 2 and new["previous"] == str(principle.uuid)
    assert new["title"] == "Exit-strategi i alle kontrakter" and new["text"] == "Skærpet."
    old = api.get(url("principles", principle)).json()
    assert old["replaced_by"] == new["id"] and not old["is_current"]
    response = api.post(url("principles", principle, "new-version/"), {}, format="json")
    assert response.status_code == 400
    current = api.get(url("principles"), {"current": "true"}).json()["results"]
    assert [row["id"] for row in current] == [new["id"]]
    make_review(principle)
    assert api.delete(url("principles", principle)).status_code == 400
    newest = Principle.objects.get(version=2)
    assert api.delete(url("principles", newest)).status_code == 204
    deletions = api.get("/api/v1/deletions/", {"type": "governance.principle"}).json()
    assert [row["id"] for row in deletions["results"]] == [str(newest.uuid)]


def test_review_crud(api, org, editor):
    principle, usage = PrincipleFactory(organisation=org), UsageFactory(organisation=org)
    api.force_login(editor)
    response = api.post(url("reviews"), {
        "principle": str(principle.uuid), "usage": str(usage.uuid),
        "verdict": "deviation_accepted"}, format="json")
    assert response.status_code == 400
    response = api.post(url("reviews"), {
        "principle": str(principle.uuid), "usage": str(usage.uuid),
        "project": str(ProjectFactory(organisation=org).uuid),
        "verdict": "complies"}, format="json")
    assert response.status_code == 400
    response = api.post(url("reviews"), {
        "principle": str(principle.uuid), "usage": str(usage.uuid),
        "verdict": "complies"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["subject_kind"] == "usage"
    review = ArchitectureReview.objects.get()
    response = api.patch(url("reviews", review), {"verdict": "not_compliant"}, format="json")
    assert response.status_code == 200, response.content
    listed = api.get(url("reviews"), {"verdict": "not_compliant", "subject": "usage"}).json()
    assert [row["id"] for row in listed["results"]] == [str(review.uuid)]
    assert api.delete(url("reviews", review)).status_code == 204
    deletions = api.get("/api/v1/deletions/", {"type": "governance.architecturereview"})
    assert [row["id"] for row in deletions.json()["results"]] == [str(review.uuid)]


def test_other_organisation_is_404_and_reader_403(api, org, other_org, reader, outsider):
    principle = PrincipleFactory(organisation=org)
    review = make_review(principle)
    api.force_login(outsider)
    assert api.get(url("principles", principle)).status_code == 404
    assert api.get(url("reviews", review)).status_code == 404
    assert api.post(url("principles", principle, "new-version/"), {},
                    format="json").status_code == 404
    assert api.get(url("principles")).json()["results"] == []
    api.force_login(reader)
    assert api.get(url("principles", principle)).status_code == 200
    assert api.patch(url("principles", principle), {"code": "X"},
                     format="json").status_code == 403
    assert api.post(url("principles", principle, "new-version/"), {},
                    format="json").status_code == 403
    assert api.delete(url("reviews", review)).status_code == 403


def test_a_review_cannot_point_across_organisations(api, org, other_org, editor):
    principle = PrincipleFactory(organisation=org)
    foreign = ProjectFactory(organisation=other_org)
    api.force_login(editor)
    response = api.post(url("reviews"), {"principle": str(principle.uuid),
                                         "project": str(foreign.uuid),
                                         "verdict": "complies"}, format="json")
    assert response.status_code == 400


def _count(api, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert api.get(path).status_code == 200
    return len(context.captured_queries)


def test_query_counts_are_constant(api, org, editor):
    api.force_login(editor)

    def add(count):
        for _ in range(count):
            old = PrincipleFactory(organisation=org)
            new = PrincipleFactory(organisation=org, previous=old, version=2)
            make_review(old)
            make_review(new, UsageFactory(organisation=org))

    add(2)
    few = (_count(api, url("principles")), _count(api, url("reviews")))
    add(10)
    assert (_count(api, url("principles")), _count(api, url("reviews"))) == few
