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

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
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
    from imports.tasks import run_import

    run_import.delay_on_commit(run.pk)


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
    return bool(
        ImportRun.objects.filter(pk=run_id, status=ImportStatus.QUEUED).update(
            status=ImportStatus.RUNNING, started_at=timezone.now()
        )
    )


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
        ImportRun.objects.filter(pk=run.pk).update(progress_done=done, progress_total=total)

    fields = {"finished_at": None}
    try:
        if actor is None:
            raise PermissionDenied(_("Brugeren der startede importen findes ikke længere."))
        _check_may_import(actor, run.organisation)
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
    ImportRun.objects.filter(pk=run.pk).update(**fields)
    if fields.get("status") == ImportStatus.INVALID:
        # After the report is out: the page shows the errors while this runs.
        _store_marked_workbook(run.pk, report)
    run.refresh_from_db()
    return run


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
