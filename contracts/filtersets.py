"""FilterSets of the contracts app: the same filters for the HTML lists, the API, the
Excel export and the dashboard counts."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from kitos.filtersets import BaseFilterSet, UUIDInFilter

from . import choices
from .models import Contract, CostLine, Supplier


class SupplierFilterSet(BaseFilterSet):
    search_fields = ("name", "cvr")

    cvr = django_filters.CharFilter(label=_("CVR-nummer"))
    country = django_filters.CharFilter(label=_("land"))

    class Meta:
        model = Supplier
        fields = ["cvr", "country", "is_local"]


class ContractFilterSet(BaseFilterSet):
    search_fields = ("name", "contract_number", "supplier__name")

    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))
    supplier = UUIDInFilter(field_name="supplier__uuid", label=_("leverandør"))
    responsible_unit = UUIDInFilter(field_name="responsible_unit__uuid",
                                    label=_("ansvarlig enhed"))
    status = django_filters.MultipleChoiceFilter(choices=choices.ContractStatus.choices,
                                                 label=_("status"))
    contract_type = django_filters.MultipleChoiceFilter(choices=choices.ContractType.choices,
                                                        label=_("kontrakttype"))
    notice_deadline = django_filters.DateFromToRangeFilter(label=_("sidste frist for opsigelse"))
    retender_start = django_filters.DateFromToRangeFilter(label=_("seneste start på genudbud"))
    next_end = django_filters.DateFromToRangeFilter(label=_("næste mulige ophør"))
    expiry_date = django_filters.DateFromToRangeFilter(label=_("udløbsdato"))
    usage = UUIDInFilter(field_name="usages__uuid", label=_("systemanvendelse"), distinct=True)

    class Meta:
        model = Contract
        fields = ["procurement_form", "criticality"]


class CostLineFilterSet(BaseFilterSet):
    contract = UUIDInFilter(field_name="contract__uuid", label=_("kontrakt"))
    unit = UUIDInFilter(field_name="unit__uuid", label=_("enhed"))

    class Meta:
        model = CostLine
        fields = ["year", "kind"]
