"""Contract pages: the contract with its terms, computed deadlines, covered systems,
role holders, subscribers and alert log; subscribing to a contract's alerts.

``roles_and_alerts`` and ``Deadline`` are shared with the data processing agreement page
(gdpr.views), which shows the same role holders, deadline marking and alert log.
"""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kitos.detail import (
    HISTORY_TAB,
    ROLES_TAB,
    Tab,
    TabbedDetailView,
    VisibleObjectMixin,
    overview_tab,
)
from kitos.lists import ListView, supplier_options, unit_options
from roles.models import Person, RoleAssignment

from . import tables
from .filtersets import ContractFilterSet, SupplierFilterSet
from .models import (
    AlertDelivery,
    Contract,
    ContractCoverage,
    ContractSubscription,
    CostLine,
    Supplier,
)
from .services import contract_subscribe, contract_unsubscribe

# The alert log shows the newest deliveries; older ones stay in the database.
ALERT_LOG_LIMIT = 100


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


def roles_and_alerts(user, obj) -> dict:
    """Context shared by the pages of objects that carry roles and get alerts: the
    current role holders and the newest alert deliveries, one query each."""
    today = timezone.localdate()
    log = list(
        AlertDelivery.objects.visible_to(user)
        .filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
        .select_related("rule", "digest")
        .order_by("-created_at", "deadline", "email")[: ALERT_LOG_LIMIT + 1]
    )
    return {
        "role_holders": RoleAssignment.objects.visible_to(user)
        .on(obj)
        .current(today)
        .select_related("person", "role_type"),
        "alert_log": log[:ALERT_LOG_LIMIT],
        "alert_log_truncated": len(log) > ALERT_LOG_LIMIT,
        "alert_log_limit": ALERT_LOG_LIMIT,
    }


def own_person(user, organisation_id) -> Person | None:
    """The logged-in user's person in an organisation (who alerts reach), if any."""
    return (
        Person.objects.still_working(timezone.localdate())
        .filter(organisation_id=organisation_id, user_id=user.pk)
        .first()
    )


class ContractDetailView(TabbedDetailView):
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
        context = roles_and_alerts(user, contract)
        context["deadlines"] = [
            Deadline(_("Næste mulige ophør"), contract.next_end, today),
            Deadline(_("Sidste frist for opsigelse"), contract.notice_deadline, today),
            Deadline(_("Seneste start på genudbud"), contract.retender_start, today),
        ]
        context["coverage"] = self.coverage()
        # The contract column too: the related manager sets it on every row.
        context["agreements"] = contract.data_processing_agreements.visible_to(user).only(
            "uuid", "name", "contract"
        )
        subscriptions = list(
            ContractSubscription.objects.visible_to(user)
            .filter(contract=contract)
            .select_related("person")
            .order_by("person__name")
        )
        person = own_person(user, contract.organisation_id)
        context["subscriptions"] = subscriptions
        context["own_person"] = person
        context["is_subscribed"] = person is not None and any(
            s.person_id == person.pk for s in subscriptions
        )
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
            "agreements": contract.data_processing_agreements.visible_to(user)
            .select_related("processor")
            .order_by("name"),
            "integrations": contract.integrations.visible_to(user)
            .select_related("source__system", "target__system")
            .order_by("name"),
        }


class ContractSubscriptionView(VisibleObjectMixin, View):
    """Subscribe or unsubscribe the logged-in user's own person (POST only). Reading the
    contract is enough: the subscription is personal and changes nothing on it."""

    model = Contract
    http_method_names = ["post"]
    subscribe = True

    def post(self, request, *args, **kwargs):
        contract = self.get_object()
        person = own_person(request.user, contract.organisation_id)
        if person is None:
            raise PermissionDenied(
                _("Du er ikke registreret som person i kontraktens organisation.")
            )
        if self.subscribe:
            contract_subscribe(actor=request.user, contract=contract, person=person)
            messages.success(request, _("Du får nu varsler om denne kontrakt."))
        else:
            contract_unsubscribe(actor=request.user, contract=contract, person=person)
            messages.success(request, _("Du får ikke længere varsler om denne kontrakt."))
        return redirect("contract_detail", uuid=contract.uuid)


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

