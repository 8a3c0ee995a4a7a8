"""Import runs never hang (issue #14, 5): a killed worker, a broker that is down at
upload and a report the database refuses all end in a finished run the user can retry."""

from __future__ import annotations

import datetime
import time

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from contracts.models import Contract
from imports import services
from imports.models import ImportRun, ImportStatus
from imports.services import import_commit, import_execute, import_reap_stale, import_start
from kitos.celery import app
from kitos.excel.report import ImportReport, Issue
from tests.factories import UnitFactory
from tests.imports.test_import_services import (
    ROWS,
    run_now,  # noqa: F401 - the fixture
    start,
)
from tests.kitos.test_import_engine import workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(org):
    return UnitFactory(organisation=org, name="Børn og Unge")


def died_while_running(run: ImportRun, *, minutes_ago: int = 30) -> ImportRun:
    """What a kill -9 of the worker mid-commit leaves: claimed, its heartbeat stopped
    (the commit's transaction was rolled back by the database)."""
    stamp = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportStatus.RUNNING, started_at=stamp, heartbeat_at=stamp,
        progress_done=20, progress_total=100,
    )
    run.refresh_from_db()
    return run


def test_a_commit_whose_worker_died_is_failed_and_can_be_committed_again(
    org, editor, unit, run_now  # noqa: F811
):
    preview = start(run_now, org, editor, workbook({"Kontrakter": ROWS}))
    assert preview.status == ImportStatus.VALID
    # Queued but never run by this test: the worker "dies" after claiming it.
    commit = died_while_running(import_commit(actor=editor, run=preview))
    assert import_reap_stale() == 1
    commit.refresh_from_db()
    assert commit.status == ImportStatus.FAILED and commit.finished_at
    assert "afbrudt" in commit.message and "Intet er gemt" in commit.message
    assert not Contract.objects.exists()
    retry = run_now(import_commit, actor=editor, run=preview)
    assert retry.status == ImportStatus.COMMITTED
    assert Contract.objects.filter(organisation=org).count() == 2


def test_a_live_run_is_left_alone(org, editor, unit):
    run = import_start(actor=editor, organisation=org, filename="k.xlsx",
                       content=workbook({"Kontrakter": ROWS}))
    died_while_running(run, minutes_ago=1)
    assert import_reap_stale() == 0
    run.refresh_from_db()
    assert run.status == ImportStatus.RUNNING


def test_the_run_page_poll_reaps_its_own_run(client, org, editor, unit):
    run = import_start(actor=editor, organisation=org, filename="k.xlsx",
                       content=workbook({"Kontrakter": ROWS}))
    died_while_running(run)
    client.force_login(editor)
    response = client.get(reverse("import_run_status", args=[run.uuid]))
    assert response.status_code == 200
    assert "afbrudt" in response.content.decode()
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED


def test_the_beat_runs_the_reaper(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["reap-stale-imports"]
    assert entry["task"] == "imports.reap_stale_runs"
    assert "imports.reap_stale_runs" in app.tasks


def test_progress_stamps_the_heartbeat(org, editor, unit):
    run = import_start(actor=editor, organisation=org, filename="k.xlsx",
                       content=workbook({"Kontrakter": ROWS}))
    run = import_execute(run_id=run.pk)
    assert run.status == ImportStatus.VALID
    assert run.heartbeat_at is not None and run.heartbeat_at <= run.finished_at


def fresh_producer_pool():
    """Celery caches its connections to the broker: drop them so the next publish
    connects to the broker now configured."""
    app._pool = None
    app.amqp._producer_pool = None


def test_upload_while_the_broker_is_down_answers_clearly(
    client, org, editor, unit, django_capture_on_commit_callbacks, monkeypatch, settings
):
    """A real publish to a broker that does not answer (nothing listens on port 1)."""
    # Celery reads the Django settings lazily: keep what it sees now, before changing.
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.update(broker_url="redis://127.0.0.1:1/0", task_always_eager=False)
    fresh_producer_pool()
    client.force_login(editor)
    upload = workbook({"Kontrakter": ROWS})
    from django.core.files.uploadedfile import SimpleUploadedFile

    began = time.monotonic()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("import_start", args=[org.slug]),
                {"file": SimpleUploadedFile("k.xlsx", upload)},
            )
    finally:
        app.conf.update(**saved)
        fresh_producer_pool()
    assert time.monotonic() - began < 30
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.FAILED
    assert "baggrundstjenesten" in run.message
    page = client.get(response.url)
    assert "baggrundstjenesten" in page.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite stores NUL in JSON")
def test_a_report_the_database_refuses_is_stored_cleaned(org, editor, unit, monkeypatch):
    """A NUL character from a cell ends up in the report; PostgreSQL stores no NUL in
    JSON, and the run used to stay "running" for ever."""
    def report_with_nul(**kwargs):
        report = ImportReport()
        report.add_error(Issue(sheet="Ark\x001", row=2, column="Navn", column_index=0,
                               message="Forventede tekst, fandt »a\x00b«."))
        return report

    monkeypatch.setattr("kitos.excel.engine.run_import_file", report_with_nul)
    run = import_start(actor=editor, organisation=org, filename="k.xlsx",
                       content=workbook({"Kontrakter": ROWS}))
    run = import_execute(run_id=run.pk)
    assert run.status == ImportStatus.INVALID
    assert "\x00" not in str(run.report)
    assert "a\ufffdb" in str(run.report)


def test_an_outcome_that_cannot_be_stored_fails_the_run(org, editor, unit, monkeypatch):
    run = import_start(actor=editor, organisation=org, filename="k.xlsx",
                       content=workbook({"Kontrakter": ROWS}))
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING)
    fields = {"status": ImportStatus.VALID, "finished_at": timezone.now(),
              "counts": {"bad": object()}}
    services._finish(run.pk, fields)
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED and "kunne ikke gemmes" in run.message
