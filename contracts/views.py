"""Contract pages: the contract with its terms, computed deadlines, covered systems and
role holders (the alerts app adds subscribers and the alert log through kitos.hooks).

``role_holders_context`` and ``Deadline`` are shared with the data processing agreement
page (gdpr.views), which shows the same role holders and deadline marking.
"""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts.models import Contract, ContractCoverage, CostLine
from kitos.detail import (
    HISTORY_TAB,
    Tab,
    TabbedDetailView,
    overview_tab,
)
from kitos.lists import ListView
from portfolio.models import Supplier
from portfolio.tables import supplier_options
from roles.models import RoleAssignment
from roles.tables import unit_options
from roles.tabs import ROLES_TAB, RolesTabMixin

from . import tables
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


class ContractDetailView(RolesTabMixin, TabbedDetailView):
    """A contract: overview (terms, deadlines, role holders, subscribers, alert log),
    the systems it covers, its costs, roles, data processing and history."""

    model = Contract
    related = ("organisation", "supplier", "responsible_unit", "parent")
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
    }
    panel_first = ("status", "within", "supplier", "notice_deadline", "next_end")


class SupplierListView(ListView):
    model = Supplier
    filterset_class = SupplierFilterSet
    columns = tables.SUPPLIER_COLUMNS
    title = gettext_lazy("Leverandører")
    create_label = gettext_lazy("Ny leverandør")
    export_entity = "suppliers"

