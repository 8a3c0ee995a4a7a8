"""Admin for connectors and their runs: a connector's page lists its last runs with
their counts, errors and duration; the runs themselves are written by the connectors
only."""

from django.contrib import admin
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kitos.admin_base import KitosModelAdmin, SystemWrittenAdmin

from .forms import ConnectorForm
from .models import Connector, RunStatus, SyncRun

RelatedOnly = admin.RelatedOnlyFieldListFilter


def counts_text(run) -> str:
    counts = run.counts or {}
    return _("%(created)s oprettet, %(updated)s ændret, %(removed)s fjernet, "
             "%(unchanged)s uændret, %(errors)s fejl") % {
        key: counts.get(key, 0)
        for key in ("created", "updated", "removed", "unchanged", "errors")}


def duration_text(run) -> str:
    duration = run.duration
    if duration is None:
        return "–"
    return _("%(seconds).1f s") % {"seconds": duration.total_seconds()}


class AdminConnectorForm(ConnectorForm):
    """The portal's form with what only the admin sets: the organisation, the kind and
    the delta mark (emptied, the next run reads everything)."""

    class Meta(ConnectorForm.Meta):
        fields = ("organisation", "kind", *ConnectorForm.Meta.fields, "synced_until")


class RunColumns:
    """A run's counts and duration as the admin's columns show them."""

    @admin.display(description=_("optælling"))
    def counts_shown(self, run):
        return counts_text(run)

    @admin.display(description=_("varighed"))
    def duration_shown(self, run):
        return duration_text(run)


class SyncRunInline(RunColumns, admin.TabularInline):
    """The connector's ten latest runs."""

    model = SyncRun
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    fields = ("started_at", "mode", "trigger", "status", "counts_shown", "duration_shown",
              "message")
    readonly_fields = fields
    ordering = ("-started_at",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).defer("changes")
        ids = list(queryset.values_list("pk", flat=True)[:10])
        return queryset.filter(pk__in=ids)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Connector)
class ConnectorAdmin(KitosModelAdmin):
    form = AdminConnectorForm
    list_display = ("__str__", "kind", "schedule", "synced_until", "last_run", "organisation")
    list_filter = ("kind", "schedule", ("organisation", RelatedOnly))
    list_select_related = ("organisation",)
    inlines = [SyncRunInline]

    def get_queryset(self, request):
        # The latest run's start and status in the list's own query (no query per row).
        latest = SyncRun.objects.filter(connector=OuterRef("pk")).order_by("-started_at")
        return super().get_queryset(request).annotate(
            last_run_at=Subquery(latest.values("started_at")[:1]),
            last_run_status=Subquery(latest.values("status")[:1]),
        )

    @admin.display(description=_("seneste kørsel"), ordering="last_run_at")
    def last_run(self, connector):
        if getattr(connector, "last_run_at", None) is None:
            return "–"
        started = timezone.localtime(connector.last_run_at).strftime("%d-%m-%Y %H:%M")
        return f"{started} · {RunStatus(connector.last_run_status).label}"


@admin.register(SyncRun)
class SyncRunAdmin(RunColumns, SystemWrittenAdmin):
    """Every run of every connector: when, how long, what it changed or why it failed."""

    list_display = ("started_at", "connector", "mode", "trigger", "status", "counts_shown",
                    "duration_shown", "started_by")
    list_filter = ("status", "mode", "trigger", ("organisation", RelatedOnly))
    list_select_related = ("connector__organisation", "started_by", "organisation")
    search_fields = ("message",)
    date_hierarchy = "started_at"
    fields = ("uuid", "organisation", "connector", "mode", "trigger", "status", "started_by",
              "started_at", "finished_at", "duration_shown", "since", "counts_shown",
              "message", "errors", "changes", "log_link")
    readonly_fields = fields

    @admin.display(description=_("ændringerne i loggen"))
    def log_link(self, run):
        if run.mode != "apply":
            return "–"
        log = reverse("admin:kitos_auditentry_changelist")
        return format_html('<a href="{}?group_id={}">{}</a>', log, run.uuid,
                           _("Ændringerne i loggen"))
