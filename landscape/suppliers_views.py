"""Pages of the suppliers part: supplier dependence (a list of suppliers with their
lock-in score, a page per supplier with the score's components and the trend), the
monopoly-break view, joint procurement across organisations and the organisation's
sharing choice. Each page is about the organisation the user works in (the header's
switcher); ?format=xlsx downloads the page's table."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from kitos.detail import add_service_errors
from kitos.excel.writer import SheetData, build_workbook, workbook_response
from kitos.tenancy import ADMIN, active_organisation, has_role
from portfolio.models import Supplier

from .models import ProcurementSharing
from .suppliers import (
    ENDING_WINDOW_YEARS,
    FULL_DEPENDENCE_SHARE,
    monopoly_break,
    score_weights,
    supplier_dependence,
    supplier_trend,
    window_end,
)
from .suppliers_charts import (
    COMPONENT_COLOURS,
    components_chart,
    score_chart,
    timeline,
    trend_chart,
)
from .suppliers_forms import ProcurementSharingForm, WindowForm
from .suppliers_joint import DEFAULT_MONTHS, joint_procurement
from .suppliers_services import procurement_sharing_set


class OrganisationPageMixin(LoginRequiredMixin):
    """A page about the organisation the user works in; without one, the page says so."""

    @cached_property
    def organisation(self):
        return active_organisation(self.request)

    @cached_property
    def today(self):
        return timezone.localdate()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(organisation=self.organisation, today=self.today)
        return context

    def export_url(self) -> str:
        query = self.request.GET.copy()
        query["format"] = "xlsx"
        return f"{self.request.path}?{query.urlencode()}"

    def wants_export(self) -> bool:
        return self.request.GET.get("format") == "xlsx" and self.organisation is not None

    def download(self, sheets: list[SheetData], name: str):
        return workbook_response(
            build_workbook(sheets),
            f"{name}-{self.organisation.slug}-{self.today.isoformat()}.xlsx",
        )


def _percent(value) -> float:
    return float(round(value * 100, 1))


# -- supplier dependence -------------------------------------------------------------------


def _dependence_row(row) -> list:
    return [
        row.supplier.name, row.supplier.cvr, row.score, _percent(row.spend_share),
        row.spend, row.spend_contracts.value, row.systems.value, row.critical_systems.value,
        row.running_contracts.value, row.contracts_without_exit.value,
        row.integrations.value, row.proprietary_integrations.value, row.ending_soon.value,
        *[float(component.points) for component in row.components],
    ]


def _dependence_headers() -> list[str]:
    return [
        _("Leverandør"), _("CVR-nummer"), _("Lock-in-score"),
        _("Andel af årlige udgifter (%)"), _("Årlige udgifter (kr.)"),
        _("Kontrakter i kraft"), _("Systemer i drift"), _("Forretningskritiske systemer"),
        _("Løbende kontrakter"), _("Kontrakter uden exit eller option"), _("Integrationer"),
        _("Proprietære snitflader"), _("Kontrakter der kan ophøre inden for 3 år"),
        *[_("Point: %(component)s") % {"component": label}
          for label, _weight, _text in score_weights()],
    ]


class SupplierDependenceView(OrganisationPageMixin, TemplateView):
    """Every supplier of the organisation with its lock-in score and the figures behind
    it, each number a link to the list it counts."""

    template_name = "landscape/suppliers_dependence.html"

    @cached_property
    def dependence(self):
        if self.organisation is None:
            return None
        return supplier_dependence(self.request.user, self.organisation, today=self.today)

    def get(self, request, *args, **kwargs):
        if self.wants_export():
            rows = [_dependence_row(row) for row in self.dependence.suppliers]
            return self.download(
                [SheetData(title=_("Leverandørafhængighed"), headers=_dependence_headers(),
                           rows=rows)],
                "leverandoerafhaengighed",
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        dependence = self.dependence
        context.update(
            dependence=dependence,
            chart=score_chart(dependence.suppliers) if dependence else None,
            weights=_weights(),
            full_share=round(FULL_DEPENDENCE_SHARE * 100),
            window_years=ENDING_WINDOW_YEARS,
            export_url=self.export_url(),
        )
        return context


def _weights():
    return [
        {"label": label, "weight": weight, "explanation": text, "colour": colour}
        for (label, weight, text), colour in zip(
            score_weights(), COMPONENT_COLOURS.values(), strict=True)
    ]


class SupplierDependenceDetailView(OrganisationPageMixin, TemplateView):
    """One supplier in the organisation: the score's components with the figures behind
    them, and its share of the spend over the years. A supplier the organisation may
    not use (another organisation's local one) is 404."""

    template_name = "landscape/suppliers_detail.html"

    @cached_property
    def supplier(self):
        if self.organisation is None:
            raise Http404
        return get_object_or_404(
            Supplier.objects.visible_to(self.request.user).usable_by(self.organisation),
            uuid=self.kwargs["uuid"],
        )

    @cached_property
    def row(self):
        dependence = supplier_dependence(self.request.user, self.organisation,
                                         today=self.today, include=self.supplier)
        return dependence.get(self.supplier)

    @cached_property
    def trend(self):
        return supplier_trend(self.request.user, self.organisation, self.supplier,
                              today=self.today)

    def get(self, request, *args, **kwargs):
        self.supplier  # 404 before anything else  # noqa: B018
        if self.wants_export():
            components = [
                [c.label, c.weight, c.percent, float(c.points)] for c in self.row.components
            ]
            trend = [
                [p.year, p.spend, p.contracts.value, p.total, p.total_contracts.value,
                 _percent(p.share)]
                for p in self.trend
            ]
            return self.download([
                SheetData(title=_("Lock-in-score"),
                          headers=[_("Del"), _("Vægt"), _("Grad (%)"), _("Point")],
                          rows=components + [[_("Lock-in-score"), 100, None, self.row.score]]),
                SheetData(title=_("Udvikling"),
                          headers=[_("År"), _("Udgifter til leverandøren (kr.)"),
                                   _("Kontrakter med leverandøren"),
                                   _("Organisationens udgifter (kr.)"),
                                   _("Organisationens kontrakter"), _("Andel (%)")],
                          rows=trend),
            ], f"leverandoer-{self.supplier.cvr or self.supplier.pk}")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        row = self.row
        context.update(
            supplier=self.supplier, row=row, trend=self.trend,
            trend_chart=trend_chart(self.trend),
            components_chart=components_chart(row.components),
            components=[
                {"component": c, "colour": COMPONENT_COLOURS[c.key]} for c in row.components
            ],
            full_share=round(FULL_DEPENDENCE_SHARE * 100),
            window_years=ENDING_WINDOW_YEARS,
            export_url=self.export_url(),
        )
        return context


# -- monopoly break ------------------------------------------------------------------------

# The timeline's horizon: far enough to see the 3-year window and what comes after it.
MONOPOLY_HORIZON_YEARS = 6


class MonopolyBreakView(OrganisationPageMixin, TemplateView):
    """For the chef: the suppliers with the highest lock-in score and when each of their
    contracts can end: the windows in which to break the dependence."""

    template_name = "landscape/suppliers_monopoly.html"

    @cached_property
    def suppliers(self):
        if self.organisation is None:
            return []
        dependence = supplier_dependence(self.request.user, self.organisation,
                                         today=self.today)
        return monopoly_break(self.request.user, dependence)

    def get(self, request, *args, **kwargs):
        if self.wants_export():
            rows = [
                [entry.dependence.supplier.name, entry.dependence.score, c.contract.name,
                 c.contract.get_status_display(), c.next_end, c.notice_deadline,
                 c.retender_start, c.yearly_cost, _("Ja") if c.without_exit else _("Nej"),
                 _("Ja") if c.in_window else _("Nej")]
                for entry in self.suppliers for c in entry.contracts
            ]
            headers = [
                _("Leverandør"), _("Lock-in-score"), _("Kontrakt"), _("Status"),
                _("Næste mulige ophør"), _("Sidste frist for opsigelse"),
                _("Seneste start på genudbud"), _("Årlig udgift (kr.)"),
                _("Uden exit eller option"), _("Kan ophøre inden for 3 år"),
            ]
            return self.download([SheetData(title=_("Monopolbrud"), headers=headers,
                                            rows=rows)], "monopolbrud")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        start = self.today
        end = start.replace(year=start.year + MONOPOLY_HORIZON_YEARS, month=12, day=31)
        rows = [
            (entry.dependence.supplier.name, entry.dependence.url, [
                (c.next_end, f"{c.contract.name}: {c.next_end:%d-%m-%Y}",
                 "locked" if c.without_exit else "open", c.url)
                for c in entry.contracts if c.next_end
            ])
            for entry in self.suppliers
        ]
        context.update(
            suppliers=self.suppliers,
            chart=timeline(rows, start=start, end=end, window=(
                window_end(self.today),
                _("%(years)s år") % {"years": ENDING_WINDOW_YEARS})),
            window_years=ENDING_WINDOW_YEARS,
            export_url=self.export_url(),
        )
        return context


# -- joint procurement ---------------------------------------------------------------------


class JointProcurementView(OrganisationPageMixin, TemplateView):
    """For each catalog system, the organisations whose contracts for it end or can be
    terminated within ?months=N (landscape.suppliers_joint: who sees what)."""

    template_name = "landscape/suppliers_joint.html"

    @cached_property
    def form(self):
        return WindowForm(self.request.GET or None)

    @cached_property
    def months(self) -> int | None:
        """The window, or None when ?months= is invalid (the form says why)."""
        if not self.request.GET.get("months"):
            return DEFAULT_MONTHS
        return self.form.window_months() if self.form.is_valid() else None

    @cached_property
    def result(self):
        if self.organisation is None or self.months is None:
            return None
        return joint_procurement(self.organisation, months=self.months, today=self.today)

    def get(self, request, *args, **kwargs):
        if self.wants_export() and self.result is not None:
            rows = [
                [system.name, entry.organisation_name,
                 _("Ja") if entry.is_own else _("Nej"), entry.contact_email, entry.next_end,
                 entry.notice_deadline, entry.contracts.value if entry.contracts else None]
                for system in self.result.systems for entry in system.entries
            ]
            headers = [
                _("It-system"), _("Organisation"), _("Egen organisation"), _("Kontakt"),
                _("Næste mulige ophør"), _("Sidste frist for opsigelse"),
                _("Egne kontrakter"),
            ]
            return self.download([SheetData(title=_("Fælles udbud"), headers=headers,
                                            rows=rows)], "faelles-udbud")
        response = super().get(request, *args, **kwargs)
        if self.months is None:
            response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        result = self.result
        chart = None
        if result is not None:
            rows = [
                (system.name, "", [
                    (entry.next_end, f"{entry.organisation_name}: {entry.next_end:%d-%m-%Y}",
                     "own" if entry.is_own else "other",
                     entry.contracts.url if entry.contracts else "")
                    for entry in system.entries
                ])
                for system in result.systems
            ]
            chart = timeline(rows, start=result.today, end=result.until)
        context.update(
            form=self.form, result=result, chart=chart, export_url=self.export_url(),
            can_change_sharing=self.organisation is not None and has_role(
                self.request.user, self.organisation.pk, at_least=ADMIN),
        )
        return context


class ProcurementSharingView(OrganisationPageMixin, TemplateView):
    """The organisation's choice to share its contracts' end dates for joint
    procurement: every member sees it, its administrators change it."""

    template_name = "landscape/suppliers_sharing.html"

    @cached_property
    def sharing(self):
        if self.organisation is None:
            return None
        return ProcurementSharing.objects.filter(organisation=self.organisation).first()

    @cached_property
    def can_change(self) -> bool:
        return self.organisation is not None and has_role(
            self.request.user, self.organisation.pk, at_least=ADMIN)

    def post(self, request, *args, **kwargs):
        if not self.can_change:
            raise PermissionDenied(
                _("Kun organisationens administratorer kan ændre deling til fælles udbud."))
        form = ProcurementSharingForm(request.POST, instance=ProcurementSharing(
            organisation=self.organisation))
        if form.is_valid():
            try:
                procurement_sharing_set(
                    actor=request.user, organisation=self.organisation,
                    shares=form.cleaned_data["shares"],
                    contact_email=form.cleaned_data["contact_email"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Valget om deling til fælles udbud er gemt."))
                return redirect("procurement_sharing")
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "form" not in context and self.can_change:
            context["form"] = ProcurementSharingForm(instance=self.sharing or ProcurementSharing(
                organisation=self.organisation))
        context.update(sharing=self.sharing, can_change=self.can_change)
        return context
