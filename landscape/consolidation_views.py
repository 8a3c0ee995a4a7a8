"""The duplicates page (groups of usages serving the same need across forvaltninger,
likely duplicates in the catalog, the yearly cost consolidation could touch; with
``?unit=`` the consolidation list of one forvaltning) and the KLE coverage page. Both
are about the organisation the user works in; ``?format=xlsx`` exports what they show."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from kitos.excel.writer import SheetData, build_workbook, workbook_response
from portfolio.models import KleNumber
from roles.models import OrganisationUnit
from roles.views import ActiveOrganisationMixin

from .consolidation import Coverage, consolidation, kle_coverage


def forvaltning_from(request, organisation) -> OrganisationUnit | None:
    """``?unit=``: one of the organisation's forvaltninger, else 404 (another
    organisation's unit, a unit that is no forvaltning, no uuid at all)."""
    value = request.GET.get("unit", "").strip()
    if not value:
        return None
    units = OrganisationUnit.objects.visible_to(request.user).filter(organisation=organisation)
    try:
        unit = units.get(uuid=value)
    except (OrganisationUnit.DoesNotExist, ValueError, ValidationError) as error:
        raise Http404 from error
    if unit.pk not in {forvaltning.pk for forvaltning in units.forvaltninger()}:
        raise Http404
    return unit


def main_group_from(request) -> KleNumber | None:
    """``?main_group=``: a KLE main group ("27"), else 404."""
    value = request.GET.get("main_group", "").strip()
    if not value:
        return None
    main_group = KleNumber.objects.filter(number=value, parent__isnull=True).first()
    if main_group is None:
        raise Http404
    return main_group


def _export_url(request) -> str:
    query = request.GET.copy()
    query["format"] = "xlsx"
    return f"{request.path}?{query.urlencode()}"


def _names(usages) -> str:
    return ", ".join(usage.system.name for usage in usages)


class DuplicatesView(ActiveOrganisationMixin, TemplateView):
    template_name = "landscape/consolidation_duplicates.html"

    @cached_property
    def analysis(self):
        return consolidation(
            user=self.request.user, organisation=self.organisation,
            unit=forvaltning_from(self.request, self.organisation),
        )

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def export(self):
        analysis = self.analysis
        groups = SheetData(
            title=_("Dubletter"),
            headers=[_("Slags"), _("Fælles"), _("Systemer"), _("Forvaltninger"),
                     _("Systemanvendelser"), _("Kontrakter i kraft"), _("Årlig udgift (kr.)")],
            rows=[
                [group.kind_label, group.label, ", ".join(group.system_names),
                 ", ".join(f"{f.unit.name} ({f.count})" for f in group.forvaltninger),
                 group.usage_count, group.contract_count, group.yearly_cost]
                for group in analysis.groups
            ],
        )
        pairs = SheetData(
            title=_("Katalogdubletter"),
            headers=[_("System"), _("Leverandør"), _("Muligvis samme som"), _("Leverandør"),
                     _("Lighed (%)"), _("Begrundelse"), _("Jeres anvendelser")],
            rows=[
                [pair.first.name, pair.first.supplier, pair.second.name, pair.second.supplier,
                 pair.percent, pair.reason, _names(pair.usages)]
                for pair in analysis.pairs
            ],
        )
        name = analysis.unit.name if analysis.unit else self.organisation.slug
        return workbook_response(
            build_workbook([groups, pairs]),
            f"dubletter-{name}-{timezone.localdate().isoformat()}.xlsx",
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            analysis=self.analysis, export_url=_export_url(self.request), **kwargs)


class KleCoverageView(ActiveOrganisationMixin, TemplateView):
    template_name = "landscape/consolidation_kle.html"

    @cached_property
    def coverage(self):
        return kle_coverage(
            user=self.request.user, organisation=self.organisation,
            main_group=main_group_from(self.request),
            status=self.request.GET.get("status", ""),
        )

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def export(self):
        coverage = self.coverage
        sheet = SheetData(
            title=_("KLE-dækning"),
            headers=[_("KLE-nummer"), _("Titel"), _("Dækning"), _("Systemanvendelser"),
                     _("Systemer")],
            rows=[
                [task.kle.number, task.kle.title, task.status_label, task.usage_count,
                 _names(task.usages)]
                for task in coverage.shown
            ],
        )
        scope = coverage.main_group.number if coverage.main_group else _("behandlinger")
        return workbook_response(
            build_workbook([sheet]),
            f"kle-daekning-{scope}-{timezone.localdate().isoformat()}.xlsx",
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            coverage=self.coverage, statuses=Coverage.choices,
            export_url=_export_url(self.request), **kwargs)
