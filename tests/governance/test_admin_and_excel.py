"""The governance admin writes through the services; the lists export to Excel and the
exported workbook imports back (goals by title, projects by name, reports by project
and period)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from governance.models import Project, ProjectStatusReport, StrategicGoal
from kitos.excel.engine import run_import_file
from kitos.models import AuditEntry
from tests.governance.cases import GoalFactory, ProjectFactory, StatusReportFactory

pytestmark = pytest.mark.django_db


def test_admin_pages_render_and_write_through_the_services(client, org, superuser):
    project = ProjectFactory(organisation=org)
    client.force_login(superuser)
    for model in ("strategicgoal", "project", "projectstatusreport"):
        assert client.get(f"/admin/governance/{model}/").status_code == 200
        assert client.get(f"/admin/governance/{model}/add/").status_code == 200
    response = client.post("/admin/governance/projectstatusreport/add/", {
        "project": project.pk, "period": "2025-05-01", "time": "green", "cost": "red",
        "scope": "green", "benefits": "yellow", "text": "",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    report = ProjectStatusReport.objects.get()
    assert report.organisation == org
    assert AuditEntry.objects.filter(object_id=report.pk, action="create").exists()
    response = client.post("/admin/governance/strategicgoal/add/", {
        "organisation": org.pk, "title": "Admin-mål", "start_year": "2030",
        "end_year": "2020",
    })
    assert response.status_code == 200  # the service's rule, shown on the form
    assert not StrategicGoal.objects.filter(title="Admin-mål").exists()


def _export(client, url_name) -> openpyxl.Workbook:
    response = client.get(reverse(url_name), {"format": "xlsx"})
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_exported_projects_import_back(client, org, editor):
    goal = GoalFactory(organisation=org, title="Færre systemer")
    project = ProjectFactory(organisation=org, name="Udbud af økonomisystem", phase="analysis",
                             investment=4_200_000)
    project.goals.add(goal)
    StatusReportFactory(project=project, period="2025-02-01", cost="yellow")
    client.force_login(editor)
    book = _export(client, "project_list")
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    row = dict(zip(headers, [cell.value for cell in sheet[2]], strict=False))
    assert row["Navn"] == "Udbud af økonomisystem" and row["Mål"] == "Færre systemer"
    sheet.cell(row=2, column=headers.index("Fase") + 1).value = "I gang"
    buffer = io.BytesIO()
    book.save(buffer)
    report = run_import_file(actor=editor, organisation=org, content=buffer.getvalue(),
                             filename="projekter.xlsx", commit=True)
    assert report.ok, report.errors
    project.refresh_from_db()
    assert project.phase == "in_progress" and Project.objects.count() == 1
    for url_name in ("strategicgoal_list", "projectstatusreport_list"):
        rows = list(_export(client, url_name).worksheets[0].iter_rows(values_only=True))
        assert len([r for r in rows[1:] if any(r)]) == 1
