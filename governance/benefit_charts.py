"""The figures of benefits realisation, computed once for the page's chart and for the
table beside it: the portfolio (expected vs realised per forvaltning and due year) and a
project's gevinstdiagram (project → effects → benefits → goals, a server-rendered SVG).
Both read the benefits' realisation from BenefitQuerySet.with_realisation."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from gdpr.chain import Chain, Diagram, layout
from kitos.links import object_url
from roles.models import OrganisationUnit

from .choices import BenefitKind
from .models import Benefit, Project

# -- portfolio ------------------------------------------------------------------------------


@dataclass
class PortfolioRow:
    forvaltning: str
    year: int | None
    count: int = 0
    measured: int = 0
    reached: int = 0
    expected: Decimal = Decimal(0)
    realised: Decimal = Decimal(0)

    @property
    def share(self) -> int | None:
        """Realised kroner as a whole percentage of the expected (None: none expected)."""
        return round(self.realised * 100 / self.expected) if self.expected else None


def portfolio_rows(user, queryset=None) -> list[PortfolioRow]:
    """Expected vs realised per forvaltning (of the project's responsible unit) and due
    year, over the benefits the user may see: two queries however many benefits."""
    queryset = Benefit.objects.visible_to(user) if queryset is None else queryset
    forvaltninger = {
        unit.pk: unit.name
        for unit in OrganisationUnit.objects.visible_to(user).forvaltninger()
    }
    rows: dict[tuple[str, int | None], PortfolioRow] = {}
    values = queryset.with_realisation().values_list(
        "project__responsible_unit__path", "project__responsible_unit_id", "due_date", "kind",
        "target", "realised", "realised_share",
    )
    for path, unit_id, due, kind, target, realised, share in values:
        ancestors = [int(p) for p in (path or "").strip("/").split("/") if p] or (
            [unit_id] if unit_id else []
        )
        name = next((forvaltninger[pk] for pk in ancestors if pk in forvaltninger), None)
        key = (name or str(_("Uden forvaltning")), due.year if due else None)
        row = rows.setdefault(key, PortfolioRow(forvaltning=key[0], year=key[1]))
        row.count += 1
        if realised is not None:
            row.measured += 1
        if share is not None and share >= 1:
            row.reached += 1
        if kind == BenefitKind.ECONOMIC:
            row.expected += target or 0
            row.realised += realised or 0
    return sorted(rows.values(), key=lambda r: (r.forvaltning.lower(), r.year or 9999))


# The portfolio's bar chart: two bars (expected, realised) per row of the table, drawn
# in a fixed coordinate system the browser scales (viewBox), numbers as plain "12.50"
# (template numbers are localised, and "12,50" is no SVG length).
CHART_WIDTH = 520
CHART_LABEL_WIDTH = 200
CHART_VALUE_WIDTH = 60
# Longer forvaltning names are shortened in the chart (the year stays; the table and the
# bar's tooltip carry the full name).
CHART_LABEL_CHARS = 20
CHART_BAR_HEIGHT = 12
CHART_ROW_HEIGHT = 2 * CHART_BAR_HEIGHT + 14
CHART_TOP = 8
EXPECTED_COLOUR = "#9ec5e8"  # light, with a dark outline: not told apart by colour alone
REALISED_COLOUR = "#0b5394"


@dataclass
class Bar:
    label: str  # "Forventet" / "Realiseret"
    value: Decimal
    x: str
    y: str
    width: str
    text_x: str  # where the value is written, right of the bar
    text_y: str
    colour: str


@dataclass
class ChartGroup:
    label: str  # forvaltning and year, as the table's row
    label_y: str
    bars: list[Bar]
    short_label: str = ""

    def __post_init__(self):
        if not self.short_label:
            self.short_label = self.label


@dataclass
class PortfolioChart:
    groups: list[ChartGroup]
    width: int
    height: int
    maximum: Decimal
    axis_x: str
    expected_colour: str = EXPECTED_COLOUR
    realised_colour: str = REALISED_COLOUR


def _n(value: float) -> str:
    return f"{value:.2f}"


def portfolio_chart(rows: list[PortfolioRow]) -> PortfolioChart:
    """Expected vs realised kroner per row of the portfolio table, as horizontal bars
    scaled to the largest amount; the table beside it carries the same numbers."""
    maximum = max([row.expected for row in rows] + [row.realised for row in rows]
                  + [Decimal(0)])
    span = CHART_WIDTH - CHART_LABEL_WIDTH - CHART_VALUE_WIDTH
    groups = []
    for index, row in enumerate(rows):
        top = CHART_TOP + index * CHART_ROW_HEIGHT
        year = row.year if row.year is not None else _("Uden dato")
        bars = []
        for offset, (label, value, colour) in enumerate((
            (_("Forventet"), row.expected, EXPECTED_COLOUR),
            (_("Realiseret"), row.realised, REALISED_COLOUR),
        )):
            width = float(value / maximum) * span if maximum else 0.0
            y = top + offset * CHART_BAR_HEIGHT
            bars.append(Bar(
                label, value, _n(CHART_LABEL_WIDTH), _n(y), _n(width),
                _n(CHART_LABEL_WIDTH + width + 4), _n(y + CHART_BAR_HEIGHT - 2), colour,
            ))
        name = row.forvaltning
        if len(name) > CHART_LABEL_CHARS:
            cut = name[:CHART_LABEL_CHARS - 1]
            name = (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip() + "…"
        groups.append(ChartGroup(f"{row.forvaltning} {year}",
                                 _n(top + CHART_BAR_HEIGHT + 4), bars,
                                 short_label=f"{name} {year}"))
    return PortfolioChart(
        groups=groups, width=CHART_WIDTH,
        height=CHART_TOP * 2 + len(rows) * CHART_ROW_HEIGHT,
        maximum=maximum, axis_x=_n(CHART_LABEL_WIDTH),
    )


# -- the gevinstdiagram -----------------------------------------------------------------------

PROJECT, EFFECT, BENEFIT, GOAL = range(4)
LEVEL_TITLES = (_("Projekt"), _("Effekter"), _("Gevinster"), _("Mål"))


def benefit_diagram(user, project: Project) -> Diagram:
    """The project's gevinstdiagram from the benefits and goals the user may see (two
    queries): project → effects (each benefit's measure) → benefits → the goals they
    serve."""
    chain = Chain(level_titles=LEVEL_TITLES)
    add, link = chain.add, chain.link
    start = add(PROJECT, project.pk, project.name, detail=project.get_phase_display(),
                url=object_url(project), start=True)
    benefits = (
        Benefit.objects.visible_to(user).filter(project=project).with_realisation()
        .prefetch_related("goals").order_by("title")
    )
    for benefit in benefits:
        detail = benefit.get_kind_display()
        if benefit.realised_share is not None:
            detail = f"{detail} · {round(benefit.realised_share * 100)} %"
        node = add(BENEFIT, benefit.pk, benefit.title, detail=detail,
                   url=object_url(benefit))
        if benefit.measure.strip():
            effect = add(EFFECT, benefit.pk, benefit.measure.strip())
            link(start, effect)
            link(effect, node)
        else:
            link(start, node)
        for goal in benefit.goals.all():
            if goal.organisation_id == project.organisation_id:
                link(node, add(GOAL, goal.pk, goal.title, detail=goal.period_label,
                               url=object_url(goal)))
    # The table beside the diagram lists the boxes in the diagram's order.
    diagram = layout(chain)
    return replace(diagram, columns=chain.columns())
