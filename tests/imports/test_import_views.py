"""The import pages (kitos/import_views.py): upload, the run page with its progress poll
and report, commit, the marked workbook and the templates."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from imports.models import ImportRun
from kitos.excel.report import ImportReport, Issue, RowResult
from roles.models import OrganisationUnit
from tests.factories import UserFactory
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def start_url(organisation):
    return reverse("import_start", args=[organisation.slug])


def run_url(run, name="import_run_detail"):
    return reverse(name, args=[run.uuid])


def workbook_bytes(rows, title="Leverandører") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name="leverandoerer.xlsx"):
    return SimpleUploadedFile(name, content, content_type=XLSX)


def report_json(*, rows=0, errors=0, warnings=0) -> dict:
    """A stored report with `rows` rows to create and `errors` errors on the first sheet."""
    report = ImportReport()
    for number in range(rows):
        report.add_row(
            RowResult(
                sheet="Leverandører",
                row=number + 2,
                entity="suppliers",
                entity_label="Leverandører",
                action="create",
                label=f"Leverandør {number}",
                changes=[("Navn", "", f"Leverandør {number}")],
            )
        )
    for number in range(errors):
        report.add_error(
            Issue("Leverandører", number + 2, "CVR", 1, f"CVR-nummeret er ugyldigt ({number}).")
        )
        report.add_row(
            RowResult("Leverandører", number + 2, "suppliers", "Leverandører", "error", "", [],
                      ["CVR-nummeret er ugyldigt."])
        )
    for number in range(warnings):
        report.add_warning(Issue("Leverandører", None, f"Ukendt {number}", None,
                                 "Kolonnen kendes ikke og bliver ikke brugt."))
    return report.to_json()


def make_run(organisation, user, *, status="valid", content=b"PK\x03\x04", mode="preview",
             report=None, **fields) -> ImportRun:
    report = report if report is not None else report_json(rows=3)
    return ImportRun.objects.create(
        organisation=organisation,
        created_by=user,
        filename="leverandoerer.xlsx",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        mode=mode,
        status=status,
        report=report,
        counts=report.get("counts", {}),
        **fields,
    )


# -- start page -----------------------------------------------------------------------


class TestStartPage:
    def test_anonymous_is_sent_to_login(self, client, org):
        for response in (client.get(start_url(org)), client.post(start_url(org))):
            assert response.status_code == 302
            assert response.url.startswith(reverse("login"))

    def test_other_organisation_is_404(self, client, org, outsider):
        client.force_login(outsider)
        assert client.get(start_url(org)).status_code == 404
        response = client.post(start_url(org), {"file": upload(workbook_bytes([["Navn"]]))})
        assert response.status_code == 404
        assert not ImportRun.objects.exists()

    def test_reader_is_forbidden(self, client, org, reader):
        client.force_login(reader)
        assert client.get(start_url(org)).status_code == 403
        response = client.post(start_url(org), {"file": upload(workbook_bytes([["Navn"]]))})
        assert response.status_code == 403
        assert not ImportRun.objects.exists()

    def test_editor_sees_form_templates_and_own_runs(self, client, org, other_org, editor):
        mine = make_run(org, editor)
        theirs = make_run(other_org, None)
        client.force_login(editor)
        response = client.get(start_url(org))
        html = response.content.decode()
        assert 'type="file"' in html and 'accept=".xlsx' in html
        assert reverse("import_template") in html
        assert reverse("import_template_entity", args=["suppliers"]) in html
        assert run_url(mine) in html and mine.sha256[:12] in html
        assert run_url(theirs) not in html
        assert "3 nye, 0 ændrede, 0 uændrede, 0 fejl" in html

    def test_import_home_goes_to_the_active_organisation(self, client, org, editor):
        client.force_login(editor)
        response = client.get(reverse("import_home"))
        assert response.status_code == 302
        assert response.url == start_url(org)

    def test_run_list_query_count_does_not_grow(self, client, org, editor):
        client.force_login(editor)
        for _ in range(5):
            make_run(org, editor)
        few = count_queries(client, start_url(org))
        for _ in range(45):
            make_run(org, UserFactory())
        assert count_queries(client, start_url(org)) == few


class TestUploadErrors:
    """Bad uploads get a form error and write nothing."""

    def post(self, client, org, editor, data):
        client.force_login(editor)
        response = client.post(start_url(org), data)
        assert response.status_code == 400
        assert not ImportRun.objects.exists()
        return response.content.decode()

    def test_no_file(self, client, org, editor):
        assert "Vælg et regneark at indlæse." in self.post(client, org, editor, {})

    def test_wrong_type(self, client, org, editor):
        html = self.post(client, org, editor, {"file": upload(b"Navn;CVR\n", "data.csv")})
        assert "Filen skal være et Excel-regneark i formatet .xlsx" in html

    def test_too_big(self, client, org, editor, settings):
        settings.KITOS_IMPORT_MAX_BYTES = 10_000
        html = self.post(client, org, editor, {"file": upload(b"x" * 70_000)})
        assert "Filen er for stor" in html

    def test_upload_still_needs_the_csrf_token(self, org, editor):
        """The view adds its upload handler before the CSRF check reads the body; the
        check itself must still happen."""
        client = Client(enforce_csrf_checks=True)
        client.force_login(editor)
        response = client.post(start_url(org), {"file": upload(workbook_bytes([["Navn"]]))})
        assert response.status_code == 403
        assert not ImportRun.objects.exists()

    def test_too_big_file_is_not_kept_whole(self, rf, org, editor):
        """The upload handler stops keeping the file at the limit."""
        from django.core.files.uploadhandler import SkipFile

        from imports.views import SizeLimitedUploadHandler

        request = rf.post("/")
        handler = SizeLimitedUploadHandler(request, 100)
        assert handler.receive_data_chunk(b"x" * 60, 0) == b"x" * 60
        with pytest.raises(SkipFile):
            handler.receive_data_chunk(b"x" * 60, 60)
        assert request.import_upload_too_big


# -- the run page ---------------------------------------------------------------------


class TestRunPage:
    def test_anonymous_is_sent_to_login(self, client, org, editor):
        run = make_run(org, editor)
        for name in ("import_run_detail", "import_run_status", "import_run_marked"):
            response = client.get(run_url(run, name))
            assert response.status_code == 302
            assert response.url.startswith(reverse("login"))
        response = client.post(run_url(run, "import_run_commit"))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))

    def test_other_organisation_is_404(self, client, org, editor, outsider):
        run = make_run(org, editor, status="invalid", report=report_json(errors=1))
        client.force_login(outsider)
        for name in ("import_run_detail", "import_run_status", "import_run_marked"):
            assert client.get(run_url(run, name)).status_code == 404
        assert client.post(run_url(run, "import_run_commit")).status_code == 404
        assert not run.commit_runs.exists()

    def test_reader_sees_the_report_without_controls(self, client, org, editor, reader):
        run = make_run(org, editor)
        client.force_login(reader)
        html = client.get(run_url(run)).content.decode()
        assert "Leverandør 1" in html
        assert "Gennemfør import" not in html
        assert start_url(org) not in html
        assert client.post(run_url(run, "import_run_commit")).status_code == 403
        assert not run.commit_runs.exists()

    def test_valid_preview_shows_counts_changes_and_commit_button(self, client, org, editor):
        run = make_run(org, editor, report=report_json(rows=2, warnings=1),
                       message="Klar til import: 2 oprettes, 0 ændres, 0 uændret.")
        client.force_login(editor)
        response = client.get(run_url(run))
        html = response.content.decode()
        assert response.context["entity_counts"][0][1]["create"] == 2
        # Only the filters that would show something are offered.
        assert [key for key, _label in response.context["action_filters"]] == ["", "create"]
        assert "Klar til import: 2 oprettes" in html
        assert "Gennemfør import" in html and run_url(run, "import_run_commit") in html
        assert "Leverandør 1" in html and "Oprettes" in html
        assert "Kolonnen kendes ikke" in html and "Ukendt 0" in html
        assert "<progress" not in html

    def test_preview_that_changes_nothing_offers_no_import(self, client, org, editor):
        report = ImportReport()
        report.add_row(RowResult("Leverandører", 2, "suppliers", "Leverandører", "unchanged", "A"))
        run = make_run(org, editor, report=report.to_json())
        client.force_login(editor)
        html = client.get(run_url(run)).content.decode()
        assert "Regnearket ændrer ingenting" in html
        assert "Gennemfør import" not in html

    def test_invalid_preview_lists_every_error_and_links_the_marked_workbook(
        self, client, org, editor
    ):
        run = make_run(org, editor, status="invalid", report=report_json(errors=250))
        client.force_login(editor)
        response = client.get(run_url(run))
        html = response.content.decode()
        assert "250 fejl" in html
        assert len(response.context["errors_page"]) == 200
        assert "CVR-nummeret er ugyldigt (0)." in html
        assert run_url(run, "import_run_marked") in html
        assert "Hent regnearket med fejlene markeret" in html
        assert "Gennemfør import" not in html
        second = client.get(run_url(run), {"fejlside": 2})
        assert len(second.context["errors_page"]) == 50
        assert "CVR-nummeret er ugyldigt (249)." in second.content.decode()

    def test_rows_can_be_filtered_by_action_and_are_paged(self, client, org, editor):
        report = report_json(rows=150, errors=3)
        run = make_run(org, editor, status="invalid", report=report)
        client.force_login(editor)
        assert len(client.get(run_url(run)).context["rows_page"]) == 100
        only_errors = client.get(run_url(run), {"handling": "error"}).context["rows_page"]
        assert [row.action for row in only_errors] == ["error"] * 3
        unknown_filter_second_page = client.get(run_url(run), {"handling": "x", "side": "2"})
        assert len(unknown_filter_second_page.context["rows_page"]) == 53

    def test_query_count_does_not_depend_on_the_report_size(self, client, org, editor):
        small = make_run(org, editor, status="invalid", report=report_json(rows=2, errors=2))
        large = make_run(org, editor, status="invalid",
                         report=report_json(rows=1500, errors=500, warnings=20))
        client.force_login(editor)
        assert count_queries(client, run_url(small)) == count_queries(client, run_url(large))

    def test_rejected_file_shows_the_message(self, client, org, editor):
        run = make_run(org, editor, status="rejected", report={},
                       message="Filen er et gammelt Excel-format (.xls).")
        client.force_login(editor)
        html = client.get(run_url(run)).content.decode()
        assert "Regnearket blev afvist" in html
        assert "Filen er et gammelt Excel-format (.xls)." in html
        assert client.get(run_url(run, "import_run_marked")).status_code == 404


class TestProgress:
    def test_running_run_shows_an_accessible_progress_bar(self, client, org, editor):
        run = make_run(org, editor, status="running", report={}, progress_done=250,
                       progress_total=1000)
        client.force_login(editor)
        html = client.get(run_url(run)).content.decode()
        assert '<progress aria-labelledby="progress-heading" max="1000" value="250">' in html
        assert "250 af 1.000 rækker behandlet" in html
        assert 'aria-live="polite"' in html
        assert f'hx-get="{run_url(run, "import_run_status")}"' in html

    def test_poll_updates_the_bar_until_done_then_swaps_in_the_result(
        self, client, org, editor
    ):
        run = make_run(org, editor, status="queued", report={})
        client.force_login(editor)
        response = client.get(run_url(run, "import_run_status"), HTTP_HX_REQUEST="true")
        assert 'hx-swap-oob="innerHTML"' in response.content.decode()
        assert "HX-Retarget" not in response
        ImportRun.objects.filter(pk=run.pk).update(
            status="valid", report=report_json(rows=2), counts={"create": 2}
        )
        response = client.get(run_url(run, "import_run_status"), HTTP_HX_REQUEST="true")
        html = response.content.decode()
        assert response["HX-Retarget"] == "#import-run-body"
        assert "Regnearket er i orden" in html and "Gennemfør import" in html
        assert 'id="import-announce"' in html


class TestCommit:
    def test_commit_starts_a_commit_run_once(self, client, org, editor, monkeypatch):
        monkeypatch.setattr("imports.services._enqueue", lambda run: None)
        run = make_run(org, editor)
        client.force_login(editor)
        response = client.post(run_url(run, "import_run_commit"))
        commit = run.commit_runs.get()
        assert response.url == run_url(commit)
        assert commit.mode == "commit" and commit.created_by == editor
        # A second press (or a second tab) does not import the file twice.
        response = client.post(run_url(run, "import_run_commit"))
        assert response.url == run_url(commit)
        assert run.commit_runs.count() == 1
        html = client.get(run_url(run)).content.decode()
        assert "Gennemfør import" not in html and run_url(commit) in html

    def test_invalid_run_cannot_be_committed(self, client, org, editor):
        run = make_run(org, editor, status="invalid", report=report_json(errors=1))
        client.force_login(editor)
        response = client.post(run_url(run, "import_run_commit"), follow=True)
        assert "Kun et gennemsyn uden fejl kan importeres." in response.content.decode()
        assert not run.commit_runs.exists()

    def test_committed_run_links_its_preview_and_the_log_for_staff(
        self, client, org, editor, superuser
    ):
        preview = make_run(org, editor)
        commit = make_run(org, editor, status="committed", mode="commit", preview_run=preview)
        client.force_login(superuser)
        html = client.get(run_url(commit)).content.decode()
        assert "Importen er gennemført" in html
        assert run_url(preview) in html
        assert f"?group_id={commit.uuid}" in html


# -- files ----------------------------------------------------------------------------


class TestMarkedWorkbook:
    def test_is_the_upload_with_a_comment_on_the_cell_in_error(self, client, org, editor,
                                                               reader):
        content = workbook_bytes([["Navn", "CVR"], ["Firma A/S", "123"]])
        report = ImportReport()
        report.add_error(Issue("Leverandører", 2, "CVR", 1, "CVR-nummeret skal have 8 cifre."))
        run = make_run(org, editor, status="invalid", content=content, report=report.to_json())
        client.force_login(reader)  # reading the report includes reading its workbook
        response = client.get(run_url(run, "import_run_marked"))
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX
        assert "leverandoerer-fejl.xlsx" in response["Content-Disposition"]
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)
                                         if response.streaming else response.content))
        cell = sheet["Leverandører"]["B2"]
        assert cell.value == "123"
        assert "CVR-nummeret skal have 8 cifre." in cell.comment.text

    def test_the_copy_the_worker_made_is_served_as_it_is(self, client, org, editor):
        report = ImportReport()
        report.add_error(Issue("Leverandører", 2, "CVR", 1, "CVR-nummeret skal have 8 cifre."))
        stored = workbook_bytes([["Allerede markeret"]])
        run = make_run(org, editor, status="invalid", report=report.to_json(),
                       marked_content=stored)
        client.force_login(editor)
        response = client.get(run_url(run, "import_run_marked"))
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert body == stored


class TestTemplates:
    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(reverse("import_template"))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))

    def test_any_member_downloads_all_or_one(self, client, reader):
        client.force_login(reader)
        response = client.get(reverse("import_template"))
        assert response["Content-Type"] == XLSX
        assert len(load_workbook(io.BytesIO(response.content)).sheetnames) > 1
        response = client.get(reverse("import_template_entity", args=["suppliers"]))
        assert response["Content-Type"] == XLSX
        sheets = load_workbook(io.BytesIO(response.content)).sheetnames
        assert sheets[0] == "Leverandører" and "Kontrakter" not in sheets

    def test_unknown_entity_is_404(self, client, reader):
        client.force_login(reader)
        assert client.get(reverse("import_template_entity", args=["nope"])).status_code == 404


# -- through the engine -----------------------------------------------------------------

UNIT_HEADERS = ["Navn", "Overordnet enhed", "EAN-nummer"]


def zip_bomb() -> bytes:
    """A small upload that unpacks to far more than it is (compression ratio ~1000)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (20 * 1024 * 1024))
    return buffer.getvalue()


class TestUploadThroughTheEngine:
    """Real uploads: the preview task runs eagerly once the upload's transaction commits."""

    def upload(self, client, org, content, capture, name="enheder.xlsx"):
        with capture(execute=True):
            response = client.post(start_url(org), {"file": upload(content, name)})
        assert response.status_code == 302
        run = ImportRun.objects.latest("created_at")
        assert response.url == run_url(run)
        return run, client.get(response.url)

    def test_good_file_previews_then_commits(
        self, client, org, editor, django_capture_on_commit_callbacks
    ):
        client.force_login(editor)
        content = workbook_bytes(
            [UNIT_HEADERS, ["Børn og Unge", "", ""], ["Dagtilbud", "Børn og Unge", ""]],
            title="Organisationsenheder",
        )
        run, response = self.upload(client, org, content, django_capture_on_commit_callbacks)
        assert run.status == "valid"
        assert ("Organisationsenheder", {"create": 2, "update": 0, "unchanged": 0, "error": 0}) \
            in [(str(label), counts) for label, counts in response.context["entity_counts"]]
        assert "Gennemfør import" in response.content.decode()
        assert not OrganisationUnit.objects.filter(organisation=org).exists()

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(run_url(run, "import_run_commit"))
        commit = run.commit_runs.get()
        assert response.url == run_url(commit)
        commit.refresh_from_db()
        assert commit.status == "committed"
        assert set(OrganisationUnit.objects.filter(organisation=org).values_list(
            "name", flat=True)) == {"Børn og Unge", "Dagtilbud"}
        assert "Importen er gennemført" in client.get(run_url(commit)).content.decode()

    def test_bad_file_shows_each_error_with_sheet_row_and_column(
        self, client, org, editor, django_capture_on_commit_callbacks
    ):
        client.force_login(editor)
        content = workbook_bytes(
            [UNIT_HEADERS, ["Børn og Unge", "", ""], ["Dagtilbud", "Findes ikke", ""]],
            title="Organisationsenheder",
        )
        run, response = self.upload(client, org, content, django_capture_on_commit_callbacks)
        assert run.status == "invalid"
        errors = list(response.context["errors_page"])
        assert [(e.sheet, e.row, e.column) for e in errors] == [
            ("Organisationsenheder", 3, "Overordnet enhed")
        ]
        html = response.content.decode()
        assert "Regnearket har fejl" in html and "Overordnet enhed" in html
        assert "Gennemfør import" not in html
        marked = client.get(run_url(run, "import_run_marked"))
        cell = load_workbook(io.BytesIO(marked.content))["Organisationsenheder"]["B3"]
        assert cell.comment is not None and errors[0].message in cell.comment.text
        assert not OrganisationUnit.objects.filter(organisation=org).exists()

    @pytest.mark.parametrize(
        "content",
        [b"Navn;CVR\nKMD A/S;26911745\n", zip_bomb()],
        ids=["csv-renamed", "zip-bomb"],
    )
    def test_hostile_file_is_rejected_with_a_message(
        self, client, org, editor, django_capture_on_commit_callbacks, content
    ):
        client.force_login(editor)
        run, response = self.upload(client, org, content, django_capture_on_commit_callbacks)
        assert run.status == "rejected" and run.message
        assert run.report == {} and run.counts == {}
        html = response.content.decode()
        assert "Regnearket blev afvist" in html and run.message in html
        assert client.get(run_url(run, "import_run_marked")).status_code == 404
        assert ImportRun.objects.count() == 1
        assert not OrganisationUnit.objects.filter(organisation=org).exists()



def test_the_menu_offers_import_to_editors_only(client, editor, reader):
    from django.urls import reverse

    client.force_login(reader)
    assert reverse("import_home") not in client.get(reverse("contract_list")).content.decode()
    client.force_login(editor)
    assert reverse("import_home") in client.get(reverse("contract_list")).content.decode()
