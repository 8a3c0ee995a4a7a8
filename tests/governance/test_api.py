"""The governance API resources (governance/api/views.py): access per role and
organisation, writes through the audited services, links with their effect, the latest
status, filters, the change feed and deletions, and constant query counts."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from governance.models import Project, ProjectStatusReport, ProjectSystem, StrategicGoal
from kitos.models import AuditEntry
from tests.factories import ContractFactory, PersonFactory, UnitFactory, UsageFactory
from tests.governance.cases import GoalFactory, ProjectFactory, StatusReportFactory
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


def test_project_crud_with_links_and_goals(api, org, editor):
    usage, contract = UsageFactory(organisation=org), ContractFactory(organisation=org)
    goal = GoalFactory(organisation=org)
    api.force_login(editor)
    response = api.post(url("projects"), {
        "organisation": str(org.uuid), "name": "Ny ESDH-løsning", "phase": "decided",
        "investment": "4500000.00", "goals": [str(goal.uuid)],
        "systems": [{"usage": str(usage.uuid), "effect": "introduces"}],
        "contracts": [{"contract": str(contract.uuid), "effect": "creates"}],
    }, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["systems"] == [{"usage": str(usage.uuid), "effect": "introduces"}]
    assert body["contracts"] == [{"contract": str(contract.uuid), "effect": "creates"}]
    assert body["goals"] == [str(goal.uuid)] and body["latest_period"] is None
    project = Project.objects.get(name="Ny ESDH-løsning")
    assert AuditEntry.objects.filter(object_id=project.pk, action="create").exists()

    response = api.patch(url("projects", project), {
        "systems": [{"usage": str(usage.uuid), "effect": "retires"}],
    }, format="json")
    assert response.status_code == 200, response.content
    assert ProjectSystem.objects.get(project=project).effect == "retires"
    assert project.goals.count() == 1  # not sent: unchanged

    assert api.delete(url("projects", project)).status_code == 204
    assert not Project.objects.filter(pk=project.pk).exists()
    deletions = api.get("/api/v1/deletions/", {"type": "governance.project"}).json()
    assert [row["id"] for row in deletions["results"]] == [str(project.uuid)]


def test_project_refuses_links_and_people_of_another_organisation(api, org, other_org, editor):
    api.force_login(editor)
    foreign_usage = UsageFactory(organisation=other_org)
    response = api.post(url("projects"), {
        "organisation": str(org.uuid), "name": "Fremmed",
        "systems": [{"usage": str(foreign_usage.uuid), "effect": "changes"}],
        "manager": str(PersonFactory(organisation=other_org).uuid),
    }, format="json")
    assert response.status_code == 400
    assert not Project.objects.filter(name="Fremmed").exists()


def test_readers_may_read_but_not_write(api, org, reader):
    project = ProjectFactory(organisation=org)
    api.force_login(reader)
    assert api.get(url("projects", project)).status_code == 200
    assert api.patch(url("projects", project), {"name": "X"}, format="json").status_code == 403
    assert api.delete(url("projects", project)).status_code == 403
    response = api.post(url("goals"), {"organisation": str(org.uuid), "title": "T"},
                        format="json")
    assert response.status_code == 403
    response = api.post(url("project-status-reports"), {
        "project": str(project.uuid), "period": "2025-01-01", "time": "green",
        "cost": "green", "scope": "green", "benefits": "green"}, format="json")
    assert response.status_code in (400, 403)
    assert not ProjectStatusReport.objects.exists()


@pytest.mark.parametrize("resource", ["goals", "projects", "project-status-reports"])
def test_other_organisations_objects_are_404(api, org, outsider, resource):
    obj = {
        "goals": lambda: GoalFactory(organisation=org),
        "projects": lambda: ProjectFactory(organisation=org),
        "project-status-reports": lambda: StatusReportFactory(
            project=ProjectFactory(organisation=org)),
    }[resource]()
    api.force_login(outsider)
    assert api.get(url(resource, obj)).status_code == 404
    assert api.patch(url(resource, obj), {}, format="json").status_code == 404
    assert api.delete(url(resource, obj)).status_code == 404
    assert ids(api.get(url(resource))) == set()


def test_status_report_create_takes_the_projects_organisation(api, org, editor):
    project = ProjectFactory(organisation=org)
    api.force_login(editor)
    data = {"project": str(project.uuid), "period": "2025-01-01", "time": "green",
            "cost": "yellow", "scope": "green", "benefits": "red",
            "reported_by": str(PersonFactory(organisation=org).uuid)}
    response = api.post(url("project-status-reports"), data, format="json")
    assert response.status_code == 201, response.content
    report = ProjectStatusReport.objects.get()
    assert report.organisation == org
    # One per project and period: a 400 with the constraint's message.
    response = api.post(url("project-status-reports"), data, format="json")
    assert response.status_code == 400
    assert "allerede en statusrapport" in response.content.decode()
    body = api.get(url("projects", project)).json()
    latest = {name: body[f"latest_{name}"] for name in
              ("period", "time", "cost", "scope", "benefits")}
    assert latest == {"period": "2025-01-01", "time": "green", "cost": "yellow",
                      "scope": "green", "benefits": "red"}


def test_goal_rules_come_back_as_400(api, org, editor):
    top = GoalFactory(organisation=org)
    child = GoalFactory(organisation=org, parent=top)
    api.force_login(editor)
    response = api.patch(url("goals", top), {"parent": str(child.uuid)}, format="json")
    assert response.status_code == 400
    assert "parent" in response.json() or "errors" in response.json()
    response = api.post(url("goals"), {"organisation": str(org.uuid), "title": "Periode",
                                       "start_year": 2030, "end_year": 2020}, format="json")
    assert response.status_code == 400
    assert not StrategicGoal.objects.filter(title="Periode").exists()


def test_filters_and_change_feed(api, org, editor):
    unit = UnitFactory(organisation=org)
    running = ProjectFactory(organisation=org, phase="in_progress", responsible_unit=unit)
    ProjectFactory(organisation=org, phase="closed")
    api.force_login(editor)
    assert ids(api.get(url("projects"), {"phase": "in_progress"})) == {str(running.uuid)}
    assert ids(api.get(url("projects"), {"within": str(unit.uuid)})) == {str(running.uuid)}
    since = timezone.now()
    api.patch(url("projects", running), {"purpose": "Nyt"}, format="json")
    assert ids(api.get(url("projects"), {"changed_since": since.isoformat()})) == {
        str(running.uuid)}


def test_project_list_query_count_is_constant(api, org, editor):
    api.force_login(editor)

    def make():
        project = ProjectFactory(organisation=org, manager=PersonFactory(organisation=org))
        project.goals.add(GoalFactory(organisation=org))
        ProjectSystem.objects.create(project=project, usage=UsageFactory(organisation=org),
                                     effect="changes")
        StatusReportFactory(project=project)

    make()
    few = count_queries(api, url("projects"))
    for _ in range(10):
        make()
    assert count_queries(api, url("projects")) == few
