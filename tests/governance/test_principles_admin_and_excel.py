"""Principles and reviews in the admin (through the services) and the principle list's
Excel export, which imports back."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from governance.models import ArchitectureReview, Principle
from governance.principle_services import principle_new_version
from kitos.excel.engine import run_import_file
from kitos.models import AuditEntry
from tests.governance.cases import ProjectFactory
from tests.governance.principle_cases import PrincipleFactory, make_review

pytestmark = pytest.mark.django_db


def test_admin_pages_render_and_write_through_the_services(client, org, superuser):
    principle = PrincipleFactory(organisation=org)
    project = ProjectFactory(organisation=org)
    client.force_login(superuser)
    for model in ("principle", "architecturereview"):
        assert client.get(f"/admin/governance/{model}/").status_code == 200
        assert client.get(f"/admin/governance/{model}/add/").status_code == 200
    response = client.post("/admin/governance/architecturereview/add/", {
        "principle": principle.pk, "project": project.pk, "verdict": "deviation_accepted",
        "reason": "", "reviewed_on": "2025-05-01",
    })
    assert response.status_code == 200  # the reason is missing: shown on the form
    response = client.post("/admin/governance/architecturereview/add/", {
        "principle": principle.pk, "project": project.pk, "verdict": "complies",
        "reason": "", "reviewed_on": "2025-05-01",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    review = ArchitectureReview.objects.get()
    assert review.organisation == org
    assert AuditEntry.objects.filter(object_uuid=review.uuid, action="create").exists()
    response = client.post(f"/admin/governance/principle/{principle.pk}/delete/",
                           {"post": "yes"})
    assert Principle.objects.filter(pk=principle.pk).exists()


def test_exported_principles_import_back(client, org, editor):
    old = PrincipleFactory(organisation=org, title="Åbne standarder", code="A2")
    make_review(old)
    principle_new_version(actor=editor, principle=old, text="Version to")
    client.force_login(editor)
    response = client.get(reverse("principle_list"), {"format": "xlsx"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    rows = [dict(zip(headers, [c.value for c in row], strict=False))
            for row in sheet.iter_rows(min_row=2) if any(c.value for c in row)]
    assert sorted((row["Titel"], row["Version"]) for row in rows) == [
        ("Åbne standarder", 1), ("Åbne standarder", 2)]
    row_of_v2 = next(i for i, row in enumerate(rows, start=2) if row["Version"] == 2)
    sheet.cell(row=row_of_v2, column=headers.index("Begrundelse") + 1).value = "Skift"
    buffer = io.BytesIO()
    book.save(buffer)
    report = run_import_file(actor=editor, organisation=org, content=buffer.getvalue(),
                             filename="principper.xlsx", commit=True)
    assert report.ok, report.errors
    assert Principle.objects.count() == 2
    assert Principle.objects.get(version=2).rationale == "Skift"
