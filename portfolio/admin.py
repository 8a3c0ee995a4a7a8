"""Admin for the KLE taxonomy, the shared system and supplier catalogs, system usages and
integrations."""

from django.contrib import admin

from kitos.admin_base import (
    KitosInline,
    KitosModelAdmin,
    LinkInline,
    LinkSetFormSet,
    LinkTableAdmin,
    SystemWrittenAdmin,
    editable_values,
    service_call,
)
from kitos.services import update_object

from .models import (
    Integration,
    Interface,
    ItSystem,
    KleNumber,
    RightsHolderAccess,
    Supplier,
    SystemUsage,
    SystemUsageUnit,
    UsageJournalPeriod,
)
from .services import (
    rights_holder_access_grant,
    rights_holder_access_revoke,
    usage_create,
    usage_update,
)

RelatedOnly = admin.RelatedOnlyFieldListFilter


@admin.register(KleNumber)
class KleNumberAdmin(SystemWrittenAdmin):
    """KLE is a national taxonomy maintained by its import, and has no edit policy for
    the services to check: read-only here (it is listed for the autocomplete)."""

    list_display = ("number", "title", "parent")
    list_filter = (("parent", admin.EmptyFieldListFilter),)
    search_fields = ("number", "title")
    list_select_related = ("parent",)


@admin.register(ItSystem)
class ItSystemAdmin(KitosModelAdmin):
    list_display = (
        "name",
        "rights_holder",
        "business_type",
        "licence_model",
        "is_local",
        "owner_organisation",
    )
    list_filter = (
        "is_local",
        "business_type",
        "licence_model",
        ("owner_organisation", RelatedOnly),
    )
    search_fields = ("name", "previous_names", "external_reference", "rights_holder__name")
    list_select_related = ("rights_holder", "owner_organisation")
    autocomplete_fields = ("rights_holder", "parent", "kle_numbers")


class UsingUnitsFormSet(LinkSetFormSet):
    def service_arguments(self, rows):
        return {"using_units": [row["unit"] for row in rows]}


class SystemUsageUnitInline(LinkInline):
    model = SystemUsageUnit
    formset = UsingUnitsFormSet
    autocomplete_fields = ("unit",)
    list_select_related = ("usage__system", "unit")


class JournalPeriodInline(KitosInline):
    model = UsageJournalPeriod
    fields = ("archive_id", "start_date", "end_date", "approved")
    list_select_related = ("usage__system",)


@admin.register(SystemUsage)
class SystemUsageAdmin(KitosModelAdmin):
    list_display = (
        "__str__",
        "system",
        "organisation",
        "responsible_unit",
        "lifecycle",
        "criticality",
        "updated_at",
    )
    list_filter = (
        "lifecycle",
        "criticality",
        "hosting",
        "data_classification",
        "socially_critical",
        "contains_ai",
        "archive_duty",
        "sensitive_personal_data",
        "risk_assessment",
        "dpia",
        ("organisation", RelatedOnly),
    )
    search_fields = ("local_name", "local_id", "system__name", "external_reference")
    list_select_related = ("system", "organisation", "responsible_unit")
    autocomplete_fields = ("system", "responsible_unit", "archive_supplier", "kle_added",
                           "kle_removed")
    inlines = (SystemUsageUnitInline, JournalPeriodInline)

    # The same services as the form and the API: the usage with its using units, its
    # sensitive data types and its local KLE deviations.
    def create(self, actor, obj, m2m, **units):
        return usage_create(actor=actor, **editable_values(obj), **_links(m2m), **units)

    def update(self, actor, obj, data, m2m, **units):
        return usage_update(actor=actor, usage=obj, data=data, **_links(m2m), **units)


def _links(m2m) -> dict:
    return {name: m2m[name] for name in ("sensitive_data_types", "kle_added", "kle_removed")
            if name in m2m}


@admin.register(SystemUsageUnit)
class SystemUsageUnitAdmin(LinkTableAdmin):
    list_display = ("usage", "unit", "organisation")
    list_filter = (("organisation", RelatedOnly),)
    search_fields = ("usage__local_name", "usage__system__name", "unit__name")
    list_select_related = ("usage__system", "unit", "organisation")


@admin.register(Integration)
class IntegrationAdmin(KitosModelAdmin):
    list_display = (
        "name",
        "source",
        "target",
        "direction",
        "interface_type",
        "frequency",
        "organisation",
    )
    list_filter = ("direction", "interface_type", "frequency", ("organisation", RelatedOnly))
    search_fields = (
        "name",
        "external_reference",
        "source__local_name",
        "source__system__name",
        "target__local_name",
        "target__system__name",
    )
    list_select_related = ("source__system", "target__system", "organisation")
    autocomplete_fields = ("source", "target", "interface")


@admin.register(Interface)
class InterfaceAdmin(KitosModelAdmin):
    """The interface catalog; the data rows are kept on the interface's page (they are
    written with the interface by portfolio.services)."""

    list_display = ("name", "interface_id", "version", "interface_type", "exposed_by",
                    "is_deactivated", "is_local", "owner_organisation")
    list_filter = ("is_local", "is_deactivated", ("owner_organisation", RelatedOnly))
    search_fields = ("name", "interface_id", "exposed_by__name")
    list_select_related = ("interface_type", "exposed_by", "owner_organisation")
    autocomplete_fields = ("exposed_by",)


class RightsHolderAccessInline(admin.TabularInline):
    """The supplier's users with rights-holder access (portfolio.rights_holders): granted
    and taken away by superusers only, as OS2KITOS's global administrators do."""

    model = RightsHolderAccess
    extra = 0
    fields = ("user", "note", "created_at")
    readonly_fields = ("created_at",)
    raw_id_fields = ("user",)


@admin.register(Supplier)
class SupplierAdmin(KitosModelAdmin):
    list_display = ("name", "cvr", "country", "is_local", "owner_organisation")
    list_filter = ("is_local", "country", ("owner_organisation", RelatedOnly))
    search_fields = ("name", "cvr", "external_reference")
    list_select_related = ("owner_organisation",)

    def save_formset(self, request, form, formset, change):
        if formset.model is not RightsHolderAccess:
            return super().save_formset(request, form, formset, change)
        # Granting and taking away access are audited through the services.
        with service_call():
            for row in formset.save(commit=False):
                if row.pk is None:
                    rights_holder_access_grant(actor=request.user, user=row.user,
                                               supplier=form.instance, note=row.note)
                else:
                    update_object(actor=request.user, instance=row, data={"note": row.note})
            for row in formset.deleted_objects:
                rights_holder_access_revoke(actor=request.user, access=row)

    def get_inlines(self, request, obj):
        # Who keeps a supplier's catalog entries is a superuser's decision.
        if obj is not None and request.user.is_superuser and not obj.is_local:
            return (RightsHolderAccessInline,)
        return ()
