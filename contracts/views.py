"""Contract pages: the contract with its terms, computed deadlines, covered systems and
role holders (the alerts app adds subscribers and the alert log through kitos.hooks).

``role_holders_context`` and ``Deadline`` are shared with the data processing agreement
page (gdpr.views), which shows the same role holders and deadline marking.
"""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from contracts.models import Contract, ContractCoverage, CostLine, DeadlineDecision
from kitos import db, options
from kitos.detail import (
    HISTORY_TAB,
    Tab,
    TabbedDetailView,
    can_edit,
    overview_tab,
)
from kitos.excel.writer import SheetData, build_workbook, workbook_response
from kitos.lists import ListView
from portfolio.models import Supplier
from portfolio.tables import supplier_options
from roles.models import RoleAssignment
from roles.tables import unit_options
from roles.tabs import ROLES_TAB, RolesTabMixin

from . import procurement, tables
from .filtersets import ContractFilterSet, SupplierFilterSet


@dataclass(frozen=True)
class Deadline:
    """A date the user must act by, relative to today (for "overdue" / "days left")."""

    label: str
    date: datetime.date | None
    today: datetime.date

    @property
    def days_left(self) -> int | None:
        return None if self.date is None else (self.date - self.today).days

    @property
    def is_overdue(self) -> bool:
        return self.date is not None and self.date < self.today

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.is_overdue else 0


def role_holders_context(user, obj) -> dict:
    """Context shared by the pages of objects that carry roles: the current role
    holders, one query (the alerts app adds the alert log through kitos.hooks)."""
    return {
        "role_holders": RoleAssignment.objects.visible_to(user)
        .on(obj)
        .current(timezone.localdate())
        .select_related("person", "role_type"),
    }


def decision_context(user, contract) -> dict:
    """The decision on the contract's current deadline (one query), and whether the user
    may record one (those who may edit the contract)."""
    deadline = contract.current_deadline
    decision = None
    if deadline is not None:
        decision = (
            DeadlineDecision.objects.visible_to(user)
            .filter(contract=contract, deadline=deadline)
            .select_related("decided_by")
            .first()
        )
    return {
        "decision_deadline": deadline,
        "decision": decision,
        "can_decide": can_edit(user, contract),
    }


class ContractDetailView(RolesTabMixin, TabbedDetailView):
    """A contract: overview (terms, deadlines, role holders, subscribers, alert log),
    the systems it covers, its costs, roles, data processing and history."""

    model = Contract
    related = ("organisation", "supplier", "responsible_unit", "parent", "contract_template",
               "procurement_strategy", "payment_model", "payment_frequency",
               "price_regulation")
    tabs = (
        overview_tab("contracts/contract_overview.html"),
        Tab("systemer", gettext_lazy("Systemer"), "systems", "contracts/contract_systems.html"),
        Tab("oekonomi", gettext_lazy("Økonomi"), "economy", "contracts/contract_economy.html"),
        ROLES_TAB,
        Tab(
            "databehandling",
            gettext_lazy("Databehandling"),
            "data_processing",
            "contracts/contract_data_processing.html",
        ),
        HISTORY_TAB,
    )

    def get_queryset(self):
        # The agreement elements' names come with the contract (one query fewer).
        names = (
            Contract.agreement_elements.through.objects.filter(contract=OuterRef("pk"))
            .order_by().values("contract").annotate(names=db.JoinedText("option__name"))
            .values("names")
        )
        return super().get_queryset().annotate(agreement_element_names=Subquery(names))

    def coverage(self):
        return (
            ContractCoverage.objects.visible_to(self.request.user)
            .filter(contract=self.object)
            .select_related("usage__system", "usage__responsible_unit")
            .order_by("-is_main", "usage__system__name")
        )

    def overview_context(self):
        user, contract, today = self.request.user, self.object, timezone.localdate()
        context = role_holders_context(user, contract)
        context["deadlines"] = [
            Deadline(_("Næste mulige ophør"), contract.next_end, today),
            Deadline(_("Sidste frist for opsigelse"), contract.notice_deadline, today),
            Deadline(_("Seneste start på genudbud"), contract.retender_start, today),
        ]
        context["coverage"] = self.coverage()
        context["agreement_elements"] = sorted(db.split_joined(contract.agreement_element_names))
        context.update(decision_context(user, contract))
        return context

    def systems_context(self):
        return {"coverage": self.coverage()}

    def economy_context(self):
        lines = list(
            CostLine.objects.visible_to(self.request.user)
            .filter(contract=self.object)
            .select_related("unit")
            .order_by("-year", "kind", "unit__name")
        )
        totals: dict[int, decimal.Decimal] = {}
        for line in lines:
            totals[line.year] = totals.get(line.year, decimal.Decimal(0)) + line.amount
        return {
            "cost_lines": lines,
            "year_totals": sorted(totals.items(), reverse=True),
            "cost_line_create_url": reverse("costline_create", args=[self.object.uuid]),
        }

    def data_processing_context(self):
        user, contract = self.request.user, self.object
        return {
            "integrations": contract.integrations.visible_to(user)
            .select_related("source__system", "target__system")
            .order_by("name"),
        }


# -- lists (kitos/lists.py) --------------------------------------------------------------


class ContractListView(ListView):
    model = Contract
    filterset_class = ContractFilterSet
    columns = tables.CONTRACT_COLUMNS
    title = gettext_lazy("Kontrakter")
    create_label = gettext_lazy("Ny kontrakt")
    export_entity = "contracts"
    filter_options = {
        "supplier": supplier_options(Contract, "supplier"),
        "responsible_unit": unit_options,
        "within": unit_options,
        # The option lists: one query for all of them (kitos.options.filter_choices).
        **{name: options.filter_choices(Contract.option_fields[name])
           for name in Contract.option_fields},
    }
    panel_first = ("status", "within", "supplier", "notice_deadline", "next_end")
    panel_hidden = ("responsible_unit",)
    filter_pickers = {"usage": "systemer"}


class SupplierListView(ListView):
    model = Supplier
    filterset_class = SupplierFilterSet
    columns = tables.SUPPLIER_COLUMNS
    title = gettext_lazy("Leverandører")
    create_label = gettext_lazy("Ny leverandør")
    export_entity = "suppliers"


class ProcurementPlanView(LoginRequiredMixin, TemplateView):
    """Re-tenders by quarter for one forvaltning (default: the user's own, when the user
    is registered in a unit; otherwise all), as a page or, with ``?format=xlsx``, an
    Excel workbook of the same rows. A constant number of queries."""

    template_name = "contracts/procurement_plan.html"
    title = gettext_lazy("Udbudsplan")

    def chosen(self, tops: dict) -> int | None:
        wanted = self.request.GET.get("forvaltning")
        if wanted == procurement.ALL:
            return None
        if wanted and wanted.isdigit() and int(wanted) in tops:
            return int(wanted)
        if wanted is None:
            return procurement.home_forvaltning_id(self.request.user, tops)
        return None

    def get(self, request, *args, **kwargs):
        today = timezone.localdate()
        tops = procurement.forvaltninger(request.user)
        chosen = self.chosen(tops)
        contracts = procurement.plan_queryset(request.user)
        if chosen is not None:
            contracts = contracts.filter(
                responsible_unit__path__startswith=tops[chosen].path
            )
        quarters = procurement.build_plan(contracts, today=today, tops=tops)
        if request.GET.get("format") == "xlsx":
            return self.workbook(quarters, tops.get(chosen), today)
        return self.render_to_response(
            self.get_context_data(
                quarters=quarters,
                forvaltninger=list(tops.values()),
                forvaltninger_orgs=len({unit.organisation_id for unit in tops.values()}),
                chosen=chosen,
                chosen_unit=tops.get(chosen),
                all_value=procurement.ALL,
                today=today,
                row_count=sum(len(quarter.rows) for quarter in quarters),
                title=self.title,
            )
        )

    def workbook(self, quarters, unit, today):
        headers = [
            _("Kvartal"), _("Kontrakt"), _("Organisation"), _("Forvaltning"),
            _("Ansvarlig enhed"), _("Leverandør"), _("Seneste start på genudbud"),
            _("Sidste frist for opsigelse"), _("Næste mulige ophør"), _("Beslutning"),
            _("For sent"), _("Årlig driftsudgift"),
        ]
        rows = [
            [
                quarter.label,
                row.contract.name,
                row.contract.organisation.name,
                row.forvaltning.name if row.forvaltning else "",
                row.contract.responsible_unit.name if row.contract.responsible_unit else "",
                row.contract.supplier.name if row.contract.supplier else "",
                row.start,
                row.contract.notice_deadline,
                row.contract.next_end,
                row.decision_label,
                _("Ja") if row.is_late else _("Nej"),
                row.contract.yearly_cost,
            ]
            for quarter in quarters
            for row in quarter.rows
        ]
        content = build_workbook([SheetData(title=str(self.title), headers=headers, rows=rows)])
        suffix = f"-{unit.pk}" if unit else ""
        return workbook_response(content, f"udbudsplan{suffix}-{today.isoformat()}.xlsx")
