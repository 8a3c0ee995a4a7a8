"""The connectors' pages in the portal (organisation admins): the organisation's
connectors with their last runs, one connector's runs with "Gennemse" and "Opdater",
an export file to upload for a file connector, and a run's page with its counts,
errors and per-field changes, from where a preview is applied."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from kitos import services
from kitos.detail import add_service_errors
from kitos.tenancy import ADMIN
from kitos.views import OrganisationFromUrlMixin

from .connectors import FILE_KINDS, start_run, store_file
from .forms import FILE_KIND_UNUSED, ConnectorCreateForm, ConnectorForm
from .models import Connector, ConnectorKind, RunMode, RunStatus, SyncRun
from .runs import running_run

RUNS_PAGE_SIZE = 25
CHANGES_PAGE_SIZE = 100
# An FK Organisation export of a large municipality is a few MB; this leaves room.
MAX_EXPORT_BYTES = 50 * 1024 * 1024


class ConnectorAdminMixin(OrganisationFromUrlMixin):
    """Connectors read and write the whole organisation with its login: administrators
    only (other members 403, other organisations 404)."""

    required_role = ADMIN
    edit_role = ADMIN
    permission_denied_message = gettext_lazy(
        "Kun organisationens administratorer kan arbejde med forbindelser.")

    def connector(self) -> Connector:
        return get_object_or_404(
            Connector.objects.filter(organisation=self.organisation), uuid=self.kwargs["uuid"])


class ConnectorListView(ConnectorAdminMixin, TemplateView):
    template_name = "integrations/connector_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        latest = SyncRun.objects.filter(connector=OuterRef("pk")).order_by("-started_at")
        connectors = Connector.objects.filter(organisation=self.organisation).annotate(
            last_run_uuid=Subquery(latest.values("uuid")[:1]),
            last_run_at=Subquery(latest.values("started_at")[:1]),
            last_run_status=Subquery(latest.values("status")[:1]),
            last_run_mode=Subquery(latest.values("mode")[:1]),
        )
        rows = [
            (connector, RunStatus(connector.last_run_status).label
             if connector.last_run_status else "")
            for connector in connectors
        ]
        existing = {connector.kind for connector in connectors}
        context.update(rows=rows, kinds=[
            (kind.value, kind.label) for kind in ConnectorKind if kind not in existing])
        return context


class ConnectorFormView(ConnectorAdminMixin, TemplateView):
    """Create (``?kind=``) or edit a connector through the audited services."""

    template_name = "kitos/object_form.html"

    def _load(self) -> None:
        self.object = self.connector() if "uuid" in self.kwargs else None

    def _form(self, data=None):
        if self.object is not None:
            form = ConnectorForm(data, instance=self.object)
            kind = self.object.kind
        else:
            kind = (data or self.request.GET).get("kind", "")
            form = ConnectorCreateForm(
                data, instance=Connector(organisation=self.organisation),
                initial={"kind": kind})
        if kind in FILE_KINDS:
            # A file has no login and names no organisation: fewer fields, fewer doubts.
            for name in FILE_KIND_UNUSED:
                form.fields.pop(name, None)
        return form

    def get(self, request, *args, **kwargs):
        self._load()
        return self.render_to_response(self.get_context_data(form=self._form()))

    def post(self, request, *args, **kwargs):
        self._load()
        form = self._form(request.POST)
        if form.is_valid():
            try:
                if self.object is None:
                    connector = services.create_object(actor=request.user, instance=form.instance)
                else:
                    values = {name: form.cleaned_data[name] for name in ConnectorForm.Meta.fields
                              if name in form.cleaned_data}
                    connector = services.update_object(
                        actor=request.user, instance=Connector.objects.get(pk=self.object.pk),
                        data=values)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Forbindelsen er gemt."))
                return redirect(connector_url(connector))
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            is_create=self.object is None, object=self.object,
            verbose_name=Connector._meta.verbose_name,
            verbose_name_plural=Connector._meta.verbose_name_plural,
            list_url=reverse("connector_list", args=[self.organisation.slug]),
            cancel_url=(connector_url(self.object) if self.object else
                        reverse("connector_list", args=[self.organisation.slug])),
        )
        return context


def connector_url(connector: Connector) -> str:
    return reverse("connector_detail", args=[connector.organisation.slug, connector.uuid])


class ExportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Eksportfil fra FK Organisation"),
        error_messages={"required": gettext_lazy("Vælg en eksportfil."),
                        "empty": gettext_lazy("Filen er tom.")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_EXPORT_BYTES:
            raise ValidationError(_("Filen er for stor: en eksportfil må højst fylde %(size)s "
                                    "MB.") % {"size": MAX_EXPORT_BYTES // (1024 * 1024)})
        return upload


class ConnectorDetailView(ConnectorAdminMixin, TemplateView):
    template_name = "integrations/connector_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        connector = kwargs.get("connector") or self.connector()
        runs = SyncRun.objects.filter(connector=connector).for_list()
        page = Paginator(runs, RUNS_PAGE_SIZE).get_page(self.request.GET.get("side"))
        context.update(
            connector=connector, page=page, is_file_kind=connector.kind in FILE_KINDS,
            upload_form=kwargs.get("upload_form") or ExportUploadForm(),
            has_secret=bool(connector.secret or connector.secret_env),
        )
        return context


class ConnectorRunView(ConnectorAdminMixin, View):
    """POST: start a preview or an apply; a file connector takes the uploaded export."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        connector = self.connector()
        mode = request.POST.get("mode")
        if mode not in RunMode.values:
            messages.error(request, _("Vælg gennemsyn eller opdatering."))
            return redirect(connector_url(connector))
        if running_run(connector) is not None:
            messages.error(request, _("Forbindelsen kører allerede. Vent til kørslen er "
                                      "færdig, og prøv igen."))
            return redirect(connector_url(connector))
        source_file = None
        if connector.kind in FILE_KINDS and request.FILES:
            form = ExportUploadForm(request.POST, request.FILES)
            if not form.is_valid():
                view = ConnectorDetailView()
                view.setup(request, *args, **kwargs)
                return view.render_to_response(view.get_context_data(
                    connector=connector, upload_form=form))
            upload = form.cleaned_data["file"]
            source_file = store_file(connector=connector, actor=request.user,
                                     filename=upload.name, content=upload.read())
        start_run(connector=connector, mode=mode, actor=request.user, source_file=source_file)
        messages.success(request, _("Kørslen er startet. Den vises herunder, når den er "
                                    "færdig."))
        return redirect(connector_url(connector))


class SyncRunMixin(ConnectorAdminMixin):
    def run(self) -> SyncRun:
        return get_object_or_404(
            SyncRun.objects.filter(organisation=self.organisation).select_related(
                "connector__organisation", "started_by", "source_file"),
            uuid=self.kwargs["uuid"])


class SyncRunDetailView(SyncRunMixin, TemplateView):
    template_name = "integrations/run_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.run()
        changes = Paginator(run.changes or [], CHANGES_PAGE_SIZE).get_page(
            self.request.GET.get("side"))
        changes.object_list = [shown_change(change) for change in changes.object_list]
        context.update(
            run=run, connector=run.connector, changes=changes,
            can_apply=(run.mode == RunMode.PREVIEW and run.status == RunStatus.SUCCEEDED
                       and (run.connector.kind not in FILE_KINDS
                            or run.source_file_id is not None)),
        )
        return context


def shown_change(change: dict) -> dict:
    """A change row in the reader's language: the runners store the kind and the field
    labels as the models' Danish verbose names (the run is made in the worker, in
    Danish), which are the catalogue's msgids, so they translate here."""
    if not isinstance(change, dict):
        return {}
    fields = change.get("fields") if isinstance(change.get("fields"), dict) else {}
    return {
        **change,
        "kind": gettext(str(change.get("kind", ""))) if change.get("kind") else "",
        "fields": {gettext(str(label)): values for label, values in fields.items()
                   if isinstance(values, list | tuple) and len(values) == 2},
    }


class SyncRunApplyView(SyncRunMixin, View):
    """POST on a preview: run the same source (the same uploaded file) as an apply."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        run = self.run()
        if run.mode != RunMode.PREVIEW or run.status != RunStatus.SUCCEEDED:
            messages.error(request, _("Kun et gennemført gennemsyn kan udføres."))
        elif running_run(run.connector) is not None:
            messages.error(request, _("Forbindelsen kører allerede. Vent til kørslen er "
                                      "færdig, og prøv igen."))
        elif run.connector.kind in FILE_KINDS and run.source_file_id is None:
            messages.error(request, _("Gennemsynets fil findes ikke længere. Upload den igen."))
        else:
            start_run(connector=run.connector, mode=RunMode.APPLY, actor=request.user,
                      source_file=run.source_file)
            messages.success(request, _("Opdateringen er startet."))
        return redirect(connector_url(run.connector))
