"""Starting, committing and running workbook imports.

An upload becomes an ImportRun in preview mode (a dry run: nothing is written). A valid
preview can be committed, which creates a second run with the same bytes that validates
everything again (the data may have changed meanwhile) and writes all-or-nothing. Runs
are executed by the ``kitos.run_import`` Celery task (eagerly when there is no Redis) or
synchronously by the ``import_workbook`` command; both end in ``import_execute``.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from imports.models import ImportMode, ImportRun, ImportStatus
from kitos.excel.report import ImportReport
from kitos.tenancy import EDITOR, has_role

logger = logging.getLogger(__name__)

# Progress is written at most this often (rows), so a 100,000-row file costs ~100 updates.
PROGRESS_EVERY = 1000


def _check_may_import(actor, organisation) -> None:
    if not has_role(actor, organisation.pk, at_least=EDITOR):
        raise PermissionDenied(_("Du har ikke rettigheder til at importere i denne organisation."))


def _enqueue(run: ImportRun) -> None:
    """Queue the run once the transaction that created it commits.

    A broker that is down must not turn the upload into a 500 with an orphan "queued"
    run: the run is failed at once with a message saying to try again (nothing was
    imported), and the page shows it.
    """
    run_id = run.pk

    def publish():
        from imports.tasks import run_import

        try:
            run_import.delay(run_id)
        except Exception:  # noqa: BLE001 - broker down, timeout, refused connection
            if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
                raise  # eager: the task itself failed, and import_execute handled it
            logger.exception("Import run %s could not be queued", run_id)
            ImportRun.objects.filter(pk=run_id, status=ImportStatus.QUEUED).update(
                status=ImportStatus.FAILED, finished_at=timezone.now(),
                message=_not_queued_message(),
            )

    transaction.on_commit(publish)


def _not_queued_message() -> str:
    return _(
        "Importen kunne ikke sættes i gang, fordi baggrundstjenesten ikke svarer lige nu. "
        "Intet er gemt. Prøv igen om lidt."
    )


def _stale_message() -> str:
    return _(
        "Importen blev afbrudt, fordi den proces, der kørte den, stoppede. Intet er gemt. "
        "Prøv igen."
    )


@transaction.atomic
def import_start(*, actor, organisation, filename: str, content: bytes) -> ImportRun:
    """Record an uploaded workbook and queue its preview (dry run)."""
    _check_may_import(actor, organisation)
    run = ImportRun.objects.create(
        organisation=organisation,
        created_by=actor if getattr(actor, "pk", None) else None,
        filename=(filename or "import.xlsx")[:255],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        mode=ImportMode.PREVIEW,
    )
    _enqueue(run)
    return run


@transaction.atomic
def import_commit(*, actor, run: ImportRun) -> ImportRun:
    """Queue the real import of a preview that found no errors."""
    _check_may_import(actor, run.organisation)
    # The lock makes two commits of one preview (a double click, two tabs) queue up here.
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if run.mode != ImportMode.PREVIEW or run.status != ImportStatus.VALID:
        raise ValidationError(_("Kun et gennemsyn uden fejl kan importeres."))
    # A preview is imported once; a commit that failed or was rejected may be retried.
    if run.commit_runs.exclude(status__in=(ImportStatus.FAILED, ImportStatus.REJECTED)).exists():
        raise ValidationError(_("Dette gennemsyn er allerede sendt til import."))
    commit_run = ImportRun.objects.create(
        organisation=run.organisation,
        created_by=actor if getattr(actor, "pk", None) else None,
        filename=run.filename,
        size=run.size,
        sha256=run.sha256,
        content=bytes(run.content),
        mode=ImportMode.COMMIT,
        preview_run=run,
    )
    _enqueue(commit_run)
    return commit_run


def import_report(run: ImportRun) -> ImportReport:
    return ImportReport.from_json(run.report)


def _claim(run_id: int) -> bool:
    """Move a queued run to running; False when another execution got there first."""
    now = timezone.now()
    return bool(
        ImportRun.objects.filter(pk=run_id, status=ImportStatus.QUEUED).update(
            status=ImportStatus.RUNNING, started_at=now, heartbeat_at=now
        )
    )


def import_reap_stale(*, now=None, run_id: int | None = None) -> int:
    """Fail the runs whose process died: running without a heartbeat for
    ``KITOS_IMPORT_STALE_SECONDS``. A commit writes all-or-nothing in one transaction, so
    a killed worker left nothing behind; the preview can be committed again (a failed
    commit does not count as sent) and a preview can be uploaded again. Returns how many
    runs were failed. Called by the beat every few minutes and by the run's page."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.KITOS_IMPORT_STALE_SECONDS)
    reaped = ImportRun.objects.filter(status=ImportStatus.RUNNING, heartbeat_at__lt=cutoff)
    if run_id is not None:
        reaped = reaped.filter(pk=run_id)
    count = reaped.update(status=ImportStatus.FAILED, finished_at=now, message=_stale_message())
    if count:
        logger.warning("Failed %s import run(s) whose worker stopped", count)
    return count


class _Heartbeat:
    """Stamps ``heartbeat_at`` every ``KITOS_IMPORT_HEARTBEAT_SECONDS`` on a thread (and
    connection) of its own, so it is seen while the commit's transaction is open."""

    def __init__(self, run_id: int):
        self.run_id = run_id
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name="kitos-import-heartbeat",
                                       daemon=True)

    def __enter__(self):
        # SQLite (the laptop default, eager tasks) has one writer at a time: a second
        # connection would only wait for the import's own lock.
        if connections["default"].vendor != "sqlite":
            self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        if self.thread.is_alive():
            self.thread.join()

    def _beat(self):
        try:
            while not self.stopped.wait(settings.KITOS_IMPORT_HEARTBEAT_SECONDS):
                try:
                    ImportRun.objects.filter(
                        pk=self.run_id, status=ImportStatus.RUNNING
                    ).update(heartbeat_at=timezone.now())
                except DatabaseError:
                    logger.exception("Import run %s: heartbeat not recorded", self.run_id)
        finally:
            connections.close_all()


def _summary(report: ImportReport, *, commit: bool) -> str:
    counts = report.counts
    if not report.ok:
        return _("Filen indeholder %(n)s fejl. Intet er gemt.") % {"n": report.error_count}
    numbers = {
        "create": counts["create"],
        "update": counts["update"],
        "unchanged": counts["unchanged"],
    }
    if commit:
        return _(
            "Importeret: %(create)s oprettet, %(update)s ændret, %(unchanged)s uændret."
        ) % numbers
    return _(
        "Klar til import: %(create)s oprettes, %(update)s ændres, %(unchanged)s uændret."
    ) % numbers


def import_execute(*, run_id: int, actor=None) -> ImportRun | None:
    """Run a queued import (preview or commit). Safe to call twice: a run that is not
    queued any more is left alone (None). `actor` defaults to the user who started it."""
    from kitos.excel.engine import run_import_file
    from kitos.excel.safety import WorkbookRejected

    if not _claim(run_id):
        return None
    run = ImportRun.objects.select_related("organisation", "created_by").get(pk=run_id)
    actor = actor or run.created_by
    commit = run.mode == ImportMode.COMMIT

    def progress(done: int, total: int) -> None:
        ImportRun.objects.filter(pk=run.pk).update(
            progress_done=done, progress_total=total, heartbeat_at=timezone.now()
        )

    fields = {"finished_at": None}
    try:
        if actor is None:
            raise PermissionDenied(_("Brugeren der startede importen findes ikke længere."))
        _check_may_import(actor, run.organisation)
        with _Heartbeat(run.pk):
            report = run_import_file(
                actor=actor,
                organisation=run.organisation,
                content=bytes(run.content),
                filename=run.filename,
                commit=commit,
                import_id=run.uuid,
                progress=progress,
            )
    except WorkbookRejected as rejected:
        fields.update(status=ImportStatus.REJECTED, message=str(rejected.message))
    except PermissionDenied as denied:
        fields.update(status=ImportStatus.FAILED, message=str(denied))
    except Exception:
        logger.exception("Import run %s failed", run.pk)
        fields.update(
            status=ImportStatus.FAILED,
            message=_("Importen fejlede uventet. Intet er gemt. Prøv igen, eller kontakt "
                      "en administrator."),
        )
    else:
        if report.ok:
            status = ImportStatus.COMMITTED if commit else ImportStatus.VALID
        else:
            status = ImportStatus.INVALID
        fields.update(
            status=status,
            message=_summary(report, commit=commit),
            report=report.to_json(),
            counts=report.counts,
        )
    fields["finished_at"] = timezone.now()
    _finish(run.pk, fields)
    if fields.get("status") == ImportStatus.INVALID:
        # After the report is out: the page shows the errors while this runs.
        _store_marked_workbook(run.pk, report)
    run.refresh_from_db()
    return run


def _finish(run_id: int, fields: dict) -> None:
    """Store the outcome. A report the database cannot store (text PostgreSQL refuses,
    such as a NUL character from a cell) is stored cleaned; if even that fails, the run
    is failed with a message, never left "running"."""
    try:
        with transaction.atomic():
            ImportRun.objects.filter(pk=run_id).update(**fields)
        return
    except (DatabaseError, ValueError, TypeError):
        logger.exception("Import run %s: the outcome could not be stored as is", run_id)
    try:
        with transaction.atomic():
            ImportRun.objects.filter(pk=run_id).update(**_without_nul(fields))
        return
    except (DatabaseError, ValueError, TypeError):
        logger.exception("Import run %s: the cleaned outcome could not be stored", run_id)
    ImportRun.objects.filter(pk=run_id).update(
        status=ImportStatus.FAILED, finished_at=fields["finished_at"], report={}, counts={},
        message=_("Importens resultat kunne ikke gemmes. Intet er importeret. Prøv igen, "
                  "eller kontakt en administrator."),
    )


def _without_nul(value):
    """``value`` with every NUL character replaced (PostgreSQL stores none in text/JSON)."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_without_nul(key): _without_nul(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_without_nul(item) for item in value]
    return value


def marked_workbook(run: ImportRun, report: ImportReport) -> bytes:
    """The run's file with every error of `report` marked in it."""
    from kitos.excel.writer import mark_errors

    # The report counts columns from 0, Excel (and mark_errors) from 1.
    issues = [
        (issue.sheet, issue.row,
         None if issue.column_index is None else issue.column_index + 1, issue.message)
        for issue in report.errors
    ]
    return mark_errors(bytes(run.content), issues)


def _store_marked_workbook(run_id: int, report: ImportReport) -> None:
    run = ImportRun.objects.only("pk", "content").get(pk=run_id)
    try:
        marked = marked_workbook(run, report)
    except Exception:  # the download makes it on demand instead
        logger.exception("Import run %s: the marked workbook could not be made", run_id)
        return
    ImportRun.objects.filter(pk=run_id).update(marked_content=marked)
