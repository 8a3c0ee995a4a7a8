"""The figures of benefits realisation, computed once for the page's chart and for the
table beside it: the portfolio (expected vs realised per forvaltning and due year) and a
project's gevinstdiagram (project → effects → benefits → goals, a server-rendered SVG).
Both read the benefits' realisation from BenefitQuerySet.with_realisation."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from gdpr.chain import wrap_text
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


# -- the gevinstdiagram -----------------------------------------------------------------------

PROJECT, EFFECT, BENEFIT, GOAL = range(4)
LEVEL_TITLES = (_("Projekt"), _("Effekter"), _("Gevinster"), _("Mål"))
BOX_WIDTH, COLUMN_GAP, ROW_GAP, MARGIN, HEADER_HEIGHT = 180, 40, 10, 12, 24
LABEL_CHARACTERS, DETAIL_CHARACTERS = 23, 28
PADDING_TOP, LABEL_LINE_HEIGHT, DETAIL_LINE_HEIGHT, PADDING_BOTTOM = 18, 16, 15, 10


@dataclass
class Node:
    level: int
    key: object
    label: str
    detail: str = ""
    url: str | None = None
    x: int = 0
    y: int = 0
    row: int = 0
    linked: list = field(default_factory=list)

    @property
    def lines(self) -> list[tuple[str, str, int]]:
        """(css class, text, y) of the box's wrapped lines."""
        lines, y = [], self.y + PADDING_TOP
        for line in wrap_text(self.label, LABEL_CHARACTERS):
            lines.append(("chain-label", line, y))
            y += LABEL_LINE_HEIGHT
        if self.detail:
            for line in wrap_text(self.detail, DETAIL_CHARACTERS):
                lines.append(("chain-detail", line, y))
                y += DETAIL_LINE_HEIGHT
        return lines

    @property
    def height(self) -> int:
        label = len(wrap_text(self.label, LABEL_CHARACTERS)) * LABEL_LINE_HEIGHT
        detail = (len(wrap_text(self.detail, DETAIL_CHARACTERS)) * DETAIL_LINE_HEIGHT
                  if self.detail else 0)
        return PADDING_TOP + label + detail + PADDING_BOTTOM - 4


@dataclass
class Diagram:
    width: int
    height: int
    headers: list
    empty: list
    nodes: list
    paths: list
    columns: list
    box_width: int = BOX_WIDTH


def benefit_diagram(user, project: Project) -> Diagram:
    """The project's gevinstdiagram from the benefits and goals the user may see (two
    queries): project → effects (each benefit's measure) → benefits → the goals they
    serve."""
    nodes: dict[tuple[int, object], Node] = {}
    edges: set[tuple[tuple[int, object], tuple[int, object]]] = set()

    def add(level, key, label, **extra) -> tuple[int, object]:
        nodes.setdefault((level, key), Node(level=level, key=key, label=label, **extra))
        return (level, key)

    start = add(PROJECT, project.pk, project.name, detail=project.get_phase_display(),
                url=object_url(project))
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
            edges.add((start, effect))
            edges.add((effect, node))
        else:
            edges.add((start, node))
        for goal in benefit.goals.all():
            if goal.organisation_id == project.organisation_id:
                edges.add((node, add(GOAL, goal.pk, goal.title, detail=goal.period_label,
                                     url=object_url(goal))))
    return _layout(nodes, edges)


def _layout(nodes: dict, edges: set) -> Diagram:
    incoming = defaultdict(list)
    linked = defaultdict(list)
    for source, target in edges:
        incoming[target].append(source)
        linked[source].append(nodes[target])
        linked[target].append(nodes[source])
    by_level = defaultdict(list)
    for key in nodes:
        by_level[key[0]].append(key)
    bottoms = []
    for level in range(len(LEVEL_TITLES)):
        def position(key):
            rows = [nodes[k].row for k in incoming[key]]
            return (sum(rows) / len(rows) if rows else 0, nodes[key].label.lower())

        y = HEADER_HEIGHT + MARGIN
        for row, key in enumerate(sorted(by_level[level], key=position)):
            node = nodes[key]
            node.row, node.x, node.y = row, MARGIN + level * (BOX_WIDTH + COLUMN_GAP), y
            node.linked = sorted(linked[key], key=lambda n: (n.level, n.label.lower()))
            y += node.height + ROW_GAP
        bottoms.append(y)
    paths = []
    for source_key, target_key in sorted(edges, key=str):
        source, target = nodes[source_key], nodes[target_key]
        x1, y1 = source.x + BOX_WIDTH, source.y + source.height // 2
        x2, y2 = target.x, target.y + target.height // 2
        bend = max((x2 - x1) // 2, 20)
        paths.append(f"M{x1} {y1} C{x1 + bend} {y1} {x2 - bend} {y2} {x2} {y2}")
    headers = [(MARGIN + level * (BOX_WIDTH + COLUMN_GAP), str(title))
               for level, title in enumerate(LEVEL_TITLES)]
    ordered = sorted(nodes.values(), key=lambda n: (n.level, n.row))
    return Diagram(
        width=MARGIN * 2 + len(LEVEL_TITLES) * (BOX_WIDTH + COLUMN_GAP) - COLUMN_GAP,
        height=max(bottoms) + MARGIN,
        headers=headers,
        empty=[x for level, (x, _t) in enumerate(headers) if not by_level[level]],
        nodes=ordered,
        paths=paths,
        columns=[(str(title), [n for n in ordered if n.level == level])
                 for level, title in enumerate(LEVEL_TITLES)],
    )
