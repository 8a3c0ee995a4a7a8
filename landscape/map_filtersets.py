"""The landscape map's filters: the system usage filters of the portfolio (unit with
the units below it, lifecycle, criticality ...) plus the supplier, so the map, its data,
its SVG and its Excel export narrow the same way."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from kitos.filtersets import UUIDInFilter
from portfolio.filtersets import SystemUsageFilterSet

GROUP_BY_FORVALTNING = "forvaltning"
GROUP_BY_BUSINESS_TYPE = "business_type"
GROUP_CHOICES = (
    (GROUP_BY_FORVALTNING, _("Forvaltning")),
    (GROUP_BY_BUSINESS_TYPE, _("Forretningstype")),
)


class LandscapeMapFilterSet(SystemUsageFilterSet):
    """Which usages are the map's nodes. `group` only says how they are grouped."""

    supplier = UUIDInFilter(field_name="system__rights_holder__uuid",
                            label=_("leverandør"))
    group = django_filters.ChoiceFilter(choices=GROUP_CHOICES, method="filter_nothing",
                                        label=_("gruppér efter"), empty_label=None)

    def filter_nothing(self, queryset, name, value):
        return queryset

    @property
    def group_by(self) -> str:
        data = self.form.cleaned_data if self.form.is_valid() else {}
        return data.get("group") or GROUP_BY_FORVALTNING
