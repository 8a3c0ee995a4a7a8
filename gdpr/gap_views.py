"""Gap analysis pages (gdpr/gaps.py): the overview per forvaltning as a heat-map table
and the objects with one gap, each with a link to fix it."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from roles.views import ForvaltningScopeMixin

from . import gaps

GAP_PAGE_SIZE = 50


class GapOverviewView(ForvaltningScopeMixin, TemplateView):
    """Every gap rule counted for an organisation or a unit with its subtree, per unit
    right below it (a heat-map table: the numbers in the cells, colour only as an extra)."""

    template_name = "gdpr/gap_overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        heat_map = gaps.gap_counts_by_unit(
            user=self.request.user,
            organisation=self.organisation,
            unit=self.unit,
            today=timezone.localdate(),
            units=self.units,
        )
        highest = max(
            (n for counts in heat_map.counts.values() for n in counts.values()), default=0
        )
        unit_ids = {unit.pk for unit in heat_map.units}
        # The extra columns (the unit itself, no unit) only when something is in them.
        columns = [
            column
            for column in _heat_map_columns(heat_map.breakdown)
            if column[1] in unit_ids
            or any(counts.get(column[1]) for counts in heat_map.counts.values())
        ]
        context["columns"] = columns
        context["rows"] = [
            {
                "rule": rule,
                "total": heat_map.totals[rule.key],
                "cells": [
                    {
                        "count": heat_map.counts[rule.key].get(key, 0),
                        "level": _heat_level(heat_map.counts[rule.key].get(key, 0), highest),
                        "query": query,
                    }
                    for _heading, key, query in columns
                ],
            }
            for rule in gaps.all_rules()
        ]
        context["gap_total"] = sum(heat_map.totals.values())
        context["scope_query"] = f"within={self.unit.uuid}" if self.unit else ""
        return context


def _heat_level(count: int, highest: int) -> int:
    """0 for none, 1–4 by the share of the highest count in the table."""
    if not count or not highest:
        return 0
    return min(4, 1 + (4 * count - 1) // highest)


def _heat_map_columns(breakdown) -> list[tuple[str, object, str]]:
    """(heading, row key, query string of the objects counted) per column."""
    columns = [(unit.name, unit.pk, f"within={unit.uuid}") for unit in breakdown.units]
    own = breakdown.own_unit
    if own is not None:
        columns.append(
            (_("%(unit)s selv") % {"unit": own.name}, own.pk, f"within={own.uuid}&direct=1")
        )
    if breakdown.with_unitless:
        columns.append((_("Uden enhed"), None, "without_unit=1"))
    return columns


class GapRuleView(ForvaltningScopeMixin, TemplateView):
    """The objects with one gap, each with a link to its page and, for editors, to the
    form that fixes it.
    One cell of the heat map: ``direct=1`` narrows to the chosen unit itself (without
    its subtree), ``without_unit=1`` (whole organisation) to objects without a unit."""

    template_name = "gdpr/gap_rule.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rule = gaps.RULES_BY_KEY.get(self.kwargs["key"])
        if rule is None:
            raise Http404
        objects = gaps.offending(
            rule,
            user=self.request.user,
            organisation=self.organisation,
            unit=self.unit,
            today=timezone.localdate(),
        ).select_related(*rule.related).prefetch_related(*rule.prefetch)
        direct = self.unit is not None and self.request.GET.get("direct") == "1"
        without_unit = self.unit is None and self.request.GET.get("without_unit") == "1"
        if direct:
            objects = objects.filter(**{rule.unit_field: self.unit})
        if without_unit:
            objects = objects.filter(**{f"{rule.unit_field}__isnull": True})
        page = Paginator(objects, GAP_PAGE_SIZE).get_page(self.request.GET.get("side"))
        # The fix forms come back to this page (where the fixed object is then gone);
        # a reader could not save them, so is shown none.
        here = self.request.get_full_path()
        context.update(
            rule=rule,
            can_edit=self.can_edit,
            direct=direct,
            without_unit=without_unit,
            page=page,
            items=[
                {
                    "object": obj,
                    "unit": rule.unit_of(obj),
                    "detail_url": rule.detail_url(obj),
                    "fix_url": rule.fix_url(obj, next_url=here) if self.can_edit else None,
                }
                for obj in page.object_list
            ],
            scope_query="&".join(
                part
                for part in (
                    f"within={self.unit.uuid}" if self.unit else "",
                    "direct=1" if direct else "",
                    "without_unit=1" if without_unit else "",
                )
                if part
            ),
        )
        return context
