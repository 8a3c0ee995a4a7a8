"""The impact analysis pages: a start page to pick what would go, and one page per kind
of subject (system usage, supplier, contract) with ?depth= and ?format=xlsx."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from contracts.models import Contract
from kitos.excel.writer import workbook_response
from kitos.filtersets import search
from portfolio.models import Supplier, SystemUsage

from .impact import (
    DEFAULT_DEPTH,
    MAX_DEPTH,
    DepthError,
    contract_impact,
    parse_depth,
    supplier_impact,
    usage_impact,
)
from .impact_export import impact_workbook, kind_label

# Matches shown per kind on the start page: a search narrows, it does not list all.
SEARCH_LIMIT = 20


class ImpactHomeView(LoginRequiredMixin, TemplateView):
    """Search the user's system usages, suppliers and contracts by name and open the
    impact analysis of one."""

    template_name = "landscape/impact_home.html"

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()[:200]
        user = self.request.user
        found = {}
        if query:
            found = {
                "usages": search(
                    SystemUsage.objects.visible_to(user).select_related(
                        "organisation", "system", "responsible_unit"),
                    ("local_name", "system__name"), query,
                ).order_by("system__name", "pk")[:SEARCH_LIMIT],
                "suppliers": search(
                    Supplier.objects.visible_to(user), ("name", "cvr"), query
                ).order_by("name", "pk")[:SEARCH_LIMIT],
                "contracts": search(
                    Contract.objects.visible_to(user).select_related("organisation", "supplier"),
                    ("name", "contract_number"), query,
                ).order_by("name", "pk")[:SEARCH_LIMIT],
            }
        return super().get_context_data(query=query, found=found, limit=SEARCH_LIMIT, **kwargs)


class ImpactView(LoginRequiredMixin, TemplateView):
    """What depends on one object; another organisation's object is 404."""

    template_name = "landscape/impact.html"
    compute = None  # usage_impact, supplier_impact or contract_impact
    uuid_argument = ""

    def get(self, request, *args, **kwargs):
        self.depth_error = None
        try:
            depth = parse_depth(request.GET.get("depth"))
        except DepthError:
            depth = DEFAULT_DEPTH
            self.depth_error = _("Dybden skal være et helt tal fra 1 til %(max)s.") % {
                "max": MAX_DEPTH}
        try:
            self.impact = type(self).compute(
                user=request.user, depth=depth, **{self.uuid_argument: kwargs["uuid"]})
        except ObjectDoesNotExist:
            raise Http404 from None
        if request.GET.get("format") == "xlsx":
            name = slugify(str(self.impact.subject)) or "objekt"
            return workbook_response(
                impact_workbook(self.impact),
                f"konsekvensanalyse-{name}-{timezone.localdate().isoformat()}.xlsx",
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query["format"] = "xlsx"
        query["depth"] = str(self.impact.depth)
        return super().get_context_data(
            impact=self.impact, kind_label=kind_label(self.impact.kind),
            depth_error=self.depth_error, depths=range(1, MAX_DEPTH + 1),
            export_url=f"{self.request.path}?{query.urlencode()}", **kwargs,
        )


class UsageImpactView(ImpactView):
    compute = staticmethod(usage_impact)
    uuid_argument = "usage_uuid"


class SupplierImpactView(ImpactView):
    compute = staticmethod(supplier_impact)
    uuid_argument = "supplier_uuid"


class ContractImpactView(ImpactView):
    compute = staticmethod(contract_impact)
    uuid_argument = "contract_uuid"
