"""Forms for contracts (with the systems they cover), cost lines and suppliers. Choices
are scoped to one organisation (kitos.detail.ScopedModelForm); the views save through
contracts.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from contracts.choices import AuditStatus
from contracts.models import Contract, CostLine, DeadlineDecision
from kitos.detail import ScopedModelForm, scope_choices
from portfolio.models import Supplier, SystemUsage


class ContractForm(ScopedModelForm):
    usages = forms.ModelMultipleChoiceField(
        label=_("Systemer som kontrakten dækker"),
        queryset=SystemUsage.objects.none(),
        required=False,
    )
    main_for = forms.ModelMultipleChoiceField(
        label=_("Hovedkontrakt for"),
        queryset=SystemUsage.objects.none(),
        required=False,
        help_text=_(
            "Systemer hvor denne kontrakt afgør, om systemet er aktivt. Et system har højst "
            "én hovedkontrakt; en anden kontrakt mister den."
        ),
    )

    fieldsets = (
        (
            _("Kontrakten"),
            ["name", "contract_number", "contract_type", "supplier", "responsible_unit",
             "parent", "procurement_form", "criticality", "contract_template",
             "agreement_elements"],
        ),
        (_("Systemer"), ["usages", "main_for"]),
        (
            _("Datoer og vilkår"),
            ["concluded_on", "start_date", "expiry_date", "irrevocable_until", "notice_months",
             "notice_to_end_of", "extension_months", "extensions_total", "extensions_used",
             "renewal_months", "terminated_on", "lead_months"],
        ),
        (
            _("Underskrifter"),
            ["customer_signed_by", "customer_signed_on", "supplier_signed_by",
             "supplier_signed_on"],
        ),
        (
            _("Genanskaffelse"),
            ["procurement_strategy", "procurement_plan_year", "procurement_plan_quarter"],
        ),
        (
            _("Økonomi og noter"),
            ["acquisition_cost", "yearly_cost", "payment_model", "payment_frequency",
             "price_regulation", "notes", "external_reference"],
        ),
    )

    class Meta:
        model = Contract
        fields = [
            "name",
            "contract_number",
            "contract_type",
            "supplier",
            "responsible_unit",
            "parent",
            "procurement_form",
            "criticality",
            "contract_template",
            "agreement_elements",
            "customer_signed_by",
            "customer_signed_on",
            "supplier_signed_by",
            "supplier_signed_on",
            "procurement_strategy",
            "procurement_plan_year",
            "procurement_plan_quarter",
            "payment_model",
            "payment_frequency",
            "price_regulation",
            "concluded_on",
            "start_date",
            "expiry_date",
            "irrevocable_until",
            "notice_months",
            "notice_to_end_of",
            "extension_months",
            "extensions_total",
            "extensions_used",
            "renewal_months",
            "terminated_on",
            "lead_months",
            "acquisition_cost",
            "yearly_cost",
            "notes",
            "external_reference",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        usages = scope_choices(
            SystemUsage.objects.all(), user=self.user, organisation=self.organisation
        ).order_by("system__name")
        self.fields["usages"].queryset = usages
        self.fields["main_for"].queryset = usages
        if self.instance.pk:
            links = list(self.instance.coverage.all())
            self.initial.setdefault("usages", [link.usage_id for link in links])
            self.initial.setdefault("main_for", [link.usage_id for link in links if link.is_main])
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(
                pk=self.instance.pk
            )

    def clean(self):
        cleaned = super().clean()
        usages, main_for = cleaned.get("usages"), cleaned.get("main_for")
        if usages is not None and main_for is not None:
            missing = set(main_for) - set(usages)
            if missing:
                self.add_error(
                    "main_for", _("En hovedkontrakt skal også dække systemet.")
                )
        return cleaned


class CostLineForm(ScopedModelForm):
    class Meta:
        model = CostLine
        fields = ["year", "kind", "amount", "unit", "note", "accounting_entry",
                  "audit_status", "audited_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = self.fields["unit"].queryset.order_by("path")
        # Left out, a cost line is simply not audited yet.
        self.fields["audit_status"].required = False

    def clean_audit_status(self):
        return self.cleaned_data["audit_status"] or AuditStatus.NOT_AUDITED


class SupplierForm(ScopedModelForm):
    class Meta:
        model = Supplier
        fields = ["name", "cvr", "country", "website", "is_local", "external_reference"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.initial.setdefault("is_local", True)


class DeadlineDecisionForm(ScopedModelForm):
    """What was decided about a contract's current deadline; the deadline itself comes
    from the contract (contracts.services.deadline_decision_record)."""

    class Meta:
        model = DeadlineDecision
        fields = ["kind", "note"]
        widgets = {"kind": forms.RadioSelect}
        help_texts = {
            "note": _("Hvorfor, og hvad sker der nu? Skal udfyldes, når beslutningen er »Andet«."),
        }
