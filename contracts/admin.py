"""Admin for contracts, the usages they cover and their cost lines."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kitos.admin_base import (
    KitosInline,
    KitosModelAdmin,
    LinkInline,
    LinkSetFormSet,
    LinkTableAdmin,
    editable_values,
)

from .models import Contract, ContractCoverage, CostLine, DeadlineDecision
from .services import (
    contract_create,
    contract_update,
    deadline_decision_delete,
    deadline_decision_record,
)

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
    fields = ("year", "kind", "amount", "unit", "note", "accounting_entry", "audit_status",
              "audited_on")
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
            actor=actor, **editable_values(obj), integrations=m2m.get("integrations"),
            agreement_elements=m2m.get("agreement_elements"), **coverage
        )

    def update(self, actor, obj, data, m2m, **coverage):
        return contract_update(
            actor=actor, contract=obj, data=data or None,
            integrations=m2m.get("integrations"),
            agreement_elements=m2m.get("agreement_elements"), **coverage,
        )


@admin.register(ContractCoverage)
class ContractCoverageAdmin(LinkTableAdmin):
    list_display = ("contract", "usage", "is_main", "organisation")
    list_filter = ("is_main", ("organisation", RelatedOnly))
    search_fields = ("contract__name", "usage__local_name", "usage__system__name")
    list_select_related = ("contract", "usage__system", "organisation")


@admin.register(CostLine)
class CostLineAdmin(KitosModelAdmin):
    list_display = ("contract", "year", "kind", "amount", "unit", "audit_status")
    list_filter = ("year", "kind", "audit_status", ("contract__organisation", RelatedOnly))
    search_fields = ("contract__name", "contract__contract_number", "note")
    list_select_related = ("contract", "unit")
    autocomplete_fields = ("contract", "unit")


@admin.register(DeadlineDecision)
class DeadlineDecisionAdmin(KitosModelAdmin):
    """Decisions on contract deadlines, written by the same service as the contract page
    (who decided and when are set by it)."""

    list_display = ("contract", "deadline", "kind", "decided_by", "decided_at", "organisation")
    list_filter = ("kind", ("organisation", RelatedOnly))
    search_fields = ("contract__name", "contract__contract_number", "note")
    list_select_related = ("contract", "decided_by", "organisation")
    autocomplete_fields = ("contract",)
    fields = ("contract", "deadline", "kind", "note", "decided_by", "decided_at")
    readonly_fields = ("decided_by", "decided_at")
    date_hierarchy = "deadline"

    def create(self, actor, obj, m2m, **links):
        return deadline_decision_record(
            actor=actor, contract=obj.contract, deadline=obj.deadline, kind=obj.kind,
            note=obj.note,
        )

    def update(self, actor, obj, data, m2m, **links):
        if {"contract", "deadline"} & set(data):
            raise ValidationError(
                _("Kontrakt og frist kan ikke ændres; registrér en ny beslutning i stedet.")
            )
        return deadline_decision_record(
            actor=actor, contract=obj.contract, deadline=obj.deadline,
            kind=data.get("kind", obj.kind), note=data.get("note", obj.note),
        )

    def remove(self, actor, obj) -> None:
        deadline_decision_delete(actor=actor, decision=obj)
