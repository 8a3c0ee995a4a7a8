"""An editor imports a workbook through the browser: an upload with an error shows the
error, the fixed file previews clean and is committed; a running import shows a progress
bar that turns into the result by itself."""

from __future__ import annotations

import hashlib
import io

import pytest
from openpyxl import Workbook

from imports.models import ImportRun
from kitos.excel.report import ImportReport, RowResult
from roles.models import OrganisationUnit
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def units_workbook(parent: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Organisationsenheder"
    sheet.append(["Navn", "Overordnet enhed"])
    sheet.append(["Børn og Unge", ""])
    sheet.append(["Dagtilbud", parent])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/konto/log-ind/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill("test-password-123")
    page.get_by_role("button", name="Log ind").click()
    page.get_by_role("heading", name="Dine organisationer").wait_for()


def upload(page, content: bytes, name="enheder.xlsx"):
    page.get_by_label("Regneark (.xlsx)").set_input_files(
        files=[{"name": name, "mimeType": XLSX, "buffer": content}]
    )
    page.get_by_role("button", name="Indlæs og vis ændringer").click()


def test_upload_fix_and_commit(live_server, page):
    organisation = OrganisationFactory(name="Demo Kommune", slug="demo")
    MembershipFactory(user=UserFactory(username="chef"), organisation=organisation, role="editor")
    log_in(page, live_server, "chef")

    page.goto(f"{live_server.url}/import/")
    page.get_by_role("heading", name="Import fra Excel til Demo Kommune").wait_for()
    upload(page, units_workbook(parent="Børn og Ungdom"))  # a unit that does not exist

    page.get_by_role("heading", name="Regnearket har fejl").wait_for()
    errors = page.locator("table.import-errors tbody tr")
    assert errors.count() == 1
    cells = errors.first.locator("td").all_inner_texts()
    assert cells[:3] == ["Organisationsenheder", "3", "Overordnet enhed"]
    assert page.get_by_role("link", name="Hent regnearket med fejlene markeret").is_visible()
    assert page.get_by_role("button", name="Gennemfør import").count() == 0
    page.screenshot(path="/tmp/kitos-import-errors.png", full_page=True)
    assert not OrganisationUnit.objects.filter(organisation=organisation).exists()

    page.get_by_role("link", name="Indlæs det rettede regneark").click()
    upload(page, units_workbook(parent="Børn og Unge"))
    page.get_by_role("heading", name="Regnearket er i orden").wait_for()
    counts = page.locator("table.import-counts tbody tr").first.locator("td").all_inner_texts()
    assert counts[:2] == ["2", "0"]  # two to create, none to change
    page.screenshot(path="/tmp/kitos-import-preview.png", full_page=True)

    page.get_by_role("button", name="Gennemfør import").click()
    page.get_by_role("heading", name="Importen er gennemført").wait_for()
    assert OrganisationUnit.objects.get(name="Dagtilbud").parent.name == "Børn og Unge"
    page.screenshot(path="/tmp/kitos-import-committed.png", full_page=True)

    page.goto(f"{live_server.url}/import/")
    history = page.locator("table.data tbody tr")
    assert history.count() == 3
    assert "Importeret" in history.first.inner_text()


def test_progress_bar_turns_into_the_result(live_server, page):
    organisation = OrganisationFactory(name="Demo Kommune", slug="demo")
    user = UserFactory(username="chef")
    MembershipFactory(user=user, organisation=organisation, role="editor")
    content = units_workbook(parent="Børn og Unge")
    run = ImportRun.objects.create(
        organisation=organisation,
        created_by=user,
        filename="stor-fil.xlsx",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        status="running",
        progress_done=40_000,
        progress_total=100_000,
    )
    log_in(page, live_server, "chef")
    page.goto(f"{live_server.url}/import/{run.uuid}/")

    bar = page.locator("progress")
    assert bar.get_attribute("value") == "40000" and bar.get_attribute("max") == "100000"
    text = page.locator("#import-progress-bar").inner_text()
    assert "40.000 af 100.000 rækker behandlet (40 %)" in text
    page.screenshot(path="/tmp/kitos-import-progress.png", full_page=True)

    ImportRun.objects.filter(pk=run.pk).update(progress_done=90_000)
    page.get_by_text("90.000 af 100.000 rækker behandlet").wait_for()

    report = ImportReport()
    report.add_row(RowResult("Organisationsenheder", 2, "units", "Organisationsenheder",
                             "create", "Børn og Unge", [("Navn", "", "Børn og Unge")]))
    ImportRun.objects.filter(pk=run.pk).update(
        status="valid", progress_done=100_000, report=report.to_json(), counts=report.counts,
        message="Klar til import: 1 oprettes, 0 ændres, 0 uændret.",
    )
    page.get_by_role("heading", name="Regnearket er i orden").wait_for()
    assert page.locator("progress").count() == 0
    assert "Regnearket er i orden" in page.locator("#import-announce").inner_text()
    assert page.get_by_role("button", name="Gennemfør import").is_visible()
