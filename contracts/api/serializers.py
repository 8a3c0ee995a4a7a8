"""API representations of suppliers, contracts and cost lines."""

from __future__ import annotations

from rest_framework import serializers

from contracts.models import Contract, CostLine, DeadlineDecision
from kitos.api.base import BaseSerializer, OptionField, OrganisationField, ScopedUUIDField
from kitos.models import Organisation
from portfolio.models import Supplier, SystemUsage
from roles.models import OrganisationUnit


class SupplierSerializer(BaseSerializer):
    owner_organisation = ScopedUUIDField(Organisation, required=False, allow_null=True)

    class Meta:
        model = Supplier
        fields = [
            "id", "name", "cvr", "country", "website", "external_reference",
            "owner_organisation", "is_local", "created_at", "updated_at",
        ]


class CoverageSerializer(serializers.Serializer):
    usage = ScopedUUIDField(SystemUsage)
    is_main = serializers.BooleanField(default=False)


class ContractSerializer(BaseSerializer):
    organisation = OrganisationField(Organisation)
    supplier = ScopedUUIDField(Supplier, required=False, allow_null=True)
    responsible_unit = ScopedUUIDField(OrganisationUnit, required=False, allow_null=True)
    parent = ScopedUUIDField(Contract, required=False, allow_null=True)
    coverage = CoverageSerializer(
        many=True, required=False,
        help_text="The system usages the contract covers; is_main marks it as their main "
        "contract. Replaces the whole list when sent.",
    )
    contract_template = OptionField("contract_template", required=False, allow_null=True)
    agreement_elements = OptionField("agreement_element", many=True, required=False)
    procurement_strategy = OptionField("procurement_strategy", required=False, allow_null=True)
    payment_model = OptionField("payment_model", required=False, allow_null=True)
    payment_frequency = OptionField("payment_frequency", required=False, allow_null=True)
    price_regulation = OptionField("price_regulation", required=False, allow_null=True)

    class Meta:
        model = Contract
        fields = [
            "id", "organisation", "name", "contract_number", "contract_type", "supplier",
            "responsible_unit", "parent", "procurement_form", "criticality", "notes",
            "external_reference",
            "concluded_on", "start_date", "expiry_date", "irrevocable_until",
            "notice_months", "notice_to_end_of", "extension_months", "extensions_total",
            "extensions_used", "renewal_months", "terminated_on", "lead_months",
            "acquisition_cost", "yearly_cost", "currency",
            "contract_template", "agreement_elements", "customer_signed_by",
            "customer_signed_on", "supplier_signed_by", "supplier_signed_on",
            "procurement_strategy", "procurement_plan_year", "procurement_plan_quarter",
            "payment_model", "payment_frequency", "price_regulation",
            "status", "next_end", "notice_deadline", "retender_start",
            "coverage", "created_at", "updated_at",
        ]
        read_only_fields = ["status", "next_end", "notice_deadline", "retender_start"]


class CostLineSerializer(BaseSerializer):
    contract = ScopedUUIDField(Contract)
    unit = ScopedUUIDField(OrganisationUnit, required=False, allow_null=True)

    class Meta:
        model = CostLine
        fields = ["id", "contract", "unit", "year", "kind", "amount", "note",
                  "accounting_entry", "audit_status", "audited_on", "created_at", "updated_at"]


class DeadlineDecisionSerializer(BaseSerializer):
    contract = ScopedUUIDField(Contract)
    deadline = serializers.DateField(
        required=False,
        help_text="The deadline decided on. Default: the contract's current deadline (its "
        "notice deadline, or its end when it has none). A new decision must be about the "
        "current deadline; posting again for the same deadline updates the decision.",
    )
    decided_by = serializers.StringRelatedField(
        read_only=True, allow_null=True,
        help_text="The user who recorded the decision (null: the system).",
    )

    class Meta:
        model = DeadlineDecision
        fields = ["id", "contract", "deadline", "kind", "note", "decided_by", "decided_at",
                  "created_at", "updated_at"]
        read_only_fields = ["decided_at"]
