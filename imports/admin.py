"""Admin for import runs: read-only, scoped like every admin list."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kitos.admin_base import SystemWrittenAdmin

from .models import ImportMode, ImportRun

RelatedOnly = admin.RelatedOnlyFieldListFilter


@admin.register(ImportRun)
class ImportRunAdmin(SystemWrittenAdmin):
    """The import runs, for following up a run that failed or was rejected: who ran
    which file (its SHA-256) when, with what result, and the changes it made. Runs are
    started and finished by the import pages and the worker only: nothing is added,
    changed or deleted here (the uploaded file itself is not shown)."""

    list_display = (
        "created_at",
        "filename",
        "mode",
        "status",
        "counts_shown",
        "created_by",
        "organisation",
    )
    list_filter = ("status", "mode", ("organisation", RelatedOnly))
    search_fields = ("filename", "sha256", "message")
    list_select_related = ("organisation", "created_by")
    date_hierarchy = "created_at"
    fields = (
        "uuid",
        "organisation",
        "created_by",
        "mode",
        "status",
        "message",
        "counts_shown",
        "filename",
        "size",
        "sha256",
        "created_at",
        "started_at",
        "finished_at",
        "progress_done",
        "progress_total",
        "preview_run",
        "links",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content", "marked_content", "report")

    @admin.display(description=_("optælling"))
    def counts_shown(self, run):
        counts = run.counts or {}
        if not counts:
            return "–"
        return _("%(create)s oprettet, %(update)s ændret, %(unchanged)s uændret, "
                 "%(error)s med fejl") % {
            key: counts.get(key, 0) for key in ("create", "update", "unchanged", "error")}

    @admin.display(description=_("links"))
    def links(self, run):
        """The run's page in the portal and, for a commit, the changes it made."""
        page = reverse("import_run_detail", args=[run.uuid])
        if run.mode != ImportMode.COMMIT:
            return format_html('<a href="{}">{}</a>', page, _("Kørslens side"))
        log = reverse("admin:kitos_auditentry_changelist")
        return format_html(
            '<a href="{}">{}</a> · <a href="{}?group_id={}">{}</a>',
            page, _("Kørslens side"), log, run.uuid, _("Ændringerne i loggen"),
        )
