"""The benefits and benefit-measurements API resources: CRUD through the audited
services, the realisation fields, filters, 404 across organisations, readers 403, the
deletions feed and constant query counts."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from governance.models import Benefit, BenefitMeasurement
from kitos.models import AuditEntry
from tests.factories import PersonFactory, UnitFactory
from tests.governance.cases import (
    BenefitFactory,
    GoalFactory,
    MeasurementFactory,
    ProjectFactory,
)
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def url(resource, obj=None):
    return f"/api/v1/{resource}/" + (f"{obj.uuid}/" if obj is not None else "")


@pytest.fixture
def api():
    return APIClient()


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_benefit_and_measurement_crud(api, org, editor):
    project = ProjectFactory(organisation=org)
    goal = GoalFactory(organisation=org)
    owner = PersonFactory(organisation=org)
    api.force_login(editor)
    response = api.post(url("benefits"), {
        "project": str(project.uuid), "title": "Sparet porto", "kind": "economic",
        "baseline": "0", "target": "400000.00", "owner": str(owner.uuid),
        "due_date": "2026-12-31", "goals": [str(goal.uuid)], "unit_of_measure": "kr.",
    }, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["goals"] == [str(goal.uuid)]
    assert body["realised"] is None and body["realised_share"] is None
    benefit = Benefit.objects.get(title="Sparet porto")
    assert benefit.organisation == org
    assert AuditEntry.objects.filter(object_id=benefit.pk, action="create").exists()

    response = api.post(url("benefit-measurements"), {
        "benefit": str(benefit.uuid), "measured_on": "2025-06-30", "value": "100000",
    }, format="json")
    assert response.status_code == 201, response.content
    measurement = BenefitMeasurement.objects.get()
    assert measurement.organisation == org
    body = api.get(url("benefits", benefit)).json()
    assert body["realised"] == "100000.00" and body["realised_share"] == 0.25
    assert body["realised_on"] == "2025-06-30"

    response = api.patch(url("benefits", benefit), {"target": "200000"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["realised_share"] == 0.5
    assert benefit.goals.count() == 1  # not sent: unchanged

    assert api.delete(url("benefits", benefit)).status_code == 204
    assert not BenefitMeasurement.objects.exists()
    deletions = api.get("/api/v1/deletions/", {"type": "governance.benefitmeasurement"}).json()
    assert [row["id"] for row in deletions["results"]] == [str(measurement.uuid)]


def test_measurement_twice_on_a_date_is_400(api, org, editor):
    measurement = MeasurementFactory(benefit=BenefitFactory(project=ProjectFactory(
        organisation=org)))
    api.force_login(editor)
    response = api.post(url("benefit-measurements"), {
        "benefit": str(measurement.benefit.uuid),
        "measured_on": measurement.measured_on.isoformat(), "value": "1"}, format="json")
    assert response.status_code == 400
    assert "allerede målt" in response.content.decode()


def test_benefit_refuses_another_organisations_project_owner_and_goal(
    api, org, other_org, editor
):
    project = ProjectFactory(organisation=org)
    api.force_login(editor)
    for field, value in (
        ("project", ProjectFactory(organisation=other_org).uuid),
        ("owner", PersonFactory(organisation=other_org).uuid),
        ("goals", [str(GoalFactory(organisation=other_org).uuid)]),
    ):
        data = {"project": str(project.uuid), "title": f"Fremmed {field}", "target": "1"}
        data[field] = value if isinstance(value, list) else str(value)
        response = api.post(url("benefits"), data, format="json")
        assert response.status_code == 400, (field, response.content)
    assert not Benefit.objects.exists()


def test_readers_may_read_but_not_write(api, org, reader):
    benefit = BenefitFactory(project=ProjectFactory(organisation=org))
    measurement = MeasurementFactory(benefit=benefit)
    api.force_login(reader)
    assert api.get(url("benefits", benefit)).status_code == 200
    assert api.patch(url("benefits", benefit), {"title": "X"}, format="json").status_code == 403
    assert api.delete(url("benefits", benefit)).status_code == 403
    assert api.delete(url("benefit-measurements", measurement)).status_code == 403
    response = api.post(url("benefits"), {
        "project": str(benefit.project.uuid), "title": "Ny", "target": "1"}, format="json")
    assert response.status_code == 403
    assert Benefit.objects.count() == 1


@pytest.mark.parametrize("resource", ["benefits", "benefit-measurements"])
def test_other_organisations_objects_are_404(api, org, outsider, resource):
    measurement = MeasurementFactory(benefit=BenefitFactory(project=ProjectFactory(
        organisation=org)))
    obj = measurement if resource == "benefit-measurements" else measurement.benefit
    api.force_login(outsider)
    assert api.get(url(resource, obj)).status_code == 404
    assert api.patch(url(resource, obj), {}, format="json").status_code == 404
    assert api.delete(url(resource, obj)).status_code == 404
    assert ids(api.get(url(resource))) == set()


def test_filters_and_change_feed(api, org, editor):
    unit = UnitFactory(organisation=org)
    project = ProjectFactory(organisation=org, responsible_unit=unit)
    past = datetime.date.today() - datetime.timedelta(days=1)
    late = BenefitFactory(project=project, kind="time", due_date=past)
    done = BenefitFactory(project=ProjectFactory(organisation=org), due_date=past)
    MeasurementFactory(benefit=done)
    api.force_login(editor)
    assert ids(api.get(url("benefits"), {"kind": "time"})) == {str(late.uuid)}
    assert ids(api.get(url("benefits"), {"within": str(unit.uuid)})) == {str(late.uuid)}
    assert ids(api.get(url("benefits"), {"overdue": "true"})) == {str(late.uuid)}
    assert ids(api.get(url("benefits"), {"project": str(project.uuid)})) == {str(late.uuid)}
    assert len(ids(api.get(url("benefit-measurements"), {"benefit": str(done.uuid)}))) == 1
    since = timezone.now()
    api.patch(url("benefits", late), {"notes": "Nyt"}, format="json")
    assert ids(api.get(url("benefits"), {"changed_since": since.isoformat()})) == {
        str(late.uuid)}


def test_benefit_list_query_count_is_constant(api, org, editor):
    api.force_login(editor)

    def make():
        benefit = BenefitFactory(project=ProjectFactory(organisation=org),
                                 owner=PersonFactory(organisation=org))
        benefit.goals.add(GoalFactory(organisation=org))
        MeasurementFactory(benefit=benefit)

    make()
    few = count_queries(api, url("benefits"))
    measurements = count_queries(api, url("benefit-measurements"))
    for _ in range(10):
        make()
    assert count_queries(api, url("benefits")) == few
    assert count_queries(api, url("benefit-measurements")) == measurements
