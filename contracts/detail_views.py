"""Forms for contracts, cost lines and suppliers and the supplier page
(kitos/detail.py); writes go through contracts.services. The contract page itself is
contracts.views.ContractDetailView."""

from __future__ import annotations

from django.db.models import Sum
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts.models import Contract, CostLine, DeadlineDecision
from kitos.detail import (
    HISTORY_TAB,
    PANELS_TEMPLATE,
    ObjectCreateView,
    ObjectDeleteView,
    ObjectUpdateView,
    ParentTabMixin,
    Tab,
    TabbedDetailView,
    field_facts,
    object_url,
    overview_tab,
)
from portfolio.models import Supplier

from .forms import ContractForm, CostLineForm, DeadlineDecisionForm, SupplierForm
from .services import (
    contract_create,
    contract_delete,
    contract_update,
    cost_line_create,
    deadline_decision_record,
    supplier_create,
    supplier_update,
)


class ContractFormMixin:
    model = Contract
    form_class = ContractForm

    def coverage(self, form) -> dict:
        """The covered systems and the agreement elements, which the contract services
        write with the contract."""
        return {"usages": form.cleaned_data["usages"], "main_for": form.cleaned_data["main_for"],
                "agreement_elements": form.cleaned_data["agreement_elements"]}


class ContractCreateView(ContractFormMixin, ObjectCreateView):
    def save(self, form):
        return contract_create(
            actor=self.request.user,
            organisation=self.organisation,
            **form.field_data(),
            **self.coverage(form),
        )


class ContractUpdateView(ContractFormMixin, ObjectUpdateView):
    prefetch = ("coverage",)

    def save(self, form):
        return contract_update(
            actor=self.request.user,
            contract=self.object,
            data=form.field_data(),
            **self.coverage(form),
        )


class ContractDeleteView(ObjectDeleteView):
    model = Contract

    def delete(self, obj):
        contract_delete(actor=self.request.user, contract=obj)


class CostLineMixin(ParentTabMixin):
    model = CostLine
    form_class = CostLineForm
    parent_field, parent_tab = "contract", "oekonomi"


class CostLineCreateView(CostLineMixin, ObjectCreateView):
    """A cost line of a contract (from the contract's Økonomi tab)."""

    parent_model = Contract

    def save(self, form):
        return cost_line_create(actor=self.request.user, contract=self.parent, **form.field_data())


class CostLineUpdateView(CostLineMixin, ObjectUpdateView):
    related = ("contract",)



class CostLineDeleteView(CostLineMixin, ObjectDeleteView):
    """Deleted through the shared write path; back to the contract's Økonomi tab."""


class DeadlineDecisionCreateView(ObjectCreateView):
    """Record, or change, the decision on a contract's current deadline (from the
    contract page). Whoever may edit the contract decides; readers get 403, other
    organisations 404."""

    model = DeadlineDecision
    form_class = DeadlineDecisionForm
    parent_model = Contract
    template_name = "contracts/deadlinedecision_form.html"

    def current(self) -> DeadlineDecision | None:
        deadline = self.parent.current_deadline
        if deadline is None:
            return None
        return (
            DeadlineDecision.objects.filter(contract=self.parent, deadline=deadline)
            .select_related("decided_by")
            .first()
        )

    def get_initial(self):
        decision = self.current()
        return {"kind": decision.kind, "note": decision.note} if decision else {}

    def save(self, form):
        return deadline_decision_record(
            actor=self.request.user,
            contract=self.parent,
            deadline=self.parent.current_deadline,
            **form.field_data(),
        )

    def success_url_for(self, obj) -> str:
        return object_url(self.parent)

    def success_message(self, obj) -> str:
        return _("Beslutningen om fristen %(date)s er gemt: %(kind)s.") % {
            "date": date_format(obj.deadline),
            "kind": obj.get_kind_display(),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            contract=self.parent,
            deadline=self.parent.current_deadline,
            decision=self.current(),
            cancel_url=object_url(self.parent),
        )
        return context


class SupplierDetailView(TabbedDetailView):
    """A supplier (shared catalog): its systems, and the contracts and agreements the
    user's organisations have with it."""

    model = Supplier
    related = ("owner_organisation",)
    tabs = (
        overview_tab("contracts/supplier_overview.html"),
        Tab(
            "kontrakter",
            gettext_lazy("Kontrakter"),
            "contracts",
            "contracts/supplier_contracts.html",
        ),
        HISTORY_TAB,
    )

    def overview_context(self):
        user, supplier = self.request.user, self.object
        return {
            "facts": field_facts(
                supplier,
                ("name", "cvr", "country", "website", "is_local", "owner_organisation",
                 "external_reference"),
            ),
            "systems": supplier.systems.visible_to(user).order_by("name"),
        }

    def contracts_context(self):
        contracts = (
            Contract.objects.visible_to(self.request.user)
            .filter(supplier=self.object)
            .select_related("organisation")
            .order_by("name")
        )
        return {
            "contracts": contracts,
            "yearly_total": contracts.aggregate(total=Sum("yearly_cost"))["total"],
        }


class SupplierCreateView(ObjectCreateView):
    model = Supplier
    form_class = SupplierForm

    def save(self, form):
        return supplier_create(
            actor=self.request.user, owner_organisation=self.organisation, **form.field_data()
        )


class SupplierUpdateView(ObjectUpdateView):
    model = Supplier
    form_class = SupplierForm

    def save(self, form):
        return supplier_update(
            actor=self.request.user, supplier=self.object, data=form.field_data()
        )


class SupplierDeleteView(ObjectDeleteView):
    model = Supplier


# -- what this app shows on the pages of the apps below it -------------------------------


def unit_contracts_context(user, unit) -> dict:
    """The contracts a unit is responsible for (a panel of the unit's systems tab)."""
    return {
        "contracts": unit.responsible_for_contracts.visible_to(user)
        .select_related("supplier")
        .order_by("name"),
    }


# The Kontrakter tab of a system usage.
USAGE_CONTRACTS_TAB = Tab("kontrakter", gettext_lazy("Kontrakter"), "contracts", PANELS_TEMPLATE)


def usage_main_contract_context(user, usage) -> dict:
    """The usage's main contract, on the usage's overview."""
    main_link = (
        usage.contract_links.visible_to(user)
        .filter(is_main=True)
        .select_related("contract__supplier")
        .first()
    )
    return {"main_contract": main_link.contract if main_link else None}


def usage_coverage_context(user, usage) -> dict:
    """The contracts that cover a usage."""
    return {
        "coverage": usage.contract_links.visible_to(user)
        .select_related("contract__supplier")
        .order_by("-is_main", "contract__name")
    }


def integration_contracts_context(user, integration) -> dict:
    """The contracts that cover an integration."""
    return {
        "contracts": integration.contracts.visible_to(user)
        .select_related("supplier")
        .order_by("name"),
    }
