"""Admin for contracts, the usages they cover and their cost lines."""

from django.contrib import admin

from kitos.admin_base import (
    KitosInline,
    KitosModelAdmin,
    LinkInline,
    LinkSetFormSet,
    LinkTableAdmin,
    editable_values,
)

from .models import Contract, ContractCoverage, CostLine
from .services import contract_create, contract_update

RelatedOnly = admin.RelatedOnlyFieldListFilter


class CoverageFormSet(LinkSetFormSet):
    def service_arguments(self, rows):
        # contract_create/contract_update also demote another contract's main link.
        return {
            "usages": [row["usage"] for row in rows],
            "main_for": [row["usage"] for row in rows if row.get("is_main")],
        }


class ContractCoverageInline(LinkInline):
    model = ContractCoverage
    formset = CoverageFormSet
    autocomplete_fields = ("usage",)
    list_select_related = ("contract", "usage__system")


class CostLineInline(KitosInline):
    model = CostLine
    fields = ("year", "kind", "amount", "unit", "note")
    autocomplete_fields = ("unit",)
    list_select_related = ("contract", "unit")
    show_change_link = True


@admin.register(Contract)
class ContractAdmin(KitosModelAdmin):
    list_display = (
        "name",
        "contract_number",
        "supplier",
        "organisation",
        "responsible_unit",
        "start_date",
        "expiry_date",
        "terminated_on",
    )
    list_filter = (
        "contract_type",
        "procurement_form",
        "criticality",
        ("terminated_on", admin.EmptyFieldListFilter),
        ("organisation", RelatedOnly),
    )
    search_fields = ("name", "contract_number", "external_reference", "supplier__name")
    list_select_related = ("supplier", "organisation", "responsible_unit")
    autocomplete_fields = ("supplier", "responsible_unit", "parent", "integrations")
    date_hierarchy = "expiry_date"
    inlines = (ContractCoverageInline, CostLineInline)

    # The same services as the form and the API: the contract with its coverage.
    def create(self, actor, obj, m2m, **coverage):
        return contract_create(
            actor=actor, **editable_values(obj), integrations=m2m.get("integrations"), **coverage
        )

    def update(self, actor, obj, data, m2m, **coverage):
        return contract_update(
            actor=actor, contract=obj, data=data or None,
            integrations=m2m.get("integrations"), **coverage,
        )


@admin.register(ContractCoverage)
class ContractCoverageAdmin(LinkTableAdmin):
    list_display = ("contract", "usage", "is_main", "organisation")
    list_filter = ("is_main", ("organisation", RelatedOnly))
    search_fields = ("contract__name", "usage__local_name", "usage__system__name")
    list_select_related = ("contract", "usage__system", "organisation")


@admin.register(CostLine)
class CostLineAdmin(KitosModelAdmin):
    list_display = ("contract", "year", "kind", "amount", "unit")
    list_filter = ("year", "kind", ("contract__organisation", RelatedOnly))
    search_fields = ("contract__name", "contract__contract_number", "note")
    list_select_related = ("contract", "unit")
    autocomplete_fields = ("contract", "unit")
