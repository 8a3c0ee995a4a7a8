"""Supplier dependence (lock-in): how much one organisation depends on each supplier,
combined into a lock-in score, followed over time, and the monopoly-break view of the
suppliers it depends on most and when their contracts end.

Every figure is a count over one of the portal's lists, and carries the URL of that list
filtered to exactly the rows it counts (the pages link each number there; a test applies
every link). What is counted, per supplier and organisation:

* **Share of yearly spend**: the yearly cost of the supplier's contracts in force over
  that of all the organisation's contracts in force (``contracts.spend``, the one home of
  the spend rules).
* **Systems**: the organisation's system usages in an operational-ish lifecycle
  (``IN_USE_LIFECYCLES``) whose catalog system has the supplier as *rights holder*. The
  rights holder, not the contracts' supplier: a contract may be with a reseller or an
  operator, while the rights holder owns the system, its data formats and its roadmap,
  which is what makes leaving hard. (Contracts count by their own supplier below.)
* **Business-critical systems**: those of them with criticality high or critical
  (``BUSINESS_CRITICAL``).
* **Contracts without exit or option**: the supplier's contracts running with no notice
  given (``contracts.choices.ACTIONABLE_STATUSES``) that have no computed notice deadline.
  The deadline engine (contracts/deadlines.py) gives a notice deadline exactly when the
  organisation can act before the end: terminate an open-ended or tacitly renewing
  contract, or decline an option left on a fixed term. Without one, the contract binds
  to its expiry with no way out and no option to weigh.
* **Proprietary interfaces**: the organisation's integrations sending from or to a
  system usage of the supplier's systems whose interface type is not a standard one
  (``portfolio.choices.STANDARD_INTERFACE_TYPES``; no type given counts as proprietary).
* **Contracts that can end within 3 years**: the supplier's running contracts whose
  next possible end (``next_end``, computed by the deadline engine: the expiry, the next
  renewal or, for open-ended contracts, the earliest end after notice) lies within
  ``ENDING_WINDOW_YEARS`` from today: the window to re-tender.

The **lock-in score** (0–100) adds six components, each a fraction between 0 and 1
times its weight (the ``WEIGHT_*`` constants, summing to 100); see ``score_components``.
The **trend** is the supplier's share of the spend of the contracts valid in each year
(``contracts.spend.valid_in_year``): the last ``TREND_PAST_YEARS`` years, this year and
the next ``TREND_FUTURE_YEARS`` years, from the contracts' dates as agreed today.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from contracts.choices import ACTIONABLE_STATUSES, IN_FORCE_STATUSES, RUNNING_STATUSES
from contracts.models import Contract
from contracts.spend import spend_by_supplier, spend_by_supplier_and_year
from kitos.dates import add_months
from kitos.links import object_url, url_or_none
from portfolio.choices import ACTIVE_LIFECYCLES, STANDARD_INTERFACE_TYPES, Criticality
from portfolio.models import Integration, Supplier, SystemUsage

# -- what is counted ---------------------------------------------------------------------

# Usages in use: an operational-ish lifecycle (DOMAIN.md).
IN_USE_LIFECYCLES = tuple(ACTIVE_LIFECYCLES)
# Usages the business cannot do without.
BUSINESS_CRITICAL = (Criticality.HIGH, Criticality.CRITICAL)
# Contracts whose next possible end lies this many years ahead or less can be
# re-tendered soon.
ENDING_WINDOW_YEARS = 3
# The trend's years before and after this one.
TREND_PAST_YEARS = 5
TREND_FUTURE_YEARS = 3

# -- the lock-in score -------------------------------------------------------------------

WEIGHT_SPEND = 30
"""Share of the yearly spend: money is the plainest measure of dependence."""
WEIGHT_CRITICAL = 20
"""Share of the business-critical systems: what stops if the supplier fails or raises
its prices."""
WEIGHT_SYSTEMS = 15
"""Share of the systems in use: breadth of the supplier across the organisation."""
WEIGHT_NO_EXIT = 15
"""Fraction of the supplier's running contracts without exit or option: bound to the
expiry with nothing to decide."""
WEIGHT_PROPRIETARY = 10
"""Fraction of the integrations with the supplier's systems that use no standard
interface: each must be rebuilt by whoever replaces the supplier."""
WEIGHT_NO_WINDOW = 10
"""Fraction of the supplier's running contracts that cannot end within
``ENDING_WINDOW_YEARS``: no window to re-tender soon."""
FULL_DEPENDENCE_SHARE = Decimal("0.5")
"""A share of spend, of systems or of critical systems this large or larger counts as
full dependence (the component is 1): a supplier with half of the organisation's spend
is as hard to replace as one with all of it, and smaller shares spread over 0–1."""


@dataclass(frozen=True)
class Linked:
    """A count and the URL of the list showing exactly the rows counted."""

    value: int
    url: str


@dataclass(frozen=True)
class Component:
    """One part of the lock-in score: a fraction (0–1) of its weight."""

    key: str
    label: str
    weight: int
    fraction: Decimal
    explanation: str

    @property
    def points(self) -> Decimal:
        return (self.fraction * self.weight).quantize(Decimal("0.1"))

    @property
    def percent(self) -> int:
        return round(self.fraction * 100)


@dataclass
class SupplierDependence:
    """The figures of one supplier in one organisation."""

    supplier: Supplier
    spend: Decimal
    spend_contracts: Linked  # in force: the contracts of the spend
    spend_share: Decimal  # 0–1
    systems: Linked
    critical_systems: Linked
    running_contracts: Linked
    contracts_without_exit: Linked
    integrations: Linked
    proprietary_integrations: Linked
    ending_soon: Linked
    components: list[Component] = field(default_factory=list)

    @property
    def score(self) -> int:
        return round(sum((c.fraction * c.weight for c in self.components), Decimal(0)))

    @property
    def spend_percent(self) -> Decimal:
        return (self.spend_share * 100).quantize(Decimal("0.1"))

    @property
    def url(self) -> str:
        return url_or_none("supplier_dependence_detail", self.supplier.uuid) or ""


@dataclass
class OrganisationTotals:
    """The organisation's own totals, the denominators of the shares."""

    spend: Decimal
    spend_contracts: Linked
    systems: Linked
    critical_systems: Linked


@dataclass
class Dependence:
    organisation: object
    today: datetime.date
    totals: OrganisationTotals
    suppliers: list[SupplierDependence]

    def get(self, supplier) -> SupplierDependence | None:
        return next((row for row in self.suppliers if row.supplier.pk == supplier.pk), None)


# -- links -------------------------------------------------------------------------------


def _url(route: str, **query) -> str:
    return url_or_none(route, query=query) or ""


def window_end(today: datetime.date) -> datetime.date:
    """The last day of the window in which a contract "can end soon"."""
    return add_months(today, 12 * ENDING_WINDOW_YEARS)


def contract_list_url(organisation, supplier=None, **query) -> str:
    if supplier is not None:
        query["supplier"] = supplier.uuid
    return _url("contract_list", organisation=organisation.uuid, **query)


def _usage_list_url(organisation, supplier=None, **query) -> str:
    if supplier is not None:
        query["supplier"] = supplier.uuid
    return _url("systemusage_list", organisation=organisation.uuid,
                lifecycle=list(IN_USE_LIFECYCLES), **query)


def _integration_list_url(organisation, supplier, **query) -> str:
    return _url("integration_list", organisation=organisation.uuid, supplier=supplier.uuid,
                **query)


# -- the score ---------------------------------------------------------------------------


def _fraction(part, whole) -> Decimal:
    return Decimal(part) / Decimal(whole) if whole else Decimal(0)


def _saturated(share: Decimal) -> Decimal:
    return min(Decimal(1), share / FULL_DEPENDENCE_SHARE)


def score_components(row: SupplierDependence, totals: OrganisationTotals) -> list[Component]:
    """The six components of the lock-in score of `row` (its figures filled in)."""
    running = row.running_contracts.value
    return [
        Component("spend", str(_("Andel af årlige udgifter")), WEIGHT_SPEND,
                  _saturated(row.spend_share),
                  str(_("Andel af organisationens årlige udgifter til kontrakter i kraft; "
                        "50 pct. eller mere tæller fuldt."))),
        Component("critical", str(_("Andel af forretningskritiske systemer")), WEIGHT_CRITICAL,
                  _saturated(_fraction(row.critical_systems.value,
                                       totals.critical_systems.value)),
                  str(_("Andel af organisationens systemer i drift med kritikalitet høj "
                        "eller kritisk; 50 pct. eller mere tæller fuldt."))),
        Component("systems", str(_("Andel af systemer i drift")), WEIGHT_SYSTEMS,
                  _saturated(_fraction(row.systems.value, totals.systems.value)),
                  str(_("Andel af organisationens systemer i drift, hvor leverandøren er "
                        "rettighedshaver; 50 pct. eller mere tæller fuldt."))),
        Component("no_exit", str(_("Kontrakter uden exit eller option")), WEIGHT_NO_EXIT,
                  _fraction(row.contracts_without_exit.value, running),
                  str(_("Andel af leverandørens løbende kontrakter, der hverken kan opsiges "
                        "før udløb eller har en option tilbage."))),
        Component("proprietary", str(_("Proprietære snitflader")), WEIGHT_PROPRIETARY,
                  _fraction(row.proprietary_integrations.value, row.integrations.value),
                  str(_("Andel af integrationerne med leverandørens systemer, der ikke "
                        "bruger en standardsnitflade."))),
        Component("no_window", str(_("Intet udbudsvindue inden for 3 år")), WEIGHT_NO_WINDOW,
                  _fraction(running - row.ending_soon.value, running),
                  str(_("Andel af leverandørens løbende kontrakter, der ikke kan ophøre "
                        "inden for 3 år."))),
    ]


def score_weights() -> list[tuple[str, int, str]]:
    """(label, weight, explanation) of each component, for the pages' explanation."""
    empty = SupplierDependence(
        supplier=Supplier(), spend=Decimal(0), spend_contracts=Linked(0, ""),
        spend_share=Decimal(0), systems=Linked(0, ""), critical_systems=Linked(0, ""),
        running_contracts=Linked(0, ""), contracts_without_exit=Linked(0, ""),
        integrations=Linked(0, ""), proprietary_integrations=Linked(0, ""),
        ending_soon=Linked(0, ""),
    )
    totals = OrganisationTotals(Decimal(0), Linked(0, ""), Linked(0, ""), Linked(0, ""))
    return [(c.label, c.weight, c.explanation) for c in score_components(empty, totals)]


# -- the figures -------------------------------------------------------------------------


def _contract_counts(contracts, today: datetime.date) -> dict:
    """supplier id -> (running, without exit/option, can end within the window)."""
    rows = (
        contracts.running().order_by().values("supplier_id")
        .annotate(
            running=Count("pk"),
            no_exit=Count("pk", filter=Q(status__in=ACTIONABLE_STATUSES,
                                         notice_deadline__isnull=True)),
            ending=Count("pk", filter=Q(next_end__gte=today, next_end__lte=window_end(today))),
        )
    )
    return {row["supplier_id"]: (row["running"], row["no_exit"], row["ending"]) for row in rows}


def _usage_counts(usages) -> dict:
    """rights holder id -> (usages in use, business-critical ones)."""
    rows = (
        usages.filter(lifecycle__in=IN_USE_LIFECYCLES).order_by()
        .values("system__rights_holder_id")
        .annotate(n=Count("pk"), critical=Count("pk", filter=Q(criticality__in=BUSINESS_CRITICAL)))
    )
    return {row["system__rights_holder_id"]: (row["n"], row["critical"]) for row in rows}


def _integration_counts(integrations) -> dict:
    """supplier id -> [integrations with its systems, proprietary ones]: one row per
    integration (an integration between two of one supplier's systems counts once)."""
    counts: dict[int, list[int]] = {}
    standard = {str(value) for value in STANDARD_INTERFACE_TYPES}
    rows = integrations.order_by().values_list(
        "source__system__rights_holder_id", "target__system__rights_holder_id",
        "interface_type",
    )
    for source, target, interface_type in rows:
        for supplier_id in {source, target} - {None}:
            entry = counts.setdefault(supplier_id, [0, 0])
            entry[0] += 1
            if interface_type not in standard:
                entry[1] += 1
    return counts


def supplier_dependence(user, organisation, *, today: datetime.date,
                        include: Supplier | None = None) -> Dependence:
    """Every supplier with a contract, a system in use or an integration in
    `organisation` (which `user` may see), with its figures and score, and `include`
    also when it has none there: five queries, however many suppliers, contracts,
    usages and integrations."""
    contracts = Contract.objects.visible_to(user).filter(organisation=organisation)
    spend = spend_by_supplier(contracts)
    contract_counts = _contract_counts(contracts, today)
    usage_counts = _usage_counts(
        SystemUsage.objects.visible_to(user).filter(organisation=organisation))
    integration_counts = _integration_counts(
        Integration.objects.visible_to(user).filter(organisation=organisation))

    totals = OrganisationTotals(
        spend=sum((total for total, _n in spend.values()), Decimal(0)),
        spend_contracts=Linked(sum(n for _total, n in spend.values()),
                               contract_list_url(organisation, status=list(IN_FORCE_STATUSES))),
        systems=Linked(sum(n for n, _c in usage_counts.values()),
                       _usage_list_url(organisation)),
        critical_systems=Linked(sum(c for _n, c in usage_counts.values()),
                                _usage_list_url(organisation,
                                                criticality=list(BUSINESS_CRITICAL))),
    )
    ids = (set(spend) | set(contract_counts) | set(usage_counts) | set(integration_counts)
           | ({include.pk} if include is not None else set()))
    suppliers = Supplier.objects.usable_by(organisation).filter(pk__in=ids - {None})
    window = window_end(today)
    rows = []
    for supplier in suppliers:
        total, in_force = spend.get(supplier.pk, (Decimal(0), 0))
        running, no_exit, ending = contract_counts.get(supplier.pk, (0, 0, 0))
        in_use, critical = usage_counts.get(supplier.pk, (0, 0))
        integrations, proprietary = integration_counts.get(supplier.pk, (0, 0))
        running_query = {"status": list(RUNNING_STATUSES)}
        row = SupplierDependence(
            supplier=supplier,
            spend=total,
            spend_contracts=Linked(in_force, contract_list_url(
                organisation, supplier, status=list(IN_FORCE_STATUSES))),
            spend_share=_fraction(total, totals.spend),
            systems=Linked(in_use, _usage_list_url(organisation, supplier)),
            critical_systems=Linked(critical, _usage_list_url(
                organisation, supplier, criticality=list(BUSINESS_CRITICAL))),
            running_contracts=Linked(running, contract_list_url(
                organisation, supplier, **running_query)),
            contracts_without_exit=Linked(no_exit, contract_list_url(
                organisation, supplier, status=list(ACTIONABLE_STATUSES),
                has_notice_deadline="false")),
            integrations=Linked(integrations, _integration_list_url(organisation, supplier)),
            proprietary_integrations=Linked(proprietary, _integration_list_url(
                organisation, supplier, standard_interface="false")),
            ending_soon=Linked(ending, contract_list_url(
                organisation, supplier, **running_query, next_end_after=today.isoformat(),
                next_end_before=window.isoformat())),
        )
        row.components = score_components(row, totals)
        rows.append(row)
    rows.sort(key=lambda r: (-r.score, -r.spend, r.supplier.name.lower()))
    return Dependence(organisation=organisation, today=today, totals=totals, suppliers=rows)


# -- the trend ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    """One year of a supplier's spend: its contracts valid in the year and their share
    of the organisation's."""

    year: int
    spend: Decimal
    contracts: Linked
    total: Decimal
    total_contracts: Linked
    is_future: bool
    is_current: bool

    @property
    def share(self) -> Decimal:
        return _fraction(self.spend, self.total)

    @property
    def percent(self) -> Decimal:
        return (self.share * 100).quantize(Decimal("0.1"))


def trend_years(today: datetime.date) -> list[int]:
    return list(range(today.year - TREND_PAST_YEARS, today.year + TREND_FUTURE_YEARS + 1))


def supplier_trend(user, organisation, supplier, *, today: datetime.date) -> list[TrendPoint]:
    """The supplier's share of the organisation's spend in each of the trend's years
    (one query)."""
    years = trend_years(today)
    contracts = Contract.objects.visible_to(user).filter(organisation=organisation)
    by_supplier = spend_by_supplier_and_year(contracts, years)
    points = []
    for year in years:
        total = sum((figures[year][0] for figures in by_supplier.values()), Decimal(0))
        total_n = sum(figures[year][1] for figures in by_supplier.values())
        spend, n = by_supplier.get(supplier.pk, {}).get(year, (Decimal(0), 0))
        points.append(TrendPoint(
            year=year, spend=spend,
            contracts=Linked(n, contract_list_url(organisation, supplier, valid_in_year=year)),
            total=total,
            total_contracts=Linked(total_n, contract_list_url(organisation,
                                                              valid_in_year=year)),
            is_future=year > today.year, is_current=year == today.year,
        ))
    return points


# -- the monopoly-break view ---------------------------------------------------------------

# How many of the highest-scoring suppliers the view shows.
MONOPOLY_SUPPLIERS = 10


@dataclass(frozen=True)
class BreakContract:
    """A running contract with a supplier the organisation depends on: when it can end,
    when notice must be given and when a re-tender must start at the latest."""

    contract: Contract
    url: str
    next_end: datetime.date | None
    notice_deadline: datetime.date | None
    retender_start: datetime.date | None
    yearly_cost: Decimal | None
    without_exit: bool
    in_window: bool


@dataclass
class BreakSupplier:
    dependence: SupplierDependence
    contracts: list[BreakContract]

    @property
    def first_end(self) -> datetime.date | None:
        ends = [c.next_end for c in self.contracts if c.next_end]
        return min(ends) if ends else None

    @property
    def spend_in_window(self) -> Decimal:
        """The yearly cost of its contracts in force that can end within the window:
        what a re-tender within 3 years can move."""
        return sum(
            (c.yearly_cost or Decimal(0) for c in self.contracts
             if c.in_window and c.contract.status in IN_FORCE_STATUSES),
            Decimal(0),
        )


def monopoly_break(user, dependence: Dependence, *, limit: int = MONOPOLY_SUPPLIERS
                   ) -> list[BreakSupplier]:
    """The `limit` suppliers with the highest lock-in score (above 0) and their running
    contracts by next possible end (one query on top of the dependence's)."""
    top = [row for row in dependence.suppliers if row.score > 0][:limit]
    if not top:
        return []
    today, window = dependence.today, window_end(dependence.today)
    contracts = (
        Contract.objects.visible_to(user)
        .filter(organisation=dependence.organisation,
                supplier_id__in=[row.supplier.pk for row in top])
        .running().order_by("next_end", "name")
    )
    by_supplier: dict[int, list[BreakContract]] = {}
    for contract in contracts:
        by_supplier.setdefault(contract.supplier_id, []).append(BreakContract(
            contract=contract, url=object_url(contract) or "",
            next_end=contract.next_end, notice_deadline=contract.notice_deadline,
            retender_start=contract.retender_start, yearly_cost=contract.yearly_cost,
            without_exit=(contract.status in ACTIONABLE_STATUSES
                          and contract.notice_deadline is None),
            in_window=bool(contract.next_end and today <= contract.next_end <= window),
        ))
    return [BreakSupplier(row, by_supplier.get(row.supplier.pk, [])) for row in top]
