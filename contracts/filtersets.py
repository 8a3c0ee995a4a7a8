"""FilterSets of the contracts app: the same filters for the HTML lists, the API, the
Excel export and the dashboard counts."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract, CostLine, DeadlineDecision
from kitos.filtersets import BaseFilterSet, UUIDInFilter
from kitos.options import OptionInFilter
from portfolio.models import Supplier
from roles.filtersets import SubtreeFilter
from roles.models import RoleAssignment, still_working

from . import choices
from .spend import valid_in_year

# The standard role type (roles/reference.py) whose holder answers for a contract.
CONTRACT_OWNER_ROLE = "kontraktejer"
# The years a contract's dates may lie in (the cost lines' range).
MIN_YEAR, MAX_YEAR = 1990, 2100


class YearFilter(django_filters.NumberFilter):
    """A calendar year, a whole number (min_value / max_value bound it)."""

    field_class = forms.IntegerField


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
    within = SubtreeFilter(path_field="responsible_unit__path",
                           label=_("ansvarlig enhed eller en enhed under den"))
    has_responsible_unit = django_filters.BooleanFilter(
        field_name="responsible_unit", lookup_expr="isnull", exclude=True,
        label=_("har en ansvarlig enhed"),
    )
    has_supplier = django_filters.BooleanFilter(
        field_name="supplier", lookup_expr="isnull", exclude=True, label=_("har en leverandør")
    )
    has_contract_owner = django_filters.BooleanFilter(method="filter_has_contract_owner",
                                                      label=_("har en kontraktejer"))
    has_notice_deadline = django_filters.BooleanFilter(
        field_name="notice_deadline", lookup_expr="isnull", exclude=True,
        label=_("har en frist for opsigelse eller option"),
    )
    valid_in_year = YearFilter(method="filter_valid_in_year", min_value=MIN_YEAR,
                               max_value=MAX_YEAR, label=_("gælder i året"))
    # Option lists (kitos.options), by the options' codes: ?payment_model=subscription.
    contract_template = OptionInFilter(field_name="contract_template",
                                       label=_("kontraktskabelon"))
    agreement_elements = OptionInFilter(field_name="agreement_elements", many=True,
                                        label=_("aftaleelementer"))
    procurement_strategy = OptionInFilter(field_name="procurement_strategy",
                                          label=_("genanskaffelsesstrategi"))
    payment_model = OptionInFilter(field_name="payment_model", label=_("betalingsmodel"))
    payment_frequency = OptionInFilter(field_name="payment_frequency",
                                       label=_("betalingsfrekvens"))
    price_regulation = OptionInFilter(field_name="price_regulation", label=_("prisregulering"))
    procurement_plan_year = django_filters.NumberFilter(
        min_value=MIN_YEAR, max_value=MAX_YEAR, label=_("genanskaffelse planlagt (år)"))
    has_signatures = django_filters.BooleanFilter(
        method="filter_has_signatures", label=_("underskrevet af begge parter"))

    class Meta:
        model = Contract
        fields = ["procurement_form", "criticality"]

    def filter_has_signatures(self, queryset, name, value):
        both = Q(customer_signed_on__isnull=False, supplier_signed_on__isnull=False)
        return queryset.filter(both if value else ~both)

    def filter_valid_in_year(self, queryset, name, value):
        return queryset.filter(valid_in_year(value))

    def filter_has_contract_owner(self, queryset, name, value):
        today = timezone.localdate()
        owners = RoleAssignment.objects.current(today).filter(
            still_working(today, "person__"),
            content_type=ContentType.objects.get_for_model(Contract),
            object_id=OuterRef("pk"),
            role_type__code=CONTRACT_OWNER_ROLE,
        )
        return queryset.filter(Exists(owners) if value else ~Exists(owners))


class CostLineFilterSet(BaseFilterSet):
    contract = UUIDInFilter(field_name="contract__uuid", label=_("kontrakt"))
    unit = UUIDInFilter(field_name="unit__uuid", label=_("enhed"))

    audit_status = django_filters.MultipleChoiceFilter(choices=choices.AuditStatus.choices,
                                                       label=_("revisionsstatus"))

    class Meta:
        model = CostLine
        fields = ["year", "kind"]


class DeadlineDecisionFilterSet(BaseFilterSet):
    search_fields = ("contract__name", "note")

    contract = UUIDInFilter(field_name="contract__uuid", label=_("kontrakt"))
    kind = django_filters.MultipleChoiceFilter(choices=choices.DecisionKind.choices,
                                               label=_("beslutning"))
    deadline = django_filters.DateFromToRangeFilter(label=_("frist"))
    current = django_filters.BooleanFilter(
        method="filter_current", label=_("gælder kontraktens aktuelle frist")
    )

    class Meta:
        model = DeadlineDecision
        fields = []

    def filter_current(self, queryset, name, value):
        current = queryset.for_current_deadlines()
        return current if value else queryset.exclude(pk__in=current.values("pk"))
