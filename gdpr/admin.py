"""Admin for data categories, data assets, processing activities and data processing
agreements with their sub-processors and oversight."""

from django.contrib import admin

from kitos.admin_base import (
    KitosInline,
    KitosModelAdmin,
    LinkInline,
    LinkSetFormSet,
    LinkTableAdmin,
    editable_values,
)

from .models import (
    DataAsset,
    DataAssetUsage,
    DataCategory,
    DataProcessingAgreement,
    OversightRecord,
    ProcessingActivity,
    SubProcessor,
)
from .services import (
    agreement_create,
    agreement_update,
    data_asset_create,
    data_asset_update,
    oversight_record_create,
    oversight_record_delete,
    oversight_record_update,
    sub_processor_create,
    sub_processor_delete,
    sub_processor_update,
)

RelatedOnly = admin.RelatedOnlyFieldListFilter


@admin.register(DataCategory)
class DataCategoryAdmin(KitosModelAdmin):
    list_display = ("name", "code", "kind", "parent", "organisation")
    list_filter = ("kind", ("organisation", RelatedOnly))  # "-" lists the standard ones
    search_fields = ("name", "code")
    list_select_related = ("parent", "organisation")
    prepopulated_fields = {"code": ("name",)}


class DataAssetUsageFormSet(LinkSetFormSet):
    def service_arguments(self, rows):
        # data_asset_create/data_asset_update write and audit the links with the asset.
        return {"usage_links": [(row["usage"], row.get("use")) for row in rows]}


class DataAssetUsageInline(LinkInline):
    model = DataAssetUsage
    formset = DataAssetUsageFormSet
    autocomplete_fields = ("usage",)
    list_select_related = ("asset", "usage__system")


@admin.register(DataAsset)
class DataAssetAdmin(KitosModelAdmin):
    list_display = ("name", "organisation", "owning_unit", "classification", "updated_at")
    list_filter = ("classification", ("organisation", RelatedOnly))
    search_fields = ("name", "description", "external_reference")
    list_select_related = ("organisation", "owning_unit")
    autocomplete_fields = ("owning_unit", "categories", "integrations")
    inlines = (DataAssetUsageInline,)

    # The same services as the form and the API: the asset with its usage links.
    def create(self, actor, obj, m2m, **links):
        return data_asset_create(actor=actor, asset=obj, m2m=m2m, **links)

    def update(self, actor, obj, data, m2m, **links):
        return data_asset_update(actor=actor, asset=obj, data=data, m2m=m2m, **links)


@admin.register(DataAssetUsage)
class DataAssetUsageAdmin(LinkTableAdmin):
    list_display = ("asset", "usage", "use", "organisation")
    list_filter = ("use", ("organisation", RelatedOnly))
    search_fields = ("asset__name", "usage__local_name", "usage__system__name")
    list_select_related = ("asset", "usage__system", "organisation")


@admin.register(ProcessingActivity)
class ProcessingActivityAdmin(KitosModelAdmin):
    list_display = (
        "name",
        "standard_number",
        "organisation",
        "responsible_unit",
        "legal_basis_art6",
        "dpia_needed",
        "dpia_done",
        "risk_level",
    )
    list_filter = (
        "legal_basis_art6",
        "legal_basis_art9",
        "dpia_needed",
        "dpia_done",
        "risk_level",
        "third_country_transfer",
        ("organisation", RelatedOnly),
    )
    search_fields = ("name", "standard_number", "purpose", "external_reference")
    list_select_related = ("organisation", "responsible_unit")
    autocomplete_fields = (
        "responsible_unit",
        "data_categories",
        "usages",
        "data_assets",
        "kle_numbers",
    )


class OversightRecordWrites:
    """Recording a supervision also moves the agreement's next due date."""

    def create(self, actor, obj, m2m):
        return oversight_record_create(actor=actor, **editable_values(obj))

    def update(self, actor, obj, data, m2m):
        return oversight_record_update(actor=actor, record=obj, data=data)

    def remove(self, actor, obj):
        oversight_record_delete(actor=actor, record=obj)


class SubProcessorWrites:
    """The same services as the agreement page's sub-processor forms."""

    def create(self, actor, obj, m2m):
        return sub_processor_create(actor=actor, **editable_values(obj))

    def update(self, actor, obj, data, m2m):
        return sub_processor_update(actor=actor, sub_processor=obj, data=data)

    def remove(self, actor, obj):
        sub_processor_delete(actor=actor, sub_processor=obj)


class SubProcessorInline(SubProcessorWrites, KitosInline):
    model = SubProcessor
    autocomplete_fields = ("supplier",)
    list_select_related = ("supplier",)
    show_change_link = True


class OversightRecordInline(OversightRecordWrites, KitosInline):
    model = OversightRecord
    fields = ("date", "method", "result", "report_url")
    list_select_related = ("agreement",)
    show_change_link = True


@admin.register(DataProcessingAgreement)
class DataProcessingAgreementAdmin(KitosModelAdmin):
    list_display = (
        "name",
        "processor",
        "contract",
        "organisation",
        "concluded_on",
        "ended_on",
        "next_oversight_date",
        "third_country_transfer",
    )
    list_filter = (
        "oversight_method",
        "oversight_interval",
        "third_country_transfer",
        ("ended_on", admin.EmptyFieldListFilter),
        ("organisation", RelatedOnly),
    )
    search_fields = ("name", "external_reference", "processor__name", "contract__name")
    list_select_related = ("processor", "contract", "organisation")
    autocomplete_fields = ("processor", "contract", "usages")
    date_hierarchy = "next_oversight_date"
    inlines = (SubProcessorInline, OversightRecordInline)

    # The same services as the API: the next oversight date follows interval and records.
    def create(self, actor, obj, m2m):
        return agreement_create(actor=actor, agreement=obj, m2m=m2m or None)

    def update(self, actor, obj, data, m2m):
        return agreement_update(actor=actor, agreement=obj, data=data, m2m=m2m or None)


@admin.register(SubProcessor)
class SubProcessorAdmin(SubProcessorWrites, KitosModelAdmin):
    list_display = ("supplier", "agreement", "service", "country", "transfer_basis")
    list_filter = ("country", "transfer_basis", ("agreement__organisation", RelatedOnly))
    search_fields = ("supplier__name", "agreement__name", "service")
    list_select_related = ("supplier", "agreement")
    autocomplete_fields = ("agreement", "supplier")


@admin.register(OversightRecord)
class OversightRecordAdmin(OversightRecordWrites, KitosModelAdmin):
    list_display = ("agreement", "date", "method", "result")
    list_filter = ("method", "result", ("agreement__organisation", RelatedOnly))
    search_fields = ("agreement__name", "notes")
    list_select_related = ("agreement",)
    autocomplete_fields = ("agreement",)
    date_hierarchy = "date"
