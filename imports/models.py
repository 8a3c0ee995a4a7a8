"""Import runs: one uploaded workbook run through the importer (kitos.excel.engine), a
preview or a commit, with its file, progress and report. The table was created by the
core before the layers were split and kept its name (``kitos_importrun``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kitos.tenancy import TenantModel, scoped_queryset


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("I kø")
    RUNNING = "running", _("Kører")
    VALID = "valid", _("Gennemset uden fejl")
    INVALID = "invalid", _("Fejl fundet")
    COMMITTED = "committed", _("Importeret")
    REJECTED = "rejected", _("Afvist")
    FAILED = "failed", _("Fejlede")


class ImportMode(models.TextChoices):
    PREVIEW = "preview", _("Gennemsyn")
    COMMIT = "commit", _("Import")


class ImportRunQuerySet(scoped_queryset("organisation")):
    def for_list(self):
        return self.select_related("organisation", "created_by").defer(
            "content", "marked_content", "report")


class ImportRun(TenantModel):
    """One uploaded workbook run through the importer: a preview (dry run) or a commit.

    The file's bytes are kept (``content``) so that a worker on another machine can read
    them and a valid preview can be committed without uploading again; ``report`` holds
    the ImportReport (kitos.excel.engine) as JSON, ``counts`` its totals. A commit is a
    new run that points at the preview it came from and validates everything again."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("oprettet af"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("startet"), null=True, blank=True)
    finished_at = models.DateTimeField(_("afsluttet"), null=True, blank=True)
    # Written every few seconds by the process running the import: a run whose heartbeat
    # stopped (the worker was killed) is failed by the reaper, and can be run again.
    heartbeat_at = models.DateTimeField(_("senest i live"), null=True, blank=True)
    filename = models.CharField(_("filnavn"), max_length=255)
    size = models.PositiveBigIntegerField(_("størrelse (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content = models.BinaryField(_("indhold"), editable=False)
    # A preview with errors: the file with every error marked, made by the worker once the
    # report is out (a large workbook takes openpyxl longer than a page request may).
    marked_content = models.BinaryField(
        _("fil med fejlene markeret"), editable=False, default=b"", blank=True)
    mode = models.CharField(
        _("type"), max_length=10, choices=ImportMode, default=ImportMode.PREVIEW
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus, default=ImportStatus.QUEUED,
        db_index=True,
    )
    progress_done = models.PositiveIntegerField(_("rækker behandlet"), default=0)
    progress_total = models.PositiveIntegerField(_("rækker i alt"), default=0)
    counts = models.JSONField(_("optælling"), default=dict, blank=True)
    report = models.JSONField(_("rapport"), default=dict, blank=True)
    message = models.TextField(_("besked"), blank=True)
    preview_run = models.ForeignKey(
        "self",
        verbose_name=_("gennemsyn"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commit_runs",
        help_text=_("Det gennemsyn importen blev startet fra."),
    )

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        db_table = "kitos_importrun"
        ordering = ["-created_at", "-id"]
        verbose_name = _("importkørsel")
        verbose_name_plural = _("importkørsler")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ImportStatus.values), name="importrun_status_valid",
                violation_error_message=_("Status skal være en af de mulige."),
            ),
            models.CheckConstraint(
                condition=models.Q(mode__in=ImportMode.values), name="importrun_mode_valid",
                violation_error_message=_("Typen skal være gennemsyn eller import."),
            ),
            models.CheckConstraint(
                condition=models.Q(sha256__regex=r"^[0-9a-f]{64}$"), name="importrun_sha256_hex",
                violation_error_message=_("SHA-256 skal være 64 hexadecimale tegn (0-9, a-f)."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_mode_display()}, {self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING)

