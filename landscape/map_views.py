"""The landscape map: the page (filters, the map drawn by static/landscape/map.js, the
list of systems and the table of integrations, which work without JavaScript), its
data as JSON, its SVG and the edge table as Excel. All four read the same filters
(landscape.map_filtersets) and show the organisation the user works in."""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from kitos.excel.writer import SheetData, build_workbook, workbook_response
from portfolio import choices
from portfolio.models import Integration, Supplier, SystemUsage
from roles.views import ActiveOrganisationMixin

from .map_filtersets import GROUP_CHOICES, LandscapeMapFilterSet
from .map_graph import LandscapeMap, build_map, map_usages


class LandscapeMapMixin(ActiveOrganisationMixin):
    """The filtered map of the active organisation. A `within` unit that is not one of
    the organisation's units is 404, as on the other pages scoped to a unit."""

    @cached_property
    def filterset(self) -> LandscapeMapFilterSet:
        usages = SystemUsage.objects.visible_to(self.request.user).in_organisation(
            self.organisation.pk
        )
        filterset = LandscapeMapFilterSet(self.request.GET, queryset=usages,
                                          request=self.request)
        if self.request.GET.get("within") and not filterset.is_valid() \
                and "within" in filterset.errors:
            raise Http404
        unit = filterset.form.cleaned_data.get("within") if filterset.is_valid() else None
        if unit is not None and unit.organisation_id != self.organisation.pk:
            raise Http404
        return filterset

    @cached_property
    def landscape(self) -> LandscapeMap | None:
        filterset = self.filterset
        if not filterset.is_valid():
            return None
        usages = map_usages(filterset.qs, today=self.today,
                            lifecycle_chosen=bool(filterset.form.cleaned_data.get("lifecycle")))
        return build_map(
            organisation=self.organisation, usages=usages,
            integrations=Integration.objects.visible_to(self.request.user),
            group_by=filterset.group_by,
        )

    def errors(self) -> list[str]:
        return [f"{self.filterset.form.fields[name].label}: {' '.join(messages)}"
                if name in self.filterset.form.fields else " ".join(messages)
                for name, messages in self.filterset.errors.items()]


class LandscapeMapView(LandscapeMapMixin, TemplateView):
    """The map with its filters, the systems as a keyboard list and the integrations as a
    table; `?format=xlsx` downloads that table."""

    template_name = "landscape/map.html"

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx" and self.landscape is not None:
            headers, rows = self.landscape.sheet_rows()
            content = build_workbook([SheetData(title=str(_("Integrationer")),
                                                headers=headers, rows=rows)])
            return workbook_response(
                content, f"landskabskort-{self.today.isoformat()}.xlsx")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("format", None)
        xlsx_query = query.copy()
        xlsx_query["format"] = "xlsx"
        suffix = f"?{query.urlencode()}" if query else ""
        form = self.filterset.form
        chosen = form.cleaned_data if self.filterset.is_valid() else {}
        context.update(
            landscape=self.landscape,
            map_data=self.landscape.as_json() if self.landscape is not None else None,
            errors=self.errors(),
            query_suffix=suffix,
            export_url=f"{self.request.path}?{xlsx_query.urlencode()}",
            group_choices=GROUP_CHOICES,
            group_by=self.filterset.group_by,
            units=self.units(),
            lifecycle_choices=choices.Lifecycle.choices,
            criticality_choices=choices.Criticality.choices,
            suppliers=Supplier.objects.filter(
                systems__usages__organisation=self.organisation
            ).distinct().order_by("name"),
            chosen_within=str(chosen["within"].uuid) if chosen.get("within") else "",
            chosen_lifecycles=chosen.get("lifecycle") or [],
            chosen_criticalities=chosen.get("criticality") or [],
            chosen_suppliers=[str(value) for value in chosen.get("supplier") or []],
        )
        return context


class LandscapeMapDataView(LandscapeMapMixin, View):
    """The map's elements for cytoscape (and any other reader), same filters as the
    page; a bad filter is 400 with the reasons."""

    def get(self, request, *args, **kwargs):
        if self.landscape is None:
            return JsonResponse({"errors": self.errors()}, status=400)
        response = JsonResponse(self.landscape.as_json())
        response["Cache-Control"] = "private, no-store"
        return response


class LandscapeMapSvgView(LandscapeMapMixin, View):
    """The map as an SVG image drawn from the same layout; each system links to its
    page. Downloaded (Content-Disposition) so the file keeps a name."""

    def get(self, request, *args, **kwargs):
        if self.landscape is None:
            return JsonResponse({"errors": self.errors()}, status=400)
        response = render(request, "landscape/map.svg",
                          {"landscape": self.landscape, "organisation": self.organisation,
                           "base_url": request.build_absolute_uri("/").rstrip("/")},
                          content_type="image/svg+xml; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="landskabskort-{timezone.localdate().isoformat()}.svg"'
        )
        return response
