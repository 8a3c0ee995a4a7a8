"""FilterSets of the gdpr app: the same filters for the HTML lists, the API, the Excel
export and the dashboard counts."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kitos.filtersets import BaseFilterSet, UUIDInFilter
from portfolio.choices import DataClassification
from roles.filtersets import SubtreeFilter

from . import choices
from .models import (
    DataAsset,
    DataCategory,
    DataProcessingAgreement,
    OversightRecord,
    ProcessingActivity,
    SubProcessor,
    agreement_in_force,
)


class DataCategoryFilterSet(BaseFilterSet):
    search_fields = ("name", "code")

    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))
    standard = django_filters.BooleanFilter(
        field_name="organisation", lookup_expr="isnull", label=_("standardkategori")
    )
    kind = django_filters.MultipleChoiceFilter(choices=choices.DataCategoryKind.choices,
                                               label=_("art"))
    parent = UUIDInFilter(field_name="parent__uuid", label=_("overordnet kategori"))

    class Meta:
        model = DataCategory
        fields = ["code"]


class DataAssetFilterSet(BaseFilterSet):
    search_fields = ("name", "description", "external_reference")

    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))
    owning_unit = UUIDInFilter(field_name="owning_unit__uuid", label=_("dataejende enhed"))
    category = UUIDInFilter(field_name="categories__uuid", label=_("datakategori"),
                            distinct=True)
    usage = UUIDInFilter(field_name="usage_links__usage__uuid", label=_("system"),
                         distinct=True)
    classification = django_filters.MultipleChoiceFilter(choices=DataClassification.choices,
                                                         label=_("klassifikation"))

    class Meta:
        model = DataAsset
        fields = []


class ProcessingActivityFilterSet(BaseFilterSet):
    search_fields = ("name", "standard_number", "purpose", "external_reference")

    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))
    responsible_unit = UUIDInFilter(field_name="responsible_unit__uuid",
                                    label=_("ansvarlig enhed"))
    within = SubtreeFilter(path_field="responsible_unit__path",
                           label=_("ansvarlig enhed eller en enhed under den"))
    usage = UUIDInFilter(field_name="usages__uuid", label=_("system"), distinct=True)
    data_category = UUIDInFilter(field_name="data_categories__uuid",
                                 label=_("datakategori"), distinct=True)
    dpia_needed = django_filters.MultipleChoiceFilter(choices=choices.DpiaNeed.choices,
                                                      label=_("konsekvensanalyse nødvendig"))
    has_legal_basis = django_filters.BooleanFilter(method="filter_has_legal_basis",
                                                   label=_("har retsgrundlag (art. 6)"))
    kle = django_filters.CharFilter(method="filter_kle", label=_("KLE-nummer (begynder med)"))
    risk_level = django_filters.MultipleChoiceFilter(choices=choices.RiskLevel.choices,
                                                     label=_("risikoniveau"))

    class Meta:
        model = ProcessingActivity
        fields = ["dpia_done", "third_country_transfer", "standard_number"]

    def filter_has_legal_basis(self, queryset, name, value):
        # Article 6 is the basis every processing needs; article 9 only adds to it.
        lacking = Q(legal_basis_art6="")
        return queryset.exclude(lacking) if value else queryset.filter(lacking)

    def filter_kle(self, queryset, name, value):
        return queryset.filter(kle_numbers__number__startswith=value.strip()).distinct()


class DataProcessingAgreementFilterSet(BaseFilterSet):
    search_fields = ("name", "external_reference", "processor__name", "contract__name")

    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))
    processor = UUIDInFilter(field_name="processor__uuid", label=_("databehandler"))
    contract = UUIDInFilter(field_name="contract__uuid", label=_("kontrakt"))
    usage = UUIDInFilter(field_name="usages__uuid", label=_("systemanvendelse"), distinct=True)
    oversight_overdue = django_filters.BooleanFilter(method="filter_oversight_overdue",
                                                     label=_("tilsyn overskredet"))
    next_oversight_date = django_filters.DateFromToRangeFilter(label=_("næste tilsyn"))

    class Meta:
        model = DataProcessingAgreement
        fields = ["third_country_transfer", "oversight_method", "oversight_interval"]

    def filter_oversight_overdue(self, queryset, name, value):
        today = timezone.localdate()
        # An ended agreement needs no more oversight (as on its page and in the alerts).
        overdue = Q(next_oversight_date__lt=today) & agreement_in_force(today)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class SubProcessorFilterSet(BaseFilterSet):
    search_fields = ("supplier__name", "service")

    agreement = UUIDInFilter(field_name="agreement__uuid", label=_("databehandleraftale"))
    supplier = UUIDInFilter(field_name="supplier__uuid", label=_("underdatabehandler"))

    class Meta:
        model = SubProcessor
        fields = ["country", "transfer_basis"]


class OversightRecordFilterSet(BaseFilterSet):
    agreement = UUIDInFilter(field_name="agreement__uuid", label=_("databehandleraftale"))
    date = django_filters.DateFromToRangeFilter(label=_("dato"))

    class Meta:
        model = OversightRecord
        fields = ["method", "result"]
