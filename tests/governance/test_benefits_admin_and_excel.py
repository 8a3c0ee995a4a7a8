"""The benefit admin writes through the services; the benefit list exports to Excel and
the workbook imports back (benefits matched by project and title)."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from governance.models import Benefit, BenefitMeasurement
from kitos.excel.engine import run_import_file
from kitos.models import AuditEntry
from tests.governance.cases import BenefitFactory, GoalFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_admin_pages_render_and_write_through_the_services(client, org, superuser):
    benefit = BenefitFactory(project=ProjectFactory(organisation=org))
    client.force_login(superuser)
    for model in ("benefit", "benefitmeasurement"):
        assert client.get(f"/admin/governance/{model}/").status_code == 200
        assert client.get(f"/admin/governance/{model}/add/").status_code == 200
    response = client.post("/admin/governance/benefitmeasurement/add/", {
        "benefit": benefit.pk, "measured_on": "2025-05-01", "value": "10", "note": "",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    measurement = BenefitMeasurement.objects.get()
    assert measurement.organisation == org
    assert AuditEntry.objects.filter(object_id=measurement.pk, action="create").exists()
    response = client.post("/admin/governance/benefit/add/", {
        "project": benefit.project.pk, "title": benefit.title, "kind": "economic",
        "target": "5",
    })
    assert response.status_code == 200  # the constraint's message, shown on the form
    assert Benefit.objects.count() == 1


def test_exported_benefits_import_back(client, org, editor):
    goal = GoalFactory(organisation=org, title="Færre systemer")
    project = ProjectFactory(organisation=org, name="Ny ESDH")
    benefit = BenefitFactory(project=project, title="Sparet licens", target=450_000)
    benefit.goals.add(goal)
    client.force_login(editor)
    response = client.get(reverse("benefit_list"), {"format": "xlsx"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    row = dict(zip(headers, [cell.value for cell in sheet[2]], strict=False))
    assert row["Titel"] == "Sparet licens" and row["Projekt"] == "Ny ESDH"
    assert row["Understøttede mål"] == "Færre systemer"
    sheet.cell(row=2, column=headers.index("Mål") + 1).value = 500000
    buffer = io.BytesIO()
    book.save(buffer)
    report = run_import_file(actor=editor, organisation=org, content=buffer.getvalue(),
                             filename="gevinster.xlsx", commit=True)
    assert report.ok, report.errors
    benefit.refresh_from_db()
    assert benefit.target == Decimal("500000") and Benefit.objects.count() == 1
