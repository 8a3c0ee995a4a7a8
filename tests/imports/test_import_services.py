"""Import runs (kitos.excel.services): who may start them, preview → commit once, the
data validated again at commit, execution safe to repeat, hostile files and unexpected
failures end in a status and a message with nothing written, and a run through a real
broker and worker."""

from __future__ import annotations

import io
import time
import zipfile

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from contracts.importers import ContractSpec
from contracts.models import Contract
from imports.models import ImportMode, ImportRun, ImportStatus
from imports.services import import_commit, import_execute, import_report, import_start
from kitos.models import AuditEntry
from roles.models import OrganisationUnit
from tests.factories import UnitFactory
from tests.kitos.test_celery import real_worker  # noqa: F401 - the fixture
from tests.kitos.test_import_engine import workbook

ROWS = [
    ["Navn", "Kontraktnummer", "Udløbsdato", "Ansvarlig enhed"],
    ["Aula-kontrakten", "K-1", "31-12-2027", "Børn og Unge"],
    ["Elevadministration", "K-2", "31.12.2028", "Børn og Unge"],
]


@pytest.fixture
def unit(org):
    return UnitFactory(organisation=org, name="Børn og Unge")


@pytest.fixture
def run_now(django_capture_on_commit_callbacks):
    """Call a service and run the task it queued (eager Celery) as the commit would."""

    def call(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            run = service(**kwargs)
        run.refresh_from_db()
        return run

    return call


def start(run_now, org, user, content, filename="kontrakter.xlsx"):
    return run_now(import_start, actor=user, organisation=org, filename=filename,
                   content=content)


@pytest.mark.django_db
def test_a_reader_may_not_start_an_import(org, reader):
    with pytest.raises(PermissionDenied):
        import_start(actor=reader, organisation=org, filename="k.xlsx",
                     content=workbook({"Kontrakter": ROWS}))
    assert not ImportRun.objects.exists()


@pytest.mark.django_db
def test_an_editor_of_another_organisation_may_not_start_an_import(org, outsider):
    with pytest.raises(PermissionDenied):
        import_start(actor=outsider, organisation=org, filename="k.xlsx",
                     content=workbook({"Kontrakter": ROWS}))


@pytest.mark.django_db
def test_a_valid_preview_counts_and_writes_nothing(org, editor, unit, run_now):
    content = workbook({"Kontrakter": ROWS})
    run = start(run_now, org, editor, content)
    assert (run.mode, run.status) == (ImportMode.PREVIEW, ImportStatus.VALID)
    assert run.created_by == editor and run.size == len(content) and len(run.sha256) == 64
    assert run.counts["create"] == 2 and run.counts["error"] == 0
    assert run.progress_done == run.progress_total == 2
    assert run.started_at and run.finished_at
    assert "2 oprettes" in run.message
    report = import_report(run)
    assert report.ok and [row.label for row in report.rows] == [
        "Aula-kontrakten", "Elevadministration"]
    assert not Contract.objects.filter(organisation=org).exists()
    assert not AuditEntry.objects.filter(source="import").exists()


@pytest.mark.django_db
def test_an_invalid_preview_has_the_errors_in_its_report(org, editor, unit, run_now):
    rows = [list(row) for row in ROWS]
    rows[2][2] = "32-12-2028"
    run = start(run_now, org, editor, workbook({"Kontrakter": rows}))
    assert run.status == ImportStatus.INVALID
    assert run.counts["error"] == 1 and "1 fejl" in run.message
    [error] = import_report(run).errors
    assert (error.sheet, error.row, error.column) == ("Kontrakter", 3, "Udløbsdato")
    with pytest.raises(ValidationError):
        import_commit(actor=editor, run=run)
    # The worker marked the errors in a copy of the file, ready for the download.
    marked = openpyxl.load_workbook(io.BytesIO(bytes(run.marked_content)))
    assert "32-12-2028" in marked["Fejl"]["D2"].value
    assert marked["Kontrakter"]["C3"].comment.author == "kitos"


def test_a_valid_preview_keeps_no_marked_copy(org, editor, unit, run_now):
    run = start(run_now, org, editor, workbook({"Kontrakter": ROWS}))
    assert run.status == ImportStatus.VALID and bytes(run.marked_content) == b""


def with_macro(content: bytes) -> bytes:
    """The workbook with a VBA project added: a macro file in .xlsx clothing."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"\x00" * 64)
    return buffer.getvalue()


@pytest.mark.django_db
def test_a_hostile_file_is_rejected_with_a_danish_message(org, editor, unit, run_now):
    run = start(run_now, org, editor, with_macro(workbook({"Kontrakter": ROWS})))
    assert run.status == ImportStatus.REJECTED
    assert "makroer" in run.message
    assert run.report == {} and run.counts == {}
    assert not Contract.objects.exists()
    assert not AuditEntry.objects.filter(source="import").exists()


@pytest.mark.django_db
def test_not_a_workbook_is_rejected(org, editor, run_now):
    run = start(run_now, org, editor, b"Navn;Kontraktnummer\nAula;K-1\n", "kontrakter.csv")
    assert run.status == ImportStatus.REJECTED
    assert "CSV" in run.message


@pytest.mark.django_db
def test_commit_writes_once_per_preview(org, editor, unit, run_now):
    preview = start(run_now, org, editor, workbook({"Kontrakter": ROWS}))
    commit = run_now(import_commit, actor=editor, run=preview)
    assert (commit.mode, commit.status, commit.preview_run) == (
        ImportMode.COMMIT, ImportStatus.COMMITTED, preview)
    assert commit.counts["create"] == 2 and "2 oprettet" in commit.message
    assert Contract.objects.filter(organisation=org).count() == 2
    assert AuditEntry.objects.filter(group_id=commit.uuid, source="import").count() == 2
    with pytest.raises(ValidationError, match="allerede"):
        import_commit(actor=editor, run=preview)
    with pytest.raises(ValidationError):
        import_commit(actor=editor, run=commit)
    assert ImportRun.objects.filter(mode=ImportMode.COMMIT).count() == 1


@pytest.mark.django_db
def test_a_reader_may_not_commit(org, editor, reader, unit, run_now):
    preview = start(run_now, org, editor, workbook({"Kontrakter": ROWS}))
    with pytest.raises(PermissionDenied):
        import_commit(actor=reader, run=preview)
    assert not Contract.objects.exists()


@pytest.mark.django_db
def test_commit_validates_again_when_the_data_changed(org, editor, unit, run_now):
    preview = start(run_now, org, editor, workbook({"Kontrakter": ROWS}))
    assert preview.status == ImportStatus.VALID
    OrganisationUnit.objects.filter(pk=unit.pk).delete()  # meanwhile, in another tab
    commit = run_now(import_commit, actor=editor, run=preview)
    assert commit.status == ImportStatus.INVALID
    assert {e.column for e in import_report(commit).errors} == {"Ansvarlig enhed"}
    assert not Contract.objects.exists()


@pytest.mark.django_db
def test_the_commit_is_made_by_whoever_commits(org, editor, admin_user, unit, run_now):
    preview = start(run_now, org, editor, workbook({"Kontrakter": ROWS}))
    commit = run_now(import_commit, actor=admin_user, run=preview)
    assert commit.status == ImportStatus.COMMITTED and commit.created_by == admin_user
    assert set(AuditEntry.objects.filter(group_id=commit.uuid).values_list(
        "actor", flat=True)) == {admin_user.pk}


@pytest.mark.django_db
def test_execute_is_idempotent(org, editor, unit):
    # Without the on-commit callbacks the task is never queued: execute by hand.
    run = import_start(actor=editor, organisation=org, filename="k.xlsx",
                       content=workbook({"Kontrakter": ROWS}))
    assert run.status == ImportStatus.QUEUED
    first = import_execute(run_id=run.pk)
    assert first.status == ImportStatus.VALID
    finished = first.finished_at
    assert import_execute(run_id=run.pk) is None
    run.refresh_from_db()
    assert (run.status, run.finished_at) == (ImportStatus.VALID, finished)


@pytest.mark.django_db
def test_a_failure_inside_the_commit_writes_nothing(org, editor, unit, run_now, monkeypatch):
    preview = start(run_now, org, editor, workbook({"Kontrakter": ROWS}))

    def broken(self, state, context):
        raise RuntimeError("the coverage table is gone")

    # Fails after the contracts were inserted, before their links and audit entries.
    monkeypatch.setattr(ContractSpec, "write_links", broken)
    commit = run_now(import_commit, actor=editor, run=preview)
    assert commit.status == ImportStatus.FAILED
    assert "Intet er gemt" in commit.message and "coverage" not in commit.message
    assert not Contract.objects.exists()
    assert not AuditEntry.objects.filter(source="import").exists()
    # A failed commit may be tried again.
    monkeypatch.undo()
    retry = run_now(import_commit, actor=editor, run=preview)
    assert retry.status == ImportStatus.COMMITTED
    assert Contract.objects.filter(organisation=org).count() == 2


@pytest.mark.django_db
def test_a_run_whose_user_lost_access_fails_with_a_message(org, editor, unit):
    run = import_start(actor=editor, organisation=org, filename="k.xlsx",
                       content=workbook({"Kontrakter": ROWS}))
    editor.memberships.all().delete()
    run = import_execute(run_id=run.pk)
    assert run.status == ImportStatus.FAILED
    assert "rettigheder" in run.message


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("real_worker")
def test_an_import_runs_on_a_real_worker(org, editor):
    """import_start queues the run through Redis; a worker previews it, the commit
    goes the same way."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the worker thread needs a database it can share (PostgreSQL)")
    UnitFactory(organisation=org, name="Børn og Unge")
    preview = import_start(actor=editor, organisation=org, filename="k.xlsx",
                           content=workbook({"Kontrakter": ROWS}))
    preview = _wait_until_finished(preview)
    assert preview.status == ImportStatus.VALID, preview.message
    commit = _wait_until_finished(import_commit(actor=editor, run=preview))
    assert commit.status == ImportStatus.COMMITTED, commit.message
    assert Contract.objects.filter(organisation=org).count() == 2


def _wait_until_finished(run: ImportRun, timeout: float = 30) -> ImportRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.is_finished:
            return run
        time.sleep(0.2)
    raise AssertionError(f"run {run.pk} still {run.status} after {timeout} s")

