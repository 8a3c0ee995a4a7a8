"""The pages of the Excel import: upload a workbook, see what it would change (every
error with its sheet, row and column), download the workbook with the errors marked,
commit, follow the progress, look back at earlier runs, and download the templates.

The work itself happens in ``kitos.excel.services`` (a Celery task per run); these views
only start runs, show their stored report and hand out files.
"""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import TemplateView

from imports import services
from imports.models import ImportRun, ImportStatus
from kitos.excel import exporter, writer
from kitos.excel.registry import SPECS_BY_KEY
from kitos.tenancy import EDITOR, has_role
from kitos.views import OrganisationFromUrlMixin

RECENT_RUNS = 25
ROWS_PER_PAGE = 100
ERRORS_PER_PAGE = 200
# Rejected and failed runs have a message but no report.
WITH_REPORT = (ImportStatus.VALID, ImportStatus.INVALID, ImportStatus.COMMITTED)


def max_upload_bytes() -> int:
    return settings.KITOS_IMPORT_MAX_BYTES


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


# -- upload ---------------------------------------------------------------------------


class SizeLimitedUploadHandler(FileUploadHandler):
    """Stops keeping an upload once it passes the import limit, so an oversized file is
    neither held in memory nor written to disk in full; the rest of the request is read
    and thrown away, and the view tells the user the file was too big."""

    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit = limit

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.request.import_upload_too_big = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) builds the file


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Regneark (.xlsx)"),
        error_messages={
            "required": gettext_lazy("Vælg et regneark at indlæse."),
            "empty": gettext_lazy("Filen er tom."),
        },
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument"
                   ".spreadsheetml.sheet"}
        ),
    )

    def __init__(self, *args, too_big: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_big = too_big
        self.fields["file"].help_text = _(
            "Et Excel-regneark i formatet .xlsx på højst %(size)s MB."
        ) % {"size": _megabytes(max_upload_bytes())}

    def _too_big_error(self) -> ValidationError:
        return ValidationError(
            _("Filen er for stor. Et regneark må højst fylde %(size)s MB.")
            % {"size": _megabytes(max_upload_bytes())}
        )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if PurePath(upload.name).suffix.lower() != ".xlsx":
            raise ValidationError(
                _("Filen skal være et Excel-regneark i formatet .xlsx (Excel 2007 eller nyere).")
            )
        if upload.size > max_upload_bytes():
            raise self._too_big_error()
        return upload

    def full_clean(self):
        super().full_clean()
        # The upload handler dropped the oversized file, so the field only saw "no file".
        if self.too_big and self.is_bound and "file" in self.errors:
            self.errors["file"] = self.error_class([self._too_big_error().message])


class OrganisationImportMixin(OrganisationFromUrlMixin):
    """The organisation from the URL among the user's own (others are 404); importing
    needs an editor of it (readers: 403)."""

    required_role = EDITOR
    permission_denied_message = gettext_lazy(
        "Kun organisationens redaktører og administratorer kan importere."
    )


@method_decorator(csrf_exempt, name="dispatch")
class ImportStartView(OrganisationImportMixin, TemplateView):
    """What can be imported, the templates, the upload form and the organisation's
    recent runs. A POST starts a run and goes to its page."""

    template_name = "imports/import_start.html"

    def dispatch(self, request, *args, **kwargs):
        # The size limit must be in place before anything reads the request body, and
        # the CSRF check reads it; so CSRF is checked here, after adding the handler.
        if request.method == "POST":
            request.upload_handlers.insert(
                0, SizeLimitedUploadHandler(request, max_upload_bytes())
            )
        return csrf_protect(super().dispatch)(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=ImportUploadForm()))

    def post(self, request, *args, **kwargs):
        form = ImportUploadForm(
            request.POST,
            request.FILES,
            too_big=getattr(request, "import_upload_too_big", False),
        )
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        upload = form.cleaned_data["file"]
        run = services.import_start(
            actor=request.user,
            organisation=self.organisation,
            filename=PurePath(upload.name).name,
            content=upload.read(),
        )
        return redirect("import_run_detail", run.uuid)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entities"] = importable_entities()
        context["runs"] = (
            ImportRun.objects.visible_to(self.request.user)
            .in_organisation(self.organisation)
            .for_list()
            .order_by("-created_at", "-id")[:RECENT_RUNS]
        )
        return context


def importable_entities() -> list[tuple[str, str]]:
    """(key, Danish label) of every entity that can be imported, in dependency order."""
    return [(key, SPECS_BY_KEY[key].label) for key in exporter.ENTITY_KEYS]


# -- one run --------------------------------------------------------------------------


class ImportRunMixin(LoginRequiredMixin):
    """A run of one of the user's organisations, by its uuid (others are 404)."""

    def get_run(self, *, with_content: bool = False, with_marked: bool = False) -> ImportRun:
        runs = ImportRun.objects.visible_to(self.request.user).select_related(
            "organisation", "created_by", "preview_run"
        )
        if not with_content:
            runs = runs.defer("content")
        if not with_marked:
            runs = runs.defer("marked_content")
        return get_object_or_404(runs, uuid=self.kwargs["uuid"])


def _page(request, items, per_page: int, param: str):
    return Paginator(items, per_page).get_page(request.GET.get(param))


# Unchanged rows are only counted (the report keeps no details for them).
ACTION_FILTERS = {
    "": gettext_lazy("Alle"),
    "error": gettext_lazy("Fejl"),
    "create": gettext_lazy("Nye"),
    "update": gettext_lazy("Ændrede"),
}


def run_context(request, run: ImportRun) -> dict:
    """What the run page and its polled partial show. The report is read from the run
    itself (no query per row), so the page costs the same for 10 rows and 100,000."""
    context = {
        "run": run,
        "pending": not run.is_finished,
        "can_edit": has_role(request.user, run.organisation_id, at_least=EDITOR),
    }
    if run.status not in WITH_REPORT:
        return context
    report = services.import_report(run)
    action = request.GET.get("handling", "")
    if action not in ACTION_FILTERS:
        action = ""
    rows = [row for row in report.rows if row.action == action] if action else report.rows
    labels = dict(importable_entities())
    context.update(
        report=report,
        entity_counts=[
            (labels.get(key, key), counts)
            for key, counts in report.counts.get("entities", {}).items()
        ],
        errors_page=_page(request, report.errors, ERRORS_PER_PAGE, "fejlside"),
        rows_page=_page(request, rows, ROWS_PER_PAGE, "side"),
        action=action,
        action_filters=[
            (key, label)
            for key, label in ACTION_FILTERS.items()
            if not key or report.counts.get(key) or key == action
        ],
    )
    if run.status == ImportStatus.VALID:
        context["nothing_to_do"] = not (report.counts.get("create") or report.counts.get("update"))
        context["commit_run"] = latest_commit(run)
        context["can_commit"] = (
            context["can_edit"] and context["commit_run"] is None and not context["nothing_to_do"]
        )
    return context


def latest_commit(preview: ImportRun) -> ImportRun | None:
    """The commit started from this preview that has not failed, if any: a preview is
    imported once (a failed or rejected attempt may be retried)."""
    return (
        preview.commit_runs.exclude(status__in=(ImportStatus.FAILED, ImportStatus.REJECTED))
        .defer("content", "marked_content", "report")
        .order_by("-created_at")
        .first()
    )


class ImportRunDetailView(ImportRunMixin, TemplateView):
    """A run's status and, once done, its report; while it runs a progress bar polls
    ``import_run_status`` and swaps in the result."""

    template_name = "imports/import_run.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(run_context(self.request, self.get_run()))
        return context


class ImportRunStatusView(ImportRunMixin, View):
    """Answers the run page's progress poll: the new progress bar while the run is
    pending (swapped out of band into the bar's live region), then the whole result,
    retargeted to replace the page's body."""

    def get(self, request, uuid):
        run = self.get_run()
        if run.status == ImportStatus.RUNNING and services.import_reap_stale(run_id=run.pk):
            run = self.get_run()  # its worker died: the page says so, and offers retry
        context = run_context(request, run)
        if context["pending"]:
            return render(request, "imports/_import_status.html", context)
        response = render(request, "imports/_import_done.html", context)
        response["HX-Retarget"] = "#import-run-body"
        response["HX-Reswap"] = "innerHTML"
        return response


class ImportRunCommitView(ImportRunMixin, View):
    """Carry out a previewed import (POST, editors)."""

    http_method_names = ["post"]

    def post(self, request, uuid):
        run = self.get_run(with_content=True)
        if not has_role(request.user, run.organisation_id, at_least=EDITOR):
            raise PermissionDenied(_("Kun organisationens redaktører kan gennemføre importen."))
        already = latest_commit(run) if run.status == ImportStatus.VALID else None
        if already is not None:
            messages.info(request, _("Dette gennemsyn er allerede sendt til import."))
            return redirect("import_run_detail", already.uuid)
        try:
            commit = services.import_commit(actor=request.user, run=run)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("import_run_detail", run.uuid)
        return redirect("import_run_detail", commit.uuid)


class ImportRunMarkedView(ImportRunMixin, View):
    """The uploaded workbook with a comment on every cell (or row, or sheet) in error."""

    def get(self, request, uuid):
        run = self.get_run(with_content=True, with_marked=True)
        if not run.content or run.status not in WITH_REPORT:
            raise Http404
        # Made by the worker when the run found errors; made here for a run from before
        # that, or when the worker has not got to it yet.
        content = bytes(run.marked_content) or services.marked_workbook(
            run, services.import_report(run))
        stem = PurePath(run.filename).stem or "import"
        return writer.workbook_response(content, f"{stem}-fejl.xlsx")


# -- templates ------------------------------------------------------------------------


class ImportTemplateView(LoginRequiredMixin, View):
    """An empty workbook with the right headers: one sheet per entity, or one entity."""

    def get(self, request, entity: str | None = None):
        if entity is not None and entity not in exporter.ENTITY_KEYS:
            raise Http404
        filename = f"kitos-skabelon-{entity}.xlsx" if entity else "kitos-skabelon.xlsx"
        return writer.workbook_response(exporter.template_workbook(entity), filename)
