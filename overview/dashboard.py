"""The dashboard per forvaltning: the numbers a chef needs about an organisation or a
unit with its subtree, each with the list behind it.

Everything starts from ``visible_to(user)`` narrowed by the models' FilterSets with the
same parameters the numbers link to, so a number and the list it opens always agree.
The page costs a fixed handful of aggregate queries, whatever the number of rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    UUIDField,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Least, RowNumber
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from contracts.choices import IN_FORCE_STATUSES, RUNNING_STATUSES, decision_label
from contracts.filtersets import ContractFilterSet
from contracts.models import Contract
from gdpr.gaps import (
    all_rules,
    breakdown,
    gap_querysets,
)
from governance.choices import ProjectPhase, RequestStatus, TrafficLight
from governance.filtersets import (
    NO_REPORT,
    BenefitFilterSet,
    DecisionFilterSet,
    ProjectFilterSet,
)
from governance.models import Benefit, Decision, NewSystemRequest, Project
from kitos import db
from kitos.links import url_or_none
from landscape.attestation_completeness import Completeness, dashboard_completeness
from portfolio.choices import LIVE_LIFECYCLES, Criticality, Lifecycle, TimeAssessment
from portfolio.filtersets import SystemUsageFilterSet
from portfolio.models import Supplier, SystemUsage
from roles.models import OrganisationUnit

DEADLINE_WINDOWS = (30, 90, 180)
TOP_SUPPLIERS = 10
# The deadlines table shows the nearest days; the rest are one click away in the list.
DEADLINE_ROWS = 12
# The timeline and the table show the deadlines of at most this many contracts, the
# nearest first: the page stays the same size for 40,000 contracts as for 400; the
# rest are counted and one click away in the list.
EVENT_CONTRACTS = 100

# Colours of the chart segments (contrast ≥ 3:1 against white; the tables carry the
# numbers and names, so colour is never the only cue).
PALETTE = (
    "#0b5394", "#c2410c", "#1e6b34", "#7c3aed", "#b3261e", "#0e7490", "#a16207",
    "#be185d", "#4d7c0f", "#475569", "#6d28d9",
)
OTHER_COLOUR = "#8c959f"
LIFECYCLE_COLOURS = {
    "undecided": "#8c959f", "planned": "#7c3aed", "phasing_in": "#0e7490",
    "operational": "#1e6b34", "phasing_out": "#c2410c", "retired": "#475569",
}
CRITICALITY_COLOURS = {
    "low": "#0e7490", "medium": "#a16207", "high": "#c2410c", "critical": "#b3261e",
}
TIME_COLOURS = {
    "tolerate": "#0b5394", "invest": "#1e6b34", "migrate": "#c2410c", "eliminate": "#b3261e",
}


@dataclass
class Segment:
    """One part of a chart and its row in the table beside it."""

    label: str
    value: int | Decimal
    url: str | None
    colour: str
    count: int | None = None  # contracts behind an amount
    is_rest: bool = False  # "the others together", not one supplier or unit
    share: float = 0.0  # of the chart's total, 0..1
    offset: float = 0.0  # where the segment starts in a stacked bar, 0..1

    @property
    def percent(self) -> float:
        return self.share * 100

    # Positions in a stacked bar as plain "12.50" (template numbers are localised, and
    # "12,50" is no length in SVG or CSS).
    @property
    def bar_start(self) -> str:
        return f"{self.offset * 100:.2f}"

    @property
    def bar_width(self) -> str:
        return f"{self.share * 100:.2f}"


@dataclass
class Chart:
    """A 100 % stacked bar with its table: a distribution (systems by lifecycle) or a
    share of a total (cost by supplier)."""

    key: str
    title: str
    heading: str  # of the table's first column
    segments: list[Segment]
    money: bool = False
    total_url: str | None = None
    total: int | Decimal = field(init=False)

    def __post_init__(self):
        self.total = sum((s.value for s in self.segments), start=Decimal(0) if self.money else 0)
        offset = 0.0
        for segment in self.segments:
            segment.share = float(segment.value / self.total) if self.total else 0.0
            segment.offset = offset
            offset += segment.share

    @property
    def largest(self) -> Segment | None:
        return max((s for s in self.segments if not s.is_rest), key=lambda s: s.value,
                   default=None)


@dataclass
class DeadlineWindow:
    days: int
    count: int
    url: str | None


@dataclass
class DeadlineRow:
    """Notice deadlines or re-tender starts: how many fall within 30/90/180 days, and
    how many re-tenders should already have started."""

    label: str
    windows: list[DeadlineWindow]
    late: DeadlineWindow | None = None


@dataclass
class Event:
    """One dot on the timeline and one row in the table under it."""

    contract: Contract
    kind: str  # "notice" or "retender"
    date: datetime.date
    days_left: int
    url: str | None
    decision: str | None = None  # the decision on the contract's current deadline

    @property
    def label(self) -> str:
        return _("Opsigelsesfrist") if self.kind == "notice" else _("Start på genudbud")

    @property
    def position(self) -> str:
        """Where on the timeline (0–100 % of the horizon), as a CSS number."""
        return f"{min(100, self.days_left * 100 / DEADLINE_WINDOWS[-1]):.2f}"

    @property
    def is_soon(self) -> bool:
        return self.days_left <= DEADLINE_WINDOWS[0]


@dataclass
class Marker:
    """The deadlines of one kind on one day: one marker on the timeline (with their
    count, and every contract in its tooltip) and one row in the table under it, so that
    six notice deadlines on the same day are not one anonymous dot."""

    kind: str
    date: datetime.date
    events: list[Event]

    @property
    def count(self) -> int:
        return len(self.events)

    @property
    def label(self) -> str:
        return self.events[0].label

    @property
    def days_left(self) -> int:
        return self.events[0].days_left

    @property
    def position(self) -> str:
        return self.events[0].position

    @property
    def is_soon(self) -> bool:
        return self.events[0].is_soon

    @property
    def near_end(self) -> bool:
        """Far right on the timeline: its tooltip opens to the left."""
        return self.days_left > DEADLINE_WINDOWS[-1] * 0.7


def markers_of(events: list[Event]) -> list[Marker]:
    """`events` (sorted by date) grouped by day and kind, notice before re-tender."""
    by_day: dict[tuple, Marker] = {}
    for event in events:
        key = (event.date, event.kind != "notice")
        if key not in by_day:
            by_day[key] = Marker(event.kind, event.date, [])
        by_day[key].events.append(event)
    return [by_day[key] for key in sorted(by_day)]


@dataclass
class Tile:
    """A headline number."""

    label: str
    value: int | Decimal
    url: str | None
    warn: bool = False
    money: bool = False

    @property
    def display(self) -> str:
        if self.money:
            # Millions (billions from a thousand millions) read faster than eight
            # digits on a headline, and stay within the tile.
            # Rounded here: number_format cuts the digits off.
            return number_format(round(Decimal(self.value) / self._money_scale, 1),
                                 decimal_pos=1, force_grouping=True)
        return number_format(self.value, force_grouping=True)

    @property
    def _money_scale(self) -> int:
        return 1_000_000_000 if abs(self.value or 0) >= 1_000_000_000 else 1_000_000

    @property
    def unit(self) -> str:
        if not self.money:
            return ""
        return _("mia. kr.") if self._money_scale == 1_000_000_000 else _("mio. kr.")


@dataclass
class Tick:
    days: int
    position: str
    label: str


def timeline_ticks() -> list[Tick]:
    horizon = DEADLINE_WINDOWS[-1]
    return [Tick(0, "0", _("I dag"))] + [
        Tick(days, f"{days * 100 / horizon:.2f}", _("%(days)s dage") % {"days": days})
        for days in DEADLINE_WINDOWS
    ]


# Benefits due within this many days count as "due" on the dashboard.
BENEFIT_DUE_DAYS = 90
# The matrix's columns: a project's worst light in its latest status report.
LIGHT_COLUMNS = (
    (TrafficLight.RED, TrafficLight.RED.label),
    (TrafficLight.YELLOW, TrafficLight.YELLOW.label),
    (TrafficLight.GREEN, TrafficLight.GREEN.label),
    (NO_REPORT, _lazy("Ingen status")),
)


def worst_light(time, cost, scope, benefits) -> str:
    """A project's worst light in its latest report (as ProjectFilterSet's
    ``latest_status`` filters), NO_REPORT without a report."""
    if time is None:  # a report sets every light
        return NO_REPORT
    lights = {time, cost, scope, benefits}
    for light in (TrafficLight.RED, TrafficLight.YELLOW):
        if light in lights:
            return light
    return TrafficLight.GREEN


@dataclass
class Cell:
    count: int
    url: str | None


@dataclass
class PhaseRow:
    """One phase of the portfolio: its projects per worst light, and in all."""

    label: str
    cells: list[Cell]
    total: Cell


@dataclass
class Portfolio:
    """The projects by phase × latest traffic light, the benefits due and overdue and
    what waits for a decision, each number with the list behind it."""

    columns: list[tuple[str, str]]
    rows: list[PhaseRow]
    totals: list[Cell]
    total: Cell
    benefits: list[Tile]
    waiting: list[Tile]
    due_days: int = BENEFIT_DUE_DAYS


@dataclass
class Dashboard:
    organisation: object
    unit: OrganisationUnit | None
    today: datetime.date
    tiles: list[Tile]
    charts: dict[str, Chart]
    deadline_rows: list[DeadlineRow]
    events: list[Event]
    gaps: list[tuple]  # (rule, count, url)
    gap_total: int
    gap_url: str | None
    portfolio: Portfolio | None = None
    # Attested of asked per forvaltning in the newest open attestation campaign.
    attestation: Completeness | None = None
    # Every deadline in the horizon, also those of contracts beyond EVENT_CONTRACTS.
    event_total: int = 0
    horizon: int = DEADLINE_WINDOWS[-1]
    ticks: list[Tick] = field(default_factory=timeline_ticks)

    @cached_property
    def markers(self) -> list[Marker]:
        return markers_of(self.events)

    @property
    def notice_markers(self) -> list[Marker]:
        return [marker for marker in self.markers if marker.kind == "notice"]

    @property
    def retender_markers(self) -> list[Marker]:
        return [marker for marker in self.markers if marker.kind == "retender"]

    @property
    def shown_markers(self) -> list[Marker]:
        """The table's rows: the nearest days, each with all its contracts."""
        return self.markers[:DEADLINE_ROWS]

    @property
    def more_events(self) -> int:
        shown = sum(marker.count for marker in self.shown_markers)
        return max(self.event_total, len(self.events)) - shown


@dataclass
class ContractNumbers:
    """The dashboard's numbers about contracts (DashboardBuilder.contract_numbers)."""

    counts: dict  # number key -> count
    rows: list  # the groups by supplier and unit id with a yearly cost to pay
    suppliers: dict  # supplier id -> (uuid, name)


class DashboardBuilder:
    """Builds the Dashboard of `organisation` (within `unit` and its subtree) for `user`."""

    def __init__(self, *, request, organisation, unit=None, today: datetime.date, units=None):
        self.request, self.user = request, request.user
        self.organisation, self.unit, self.today = organisation, unit, today
        # The parameters every link carries: the unit's subtree, or the organisation
        # (the lists show all the user's organisations).
        self.scope = (
            {"within": str(unit.uuid)} if unit else {"organisation": str(organisation.uuid)}
        )
        self.usages = self.filtered(SystemUsageFilterSet, SystemUsage)
        self.contracts = self.filtered(ContractFilterSet, Contract)
        self.breakdown = breakdown(user=self.user, organisation=organisation, unit=unit,
                                   units=units)
        self.units = units

    def filtered(self, filterset_class, model, **params):
        queryset = model.objects.visible_to(self.user).filter(organisation=self.organisation)
        filterset = filterset_class(
            {**self.scope, **params}, queryset=queryset, request=self.request
        )
        # An invalid filter would silently be left out (and widen the numbers); the
        # parameters are our own, so this is a programming error.
        if not filterset.is_valid():
            raise ValueError(filterset.errors)
        return filterset.qs.order_by()

    def usage_url(self, **params):
        return url_or_none("systemusage_list", query={**self.scope, **params})

    def contract_url(self, **params):
        return url_or_none("contract_list", query={**self.scope, **params})

    def build(self) -> Dashboard:
        charts = self.usage_charts()
        numbers = self.contract_numbers()
        cost_by_supplier, cost_by_unit = self.costs(numbers)
        charts["supplier"] = cost_by_supplier
        charts["unit"] = cost_by_unit
        paying_total = cost_by_supplier.total
        events = self.events()
        # Every headline number in one query: the gaps per rule, the running contracts,
        # the deadline windows, the benefits and what waits for a decision.
        rules = all_rules()
        counts = db.counts(self.organisation, {
            **gap_querysets(user=self.user, organisation=self.organisation, unit=self.unit,
                            today=self.today),
            **self.scalar_querysets(),
        })
        counts.update(numbers.counts)
        gap_url = url_or_none(
            "gap_overview", self.organisation.slug,
            query={"within": self.unit.uuid} if self.unit else None,
        )
        gaps = [(rule, counts[rule.key], self.gap_rule_url(rule)) for rule in rules]
        running = counts["running"]
        without_owner = counts["usage-without-system-owner"]
        without_contract_owner = counts["contract-without-owner"]
        gap_total = sum(counts[rule.key] for rule in rules)
        tiles = [
            Tile(_("Systemer"), charts["lifecycle"].total, self.usage_url()),
            Tile(_("Løbende kontrakter"), running,
                 self.contract_url(status=list(RUNNING_STATUSES))),
            Tile(_("Årlige driftsudgifter"), paying_total,
                 self.contract_url(status=list(IN_FORCE_STATUSES)), money=True),
            Tile(_("Systemer uden systemejer"), without_owner,
                 self.usage_url(has_system_owner="false", lifecycle=list(LIVE_LIFECYCLES)),
                 warn=bool(without_owner)),
            Tile(_("Kontrakter uden kontraktejer"), without_contract_owner,
                 self.contract_url(has_contract_owner="false",
                                   status=list(RUNNING_STATUSES)),
                 warn=bool(without_contract_owner)),
            Tile(_("GDPR- og ejermangler"), gap_total, gap_url, warn=bool(gap_total)),
        ]
        return Dashboard(
            organisation=self.organisation,
            unit=self.unit,
            today=self.today,
            tiles=tiles,
            charts=charts,
            deadline_rows=self.deadline_rows(counts),
            events=events,
            event_total=counts["events_notice"] + counts["events_retender"],
            gaps=gaps,
            gap_total=gap_total,
            gap_url=gap_url,
            portfolio=self.portfolio(counts),
            attestation=dashboard_completeness(
                user=self.user, organisation=self.organisation, unit=self.unit,
                units=self.units,
            ),
        )

    def scalar_querysets(self) -> dict:
        """The dashboard's single numbers other than the contracts', as querysets to count
        (kitos.db.counts)."""
        today = self.today
        querysets = {}
        benefits = self.filtered(BenefitFilterSet, Benefit, reached="false")
        querysets["benefits_due"] = benefits.filter(due_date__range=(
            today, today + datetime.timedelta(days=BENEFIT_DUE_DAYS)))
        querysets["benefits_overdue"] = benefits.filter(due_date__lt=today)
        requests = NewSystemRequest.objects.visible_to(self.user).filter(
            organisation=self.organisation, status=RequestStatus.AWAITING_DECISION
        )
        if self.unit is not None:
            requests = requests.filter(unit__path__startswith=self.unit.path)
        querysets["requests_waiting"] = requests
        querysets["decisions_overdue"] = self.filtered(
            DecisionFilterSet, Decision, follow_up="overdue")
        return querysets

    def gap_rule_url(self, rule):
        return url_or_none(
            "gap_rule", self.organisation.slug, rule.key,
            query={"within": self.unit.uuid} if self.unit else None,
        )

    # -- portfolio (governance) ---------------------------------------------------------
    def portfolio(self, numbers) -> Portfolio:
        """One query of its own (the projects' phases and latest lights); the benefit
        counts, the requests awaiting a decision and the overdue follow-ups are among
        the dashboard's `numbers` (kitos.db.counts)."""
        def project_url(**params):
            return url_or_none("project_list", query={**self.scope, **params})

        counts: dict[tuple[str, str], int] = {}
        projects = (
            self.filtered(ProjectFilterSet, Project).with_latest_status()
            .values_list("phase", "latest_time", "latest_cost", "latest_scope",
                         "latest_benefits")
        )
        for phase, *lights in projects:
            key = (phase, worst_light(*lights))
            counts[key] = counts.get(key, 0) + 1
        lights = [light for light, _label in LIGHT_COLUMNS]
        rows = []
        for phase, label in ProjectPhase.choices:
            cells = [
                Cell(counts.get((phase, light), 0),
                     project_url(phase=phase, latest_status=light))
                for light in lights
            ]
            rows.append(PhaseRow(label, cells, Cell(sum(c.count for c in cells),
                                                    project_url(phase=phase))))
        totals = [
            Cell(sum(row.cells[index].count for row in rows),
                 project_url(latest_status=light))
            for index, light in enumerate(lights)
        ]
        return Portfolio(
            columns=list(LIGHT_COLUMNS), rows=rows, totals=totals,
            total=Cell(sum(c.count for c in totals), project_url()),
            benefits=self.benefit_tiles(numbers), waiting=self.waiting_tiles(numbers),
        )

    def benefit_tiles(self, counts) -> list[Tile]:
        """Benefits not yet reaching their target: due within BENEFIT_DUE_DAYS, and
        overdue (due date passed)."""
        today = self.today
        end = today + datetime.timedelta(days=BENEFIT_DUE_DAYS)
        yesterday = today - datetime.timedelta(days=1)

        def benefit_url(**params):
            return url_or_none("benefit_list", query={**self.scope, "reached": "false",
                                                      **params})

        return [
            Tile(_("Gevinster der forfalder inden %(days)s dage") % {"days": BENEFIT_DUE_DAYS},
                 counts["benefits_due"],
                 benefit_url(due_date_after=today.isoformat(),
                             due_date_before=end.isoformat())),
            Tile(_("Gevinster forfaldne uden at målet er nået"), counts["benefits_overdue"],
                 benefit_url(due_date_before=yesterday.isoformat()),
                 warn=bool(counts["benefits_overdue"])),
        ]

    def waiting_tiles(self, counts) -> list[Tile]:
        """Requests awaiting the steering group's decision, and decisions whose
        follow-up date has passed without the follow-up being done."""
        waiting, overdue = counts["requests_waiting"], counts["decisions_overdue"]
        return [
            Tile(_("Anmodninger der afventer beslutning"), waiting,
                 url_or_none("newsystemrequest_list",
                             query={**self.scope, "status": RequestStatus.AWAITING_DECISION}),
                 warn=bool(waiting)),
            Tile(_("Beslutninger med overskredet opfølgning"), overdue,
                 url_or_none("decision_list", query={**self.scope, "follow_up": "overdue"}),
                 warn=bool(overdue)),
        ]

    # -- systems ----------------------------------------------------------------------
    def usage_charts(self) -> dict[str, Chart]:
        """Lifecycle, criticality and TIME from one grouped query."""
        by = {"lifecycle": {}, "criticality": {}, "time_assessment": {}}
        rows = self.usages.values("lifecycle", "criticality", "time_assessment").annotate(
            n=Count("pk")
        )
        for row in rows:
            for name, counts in by.items():
                counts[row[name]] = counts.get(row[name], 0) + row["n"]

        def segments(name, choices, colours, missing_label, missing_filter):
            result = [
                Segment(label, by[name].get(value, 0), self.usage_url(**{name: value}),
                        colours[value])
                for value, label in choices
            ]
            if missing_label:
                result.append(Segment(missing_label, by[name].get("", 0),
                                      self.usage_url(**{missing_filter: "false"}),
                                      OTHER_COLOUR))
            return [s for s in result if s.value]

        return {
            "lifecycle": Chart("lifecycle", _("Systemer efter livscyklus"), _("Livscyklus"),
                               segments("lifecycle", Lifecycle.choices, LIFECYCLE_COLOURS,
                                        None, None),
                               total_url=self.usage_url()),
            "criticality": Chart("criticality", _("Systemer efter forretningskritikalitet"),
                                 _("Kritikalitet"),
                                 segments("criticality", Criticality.choices[::-1],
                                          CRITICALITY_COLOURS, _("Ikke angivet"),
                                          "has_criticality"),
                                 total_url=self.usage_url()),
            "time": Chart("time", _("TIME-vurdering af systemerne"), _("TIME"),
                          segments("time_assessment", TimeAssessment.choices, TIME_COLOURS,
                                   _("Ikke vurderet"), "has_time_assessment"),
                          total_url=self.usage_url()),
        }

    # -- contracts: numbers and money -------------------------------------------------
    def contract_numbers(self) -> ContractNumbers:
        """Every number the dashboard shows about contracts — the running ones, the
        deadline windows, the late re-tenders and the yearly cost per supplier and unit —
        from one scan of the organisation's contracts: grouped by supplier and unit id
        (integers PostgreSQL hashes) with a conditional count per number. One count per
        number (a subquery each) scanned the contracts of a very large municipality a
        dozen times; the groups (a few thousand at most) are summed here."""
        today = self.today
        conditions = {
            "running": Q(status__in=RUNNING_STATUSES),
            # A re-tender that should have started while notice can still be given.
            "late": Q(retender_start__lt=today, notice_deadline__gte=today),
        }
        for field_name in ("notice_deadline", "retender_start"):
            for days in DEADLINE_WINDOWS:
                end = today + datetime.timedelta(days=days)
                conditions[f"{field_name}_{days}"] = Q(**{f"{field_name}__range": (today, end)})
        paying = Q(status__in=IN_FORCE_STATUSES, yearly_cost__gt=0)
        grouped = (
            self.contracts.order_by()
            .values("supplier_id", "responsible_unit_id")
            .annotate(total=Sum("yearly_cost", filter=paying), n=Count("pk", filter=paying),
                      **{f"count_{key}": Count("pk", filter=condition)
                         for key, condition in conditions.items()})
        )
        # The supplier's public id and name are looked up once per supplier — in the
        # first of its groups (by unit), the others stay NULL — rather than joined to
        # every contract or looked up in each of the few thousand groups: the lookups
        # cost more than the counting did.
        first_of_supplier = Window(RowNumber(), partition_by=F("supplier_id"),
                                   order_by=F("responsible_unit_id").asc())
        grouped = grouped.annotate(first_of_supplier=first_of_supplier).annotate(
            **{name: db.PerGroup(Case(When(first_of_supplier=1, then=Subquery(
                Supplier.objects.filter(pk=OuterRef("supplier_id")).order_by().values(field)
            ))), output_field=output_field)
               for name, field, output_field in (
                   ("supplier_uuid", "uuid", UUIDField()),
                   ("supplier_name", "name", CharField()))}
        )
        if self.units is None:
            grouped = grouped.annotate(unit_path=Subquery(OrganisationUnit.objects.filter(
                pk=OuterRef("responsible_unit_id")).order_by().values("path")))
        rows = list(grouped)
        counts = {key: sum(row[f"count_{key}"] for row in rows) for key in conditions}
        # The timeline's horizon is the widest window.
        horizon = DEADLINE_WINDOWS[-1]
        counts["events_notice"] = counts[f"notice_deadline_{horizon}"]
        counts["events_retender"] = counts[f"retender_start_{horizon}"]
        return ContractNumbers(
            counts=counts,
            rows=[row for row in rows if row["n"]],
            suppliers={row["supplier_id"]: (row["supplier_uuid"], row["supplier_name"])
                       for row in rows if row["first_of_supplier"] == 1},
        )

    def costs(self, numbers: ContractNumbers) -> tuple[Chart, Chart]:
        """The yearly cost of the contracts being paid per supplier and per unit, from
        the groups of contract_numbers."""
        rows = numbers.rows
        if self.units is None:
            paths = {row["responsible_unit_id"]: row["unit_path"] for row in rows}
        else:
            paths = {unit.pk: unit.path for unit in self.units}
        by_supplier: dict = {}
        by_unit: dict = {}
        for row in rows:
            supplier = by_supplier.setdefault(row["supplier_id"], {"total": Decimal(0), "n": 0})
            bucket = self.breakdown.key_of(row["responsible_unit_id"], paths)
            unit = by_unit.setdefault(bucket, {"total": Decimal(0), "n": 0})
            for summed in (supplier, unit):
                summed["total"] += row["total"]
                summed["n"] += row["n"]
        # A contract without a supplier is grouped under id None (no uuid, no name).
        names = {**numbers.suppliers, None: (None, None)}
        suppliers = sorted(
            ({"supplier__uuid": names[pk][0], "supplier__name": names[pk][1], **summed}
             for pk, summed in by_supplier.items()),
            key=lambda row: (-row["total"], row["supplier__name"] or ""),
        )
        return self.cost_by_supplier(suppliers), self.cost_by_unit(by_unit)

    def cost_by_supplier(self, rows) -> Chart:
        """Per supplier: the ten largest and the rest together (dependence on one
        vendor)."""
        paying = list(IN_FORCE_STATUSES)
        segments = []
        for index, row in enumerate(rows[:TOP_SUPPLIERS]):
            if row["supplier__uuid"] is None:
                label, url = _("Uden leverandør"), self.contract_url(status=paying,
                                                                     has_supplier="false")
            else:
                label = row["supplier__name"]
                url = self.contract_url(status=paying, supplier=row["supplier__uuid"])
            segments.append(Segment(label, row["total"], url, PALETTE[index], count=row["n"]))
        rest = rows[TOP_SUPPLIERS:]
        if rest:
            segments.append(Segment(
                _("Øvrige %(count)s leverandører") % {"count": len(rest)},
                # The whole list, largest cost first, has them all.
                sum(r["total"] for r in rest),
                self.contract_url(status=paying, sort="-yearly_cost"), OTHER_COLOUR,
                count=sum(r["n"] for r in rest), is_rest=True,
            ))
        return Chart("supplier", _("Årlige driftsudgifter efter leverandør"), _("Leverandør"),
                     segments, money=True, total_url=self.contract_url(status=paying))

    def cost_by_unit(self, rows) -> Chart:
        """Per unit right below the chosen one (with its subtree), the chosen unit's own
        contracts, and (for the whole organisation) those without a unit — the rows of
        the gap heat map."""
        paying = list(IN_FORCE_STATUSES)
        segments = []
        for index, unit in enumerate(self.breakdown.units):
            if unit.pk in rows:
                segments.append(Segment(
                    unit.name, rows[unit.pk]["total"],
                    url_or_none("contract_list", query={"within": unit.uuid, "status": paying}),
                    PALETTE[index % len(PALETTE)], count=rows[unit.pk]["n"],
                ))
        own = self.breakdown.own_unit
        if own is not None and own.pk in rows:
            segments.append(Segment(
                _("%(unit)s selv") % {"unit": own.name}, rows[own.pk]["total"],
                url_or_none("contract_list",
                            query={"responsible_unit": own.uuid, "status": paying}),
                "#475569", count=rows[own.pk]["n"], is_rest=True,
            ))
        if self.breakdown.with_unitless and None in rows:
            segments.append(Segment(
                _("Uden ansvarlig enhed"), rows[None]["total"],
                self.contract_url(status=paying, has_responsible_unit="false"),
                OTHER_COLOUR, count=rows[None]["n"], is_rest=True,
            ))
        segments.sort(key=lambda s: (s.is_rest, -s.value))
        return Chart("unit", _("Årlige driftsudgifter efter enhed"), _("Enhed"), segments,
                     money=True, total_url=self.contract_url(status=paying))

    # -- deadlines --------------------------------------------------------------------
    def window_url(self, field_name: str, days: int) -> str | None:
        return self.contract_url(**{
            f"{field_name}_after": self.today.isoformat(),
            f"{field_name}_before": (self.today + datetime.timedelta(days=days)).isoformat(),
        })

    def deadline_rows(self, counts) -> list[DeadlineRow]:
        """Counts per window (among the dashboard's `counts`)."""
        today = self.today
        rows = []
        for field_name, label in (
            ("notice_deadline", _("Sidste frist for opsigelse")),
            ("retender_start", _("Seneste start på genudbud")),
        ):
            rows.append(DeadlineRow(label, [
                DeadlineWindow(days, counts[f"{field_name}_{days}"],
                               self.window_url(field_name, days))
                for days in DEADLINE_WINDOWS
            ]))
        yesterday = today - datetime.timedelta(days=1)
        rows[1].late = DeadlineWindow(0, counts["late"], self.contract_url(
            retender_start_before=yesterday.isoformat(),
            notice_deadline_after=today.isoformat(),
        ))
        return rows

    def events(self) -> list[Event]:
        """The notice deadlines and re-tender starts in the horizon of the
        EVENT_CONTRACTS contracts whose next one is nearest (one query), nearest first;
        the timeline shows them, the table the first DEADLINE_ROWS days."""
        today, horizon = self.today, DEADLINE_WINDOWS[-1]
        end = today + datetime.timedelta(days=horizon)
        beyond = Value(end + datetime.timedelta(days=1))

        def in_horizon(name):
            return Coalesce(Case(When(**{f"{name}__range": (today, end)}, then=name),
                                 output_field=DateField()), beyond)

        def first(name):
            # The EVENT_CONTRACTS contracts whose `name` comes first in the horizon (an
            # index range read in order): the nearest contracts by their next event are
            # among these two short lists, so the sort below handles at most twice
            # EVENT_CONTRACTS rows instead of every contract with a deadline in the
            # horizon (thousands in a very large municipality).
            return Subquery(
                self.contracts.filter(**{f"{name}__range": (today, end)})
                .order_by(name, "name", "pk").values("pk")[:EVENT_CONTRACTS]
            )

        contracts = (
            self.contracts.filter(
                Q(pk__in=first("notice_deadline")) | Q(pk__in=first("retender_start"))
            )
            .annotate(next_event=Least(in_horizon("notice_deadline"),
                                       in_horizon("retender_start")))
            .order_by("next_event", "name", "pk")
            .select_related("supplier", "responsible_unit")
            .only("uuid", "name", "notice_deadline", "retender_start", "next_end",
                  "supplier__name", "responsible_unit__name")
            .with_decision()[:EVENT_CONTRACTS]
        )
        events = []
        for contract in contracts:
            url = url_or_none("contract_detail", contract.uuid)
            for kind, date in (("notice", contract.notice_deadline),
                               ("retender", contract.retender_start)):
                if date is not None and today <= date <= end:
                    events.append(Event(contract, kind, date, (date - today).days, url,
                                        decision_label(contract.decision_kind)))
        events.sort(key=lambda e: (e.date, e.contract.name, e.kind))
        return events


def build_dashboard(*, request, organisation, unit=None, today: datetime.date,
                    units=None) -> Dashboard:
    """`units`: every unit of the organisation the user sees, when the page has them."""
    return DashboardBuilder(
        request=request, organisation=organisation, unit=unit, today=today, units=units
    ).build()
