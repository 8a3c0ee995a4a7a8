"""The goal, project and status report pages: the shared list, detail and form tests
(tests/harness.py), then the pages' own rules."""

from __future__ import annotations

import pytest
from django.urls import reverse

from governance.models import ProjectStatusReport, ProjectSystem
from kitos.detail import object_url
from tests import lists_support as support
from tests.detail_helpers import tab_url
from tests.factories import UsageFactory
from tests.governance.cases import (
    GOAL,
    PROJECT,
    STATUS_REPORT,
    GoalFactory,
    ProjectFactory,
    StatusReportFactory,
)
from tests.harness import DetailViewTests, FormViewTests, ListViewTests

pytestmark = pytest.mark.django_db


class TestGoalPages(ListViewTests, DetailViewTests, FormViewTests):
    case = GOAL


class TestProjectPages(ListViewTests, DetailViewTests, FormViewTests):
    case = PROJECT


class TestStatusReportPages(ListViewTests, DetailViewTests):
    case = STATUS_REPORT


def test_project_form_writes_the_system_links_with_their_effect(client, org, editor):
    usage = UsageFactory(organisation=org)
    client.force_login(editor)
    response = client.post(reverse("project_create"), {
        "name": "Digital pladsanvisning", "phase": "idea", "systems_retires": [usage.pk],
    })
    assert response.status_code == 302
    link = ProjectSystem.objects.get(usage=usage)
    assert link.effect == "retires" and link.project.name == "Digital pladsanvisning"
    page = client.get(tab_url(link.project, "systemer"))
    assert "Udfaser" in page.content.decode()


def test_project_form_refuses_one_system_with_two_effects(client, org, editor):
    usage = UsageFactory(organisation=org)
    client.force_login(editor)
    response = client.post(reverse("project_create"), {
        "name": "Dobbelt", "phase": "idea", "systems_introduces": [usage.pk],
        "systems_retires": [usage.pk],
    })
    assert response.status_code == 200
    assert response.context["form"].errors["systems_retires"]


def test_project_list_shows_the_latest_status_and_filters_by_it(client, org, reader):
    red = ProjectFactory(organisation=org, name="Rødt projekt")
    StatusReportFactory(project=red, period="2024-01-01")
    StatusReportFactory(project=red, period="2024-02-01", cost="red")
    green = ProjectFactory(organisation=org, name="Grønt projekt")
    StatusReportFactory(project=green, period="2024-02-01", cost="red")
    StatusReportFactory(project=green, period="2024-03-01")
    client.force_login(reader)
    response = client.get(reverse("project_list"), {"latest_status": "red"})
    assert response.context["paginator"].count == 1
    assert "Rødt projekt" in support.row_labels(response)
    assert "Rød" in support.row_labels(response)
    response = client.get(reverse("project_list"), {"latest_status": "green"})
    assert "Grønt projekt" in support.row_labels(response)
    assert response.context["paginator"].count == 1


def test_project_list_totals_the_money(client, org, reader):
    ProjectFactory(organisation=org, investment=1000)
    ProjectFactory(organisation=org, investment=2500)
    client.force_login(reader)
    response = client.get(reverse("project_list"))
    assert "3.500" in response.content.decode()


def test_status_report_forms(client, org, editor, reader, outsider):
    project = ProjectFactory(organisation=org)
    url = reverse("projectstatusreport_create", args=[project.uuid])
    data = {"period": "2025-03-01", "time": "green", "cost": "yellow", "scope": "green",
            "benefits": "red", "text": "Leverandøren er forsinket."}
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(reader)
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    client.force_login(editor)
    response = client.post(url, data)
    assert response.status_code == 302
    assert response.url == f"{object_url(project)}?tab=status"
    report = ProjectStatusReport.objects.get(project=project)
    assert report.organisation == org and report.cost == "yellow"
    # One report per project and period: a second one is a form error, not a 500.
    response = client.post(url, data)
    assert response.status_code == 200
    assert "allerede en statusrapport" in response.content.decode()
    response = client.post(object_url(report, "update"), {**data, "cost": "green"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.cost == "green"
    client.force_login(reader)
    assert client.post(object_url(report, "delete")).status_code == 403
    client.force_login(editor)
    assert client.post(object_url(report, "delete")).status_code == 302
    assert not ProjectStatusReport.objects.filter(pk=report.pk).exists()


def test_goal_page_lists_its_projects_and_subgoals(client, org, reader):
    goal = GoalFactory(organisation=org, title="Sammenhængende velfærd")
    GoalFactory(organisation=org, title="Færre systemer", parent=goal)
    ProjectFactory(organisation=org, name="Udbud af økonomisystem").goals.add(goal)
    client.force_login(reader)
    assert "Færre systemer" in client.get(object_url(goal)).content.decode()
    assert "Udbud af økonomisystem" in client.get(tab_url(goal, "projekter")).content.decode()


def test_goal_form_refuses_a_cycle(client, org, editor):
    top = GoalFactory(organisation=org)
    child = GoalFactory(organisation=org, parent=top)
    client.force_login(editor)
    response = client.post(object_url(top, "update"), {"title": top.title,
                                                       "parent": child.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["parent"]
