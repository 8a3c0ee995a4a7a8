"""The suppliers part's charts as server-rendered SVG geometry: the lock-in scores as
stacked bars, a supplier's spend share per year, and timelines of contract ends (the
monopoly-break view, joint procurement). Each page puts a table with the same numbers
beside its chart. Coordinates are plain "12.50" strings (template numbers are localised,
and "12,50" is no SVG length); the browser scales the fixed viewBox."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

# Colours of the score's components (the legend and each segment's title name them).
COMPONENT_COLOURS = {
    "spend": "#0b5394",
    "critical": "#b45f06",
    "systems": "#6aa84f",
    "no_exit": "#a61c00",
    "proprietary": "#674ea7",
    "no_window": "#7f7f7f",
}
LABEL_CHARS = 26
AXIS_COLOUR = "#57606a"


def _n(value: float) -> str:
    return f"{value:.2f}"


def short(text: str, chars: int = LABEL_CHARS) -> str:
    if len(text) <= chars:
        return text
    cut = text[:chars - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip() + "…"


@dataclass(frozen=True)
class Segment:
    label: str
    points: Decimal
    x: str
    width: str
    colour: str


@dataclass(frozen=True)
class ScoreBar:
    label: str
    short_label: str
    score: int
    url: str
    y: str
    text_y: str
    value_x: str
    segments: list[Segment]


@dataclass(frozen=True)
class Tick:
    x: str
    label: str


@dataclass
class ScoreChart:
    bars: list[ScoreBar]
    width: int
    height: int
    axis_x: str
    bar_height: int
    ticks: list[Tick]
    legend: list[tuple[str, str]] = field(default_factory=list)  # (colour, label)


SCORE_WIDTH, SCORE_LABEL, SCORE_SPAN = 600, 190, 360
SCORE_ROW, SCORE_BAR, SCORE_TOP = 22, 15, 22
# The chart shows the suppliers with the highest scores; the table lists them all.
SCORE_CHART_ROWS = 15


def score_chart(rows) -> ScoreChart:
    """Stacked horizontal bars, one per supplier (a ``SupplierDependence``), each
    segment a component's points on a 0–100 axis."""
    shown = [row for row in rows if row.score > 0][:SCORE_CHART_ROWS]
    bars = []
    for index, row in enumerate(shown):
        top = SCORE_TOP + index * SCORE_ROW
        x = float(SCORE_LABEL)
        segments = []
        for component in row.components:
            points = component.fraction * component.weight
            if not points:
                continue
            width = float(points) / 100 * SCORE_SPAN
            segments.append(Segment(component.label, component.points, _n(x), _n(width),
                                    COMPONENT_COLOURS[component.key]))
            x += width
        name = row.supplier.name
        bars.append(ScoreBar(
            label=name, short_label=short(name), score=row.score, url=row.url,
            y=_n(top), text_y=_n(top + SCORE_BAR - 3), value_x=_n(x + 4), segments=segments,
        ))
    ticks = [Tick(_n(SCORE_LABEL + value / 100 * SCORE_SPAN), str(value))
             for value in (0, 25, 50, 75, 100)]
    legend = []
    if shown:
        legend = [(COMPONENT_COLOURS[c.key], c.label) for c in shown[0].components]
    return ScoreChart(
        bars=bars, width=SCORE_WIDTH, height=SCORE_TOP + len(bars) * SCORE_ROW + 6,
        axis_x=_n(SCORE_LABEL), bar_height=SCORE_BAR, ticks=ticks, legend=legend,
    )


# -- the trend -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    year: int
    percent: Decimal
    x: str
    y: str
    width: str
    height: str
    label_x: str
    value_y: str
    is_future: bool
    is_current: bool


@dataclass
class TrendChart:
    columns: list[Column]
    width: int
    height: int
    baseline_y: str
    axis_x: str
    year_y: str
    maximum: int
    gridlines: list[tuple[str, str]]  # (y, label)


TREND_WIDTH, TREND_HEIGHT, TREND_LEFT, TREND_TOP, TREND_BOTTOM = 560, 220, 44, 16, 30


def trend_chart(points) -> TrendChart:
    """A column per year (``TrendPoint``): the supplier's share of the spend, on an axis
    up to the next 10 % above the largest share. Future years are drawn light."""
    largest = max([point.percent for point in points] + [Decimal(0)])
    maximum = max(10, int((largest + 9) // 10 * 10))
    plot_height = TREND_HEIGHT - TREND_TOP - TREND_BOTTOM
    baseline = TREND_TOP + plot_height
    slot = (TREND_WIDTH - TREND_LEFT - 8) / max(len(points), 1)
    width = slot * 0.6
    columns = []
    for index, point in enumerate(points):
        height = float(point.percent) / maximum * plot_height
        x = TREND_LEFT + index * slot + (slot - width) / 2
        columns.append(Column(
            year=point.year, percent=point.percent, x=_n(x), y=_n(baseline - height),
            width=_n(width), height=_n(height), label_x=_n(x + width / 2),
            value_y=_n(baseline - height - 4), is_future=point.is_future,
            is_current=point.is_current,
        ))
    gridlines = [
        (_n(baseline - step / maximum * plot_height), f"{step} %")
        for step in range(0, maximum + 1, max(10, maximum // 5 // 10 * 10))
    ]
    return TrendChart(
        columns=columns, width=TREND_WIDTH, height=TREND_HEIGHT, baseline_y=_n(baseline),
        axis_x=_n(TREND_LEFT), year_y=_n(baseline + 18), maximum=maximum,
        gridlines=gridlines,
    )


# -- timelines -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Marker:
    x: str
    title: str
    kind: str  # the marker's look: "own", "other", "locked", "open"
    url: str = ""


@dataclass(frozen=True)
class TimelineRow:
    label: str
    short_label: str
    url: str
    y: str
    text_y: str
    markers: list[Marker]


@dataclass
class Timeline:
    rows: list[TimelineRow]
    width: int
    height: int
    axis_x: str
    plot_end: str
    ticks: list[Tick]
    window: Tick | None  # a vertical line marking a window's end


TIME_WIDTH, TIME_LABEL, TIME_RIGHT, TIME_ROW, TIME_TOP = 640, 190, 16, 22, 26


def timeline(rows, *, start: datetime.date, end: datetime.date,
             window: tuple[datetime.date, str] | None = None) -> Timeline:
    """Rows of (label, url, [(date, title, kind, url)]) on a time axis from `start` to
    `end`; dates outside it are left out (the table beside lists them)."""
    span = max((end - start).days, 1)
    plot = TIME_WIDTH - TIME_LABEL - TIME_RIGHT

    def x_of(day: datetime.date) -> float:
        return TIME_LABEL + (day - start).days / span * plot

    drawn = []
    for index, (label, url, points) in enumerate(rows):
        top = TIME_TOP + index * TIME_ROW
        markers = [
            Marker(_n(x_of(day)), title, kind, marker_url)
            for day, title, kind, marker_url in points if start <= day <= end
        ]
        drawn.append(TimelineRow(label, short(label), url, _n(top + TIME_ROW / 2),
                                 _n(top + TIME_ROW / 2 + 4), markers))
    ticks = [Tick(_n(x_of(start)), str(_("I dag")))]
    year = start.year + 1
    while datetime.date(year, 1, 1) <= end:
        ticks.append(Tick(_n(x_of(datetime.date(year, 1, 1))), str(year)))
        year += 1
    window_tick = None
    if window and start <= window[0] <= end:
        window_tick = Tick(_n(x_of(window[0])), window[1])
    return Timeline(
        rows=drawn, width=TIME_WIDTH, height=TIME_TOP + len(drawn) * TIME_ROW + 8,
        axis_x=_n(TIME_LABEL), plot_end=_n(TIME_WIDTH - TIME_RIGHT), ticks=ticks,
        window=window_tick,
    )


# -- one supplier's score ------------------------------------------------------------------


@dataclass(frozen=True)
class ComponentBar:
    label: str
    short_label: str
    points: Decimal
    weight: int
    colour: str
    y: str
    text_y: str
    weight_width: str
    points_width: str
    value_x: str


@dataclass
class ComponentsChart:
    bars: list[ComponentBar]
    width: int
    height: int
    axis_x: str
    bar_height: int


PARTS_WIDTH, PARTS_LABEL, PARTS_SPAN, PARTS_ROW, PARTS_BAR = 480, 200, 240, 26, 16


def components_chart(components) -> ComponentsChart:
    """A bar per component: its weight as an outline, its points filled, on a scale
    where the largest weight spans the plot."""
    largest = max([c.weight for c in components] + [1])
    bars = []
    for index, component in enumerate(components):
        top = 6 + index * PARTS_ROW
        weight_width = component.weight / largest * PARTS_SPAN
        points_width = float(component.fraction) * weight_width
        bars.append(ComponentBar(
            label=component.label, short_label=short(component.label, 30),
            points=component.points, weight=component.weight,
            colour=COMPONENT_COLOURS[component.key], y=_n(top), text_y=_n(top + PARTS_BAR - 4),
            weight_width=_n(weight_width), points_width=_n(points_width),
            value_x=_n(PARTS_LABEL + weight_width + 4),
        ))
    return ComponentsChart(bars=bars, width=PARTS_WIDTH,
                           height=12 + len(bars) * PARTS_ROW, axis_x=_n(PARTS_LABEL),
                           bar_height=PARTS_BAR)
