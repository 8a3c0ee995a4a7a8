"""The landscape map as data: one organisation's system usages as nodes grouped by
forvaltning or business type, its integrations as directed edges, and a layout computed
here, once, so the browser (cytoscape, preset positions), the SVG export and the page
without JavaScript all show the same picture. A fixed number of queries, whatever the
number of usages and integrations."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from gdpr.models import DataAsset
from kitos.links import object_url
from portfolio import choices
from portfolio.models import Integration, SystemUsage
from roles.models import OrganisationUnit

from .map_filtersets import GROUP_BY_BUSINESS_TYPE

NO_GROUP = "none"
# Layout, in SVG/cytoscape pixels: a node's box, the gaps around it, a group's padding
# and header, and how wide a row of groups may grow before the next row starts.
NODE_WIDTH, NODE_HEIGHT = 160, 44
NODE_GAP_X, NODE_GAP_Y = 30, 26
GROUP_PADDING, GROUP_HEADER = 20, 28
GROUP_GAP = 40
MIN_ROW_WIDTH = 1200
LABEL_CHARS = 22


@dataclass
class MapGroup:
    key: str
    label: str
    nodes: list[MapNode] = field(default_factory=list)
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0


@dataclass
class MapNode:
    usage: SystemUsage
    label: str
    group: str
    url: str
    # False for an integration partner outside the filter, drawn faded for context.
    in_filter: bool = True
    x: float = 0
    y: float = 0

    @property
    def key(self) -> str:
        return str(self.usage.uuid)

    @property
    def short_label(self) -> str:
        return self.label if len(self.label) <= LABEL_CHARS else self.label[:LABEL_CHARS - 1] + "…"

    @property
    def supplier(self) -> str:
        holder = self.usage.system.rights_holder
        return holder.name if holder else ""


@dataclass
class MapEdge:
    integration: Integration
    source: MapNode
    target: MapNode
    data: list[str]
    url: str
    # Labels looked up once per map (get_FOO_display rebuilds its choices on each call).
    interface_type: str = ""
    frequency: str = ""
    direction: str = ""

    @property
    def key(self) -> str:
        return str(self.integration.uuid)

    @property
    def two_way(self) -> bool:
        return self.integration.direction == choices.IntegrationDirection.TWO_WAY

    @property
    def label(self) -> str:
        return " · ".join(part for part in (self.interface_type, self.frequency) if part)

    def clipped_line(self) -> tuple[float, float, float, float]:
        """The straight line between the two nodes' borders (for the SVG's arrows)."""
        (x1, y1), (x2, y2) = (self.source.x, self.source.y), (self.target.x, self.target.y)
        return (*_border_point(x1, y1, x2 - x1, y2 - y1), *_border_point(x2, y2, x1 - x2, y1 - y2))


@dataclass
class LandscapeMap:
    group_by: str
    groups: list[MapGroup]
    nodes: list[MapNode]
    edges: list[MapEdge]
    width: float = 0
    height: float = 0

    def as_json(self) -> dict:
        """cytoscape's elements at preset positions, plus the facts the page's table and
        list show. A group is a plain box behind its nodes, sized here: cytoscape's
        compound nodes would recompute every box on each frame (too slow to draw 100+
        integrations in time)."""
        lifecycles, criticalities = _labels(choices.Lifecycle), _labels(choices.Criticality)
        elements = [
            {"group": "nodes", "classes": "group",
             "position": {"x": group.x + group.width / 2, "y": group.y + group.height / 2},
             "data": {"id": f"group:{group.key}", "label": group.label,
                      "width": group.width, "height": group.height}}
            for group in self.groups
        ]
        elements += [
            {"group": "nodes", "classes": "usage" if node.in_filter else "usage outside",
             "position": {"x": node.x, "y": node.y},
             "data": {"id": node.key, "label": node.short_label, "name": node.label,
                      "group": f"group:{node.group}", "url": node.url,
                      "supplier": node.supplier, "in_filter": node.in_filter,
                      "lifecycle": lifecycles.get(node.usage.lifecycle, ""),
                      "criticality": criticalities.get(node.usage.criticality, "")}}
            for node in self.nodes
        ]
        elements += [
            {"group": "edges", "classes": "two-way" if edge.two_way else "one-way",
             "data": {"id": edge.key, "source": edge.source.key, "target": edge.target.key,
                      "label": edge.label, "name": edge.integration.name,
                      "interface_type": edge.interface_type, "frequency": edge.frequency,
                      "data": edge.data, "url": edge.url}}
            for edge in self.edges
        ]
        return {"group_by": self.group_by, "elements": elements,
                "counts": {"nodes": len(self.nodes), "edges": len(self.edges)}}

    def sheet_rows(self) -> tuple[list[str], list[list]]:
        """The edge table as in the page, for the Excel export."""
        headers = [_("Afsender"), _("Modtager"), _("Snitfladetype"), _("Frekvens"),
                   _("Data"), _("Integration"), _("Retning")]
        rows = [
            [edge.source.label, edge.target.label, edge.interface_type, edge.frequency,
             ", ".join(edge.data), edge.integration.name,
             edge.direction]
            for edge in self.edges
        ]
        return headers, rows


def _border_point(x, y, dx, dy) -> tuple[float, float]:
    if dx == 0 and dy == 0:
        return x, y
    half_w, half_h = NODE_WIDTH / 2, NODE_HEIGHT / 2
    scale = min(half_w / abs(dx) if dx else math.inf, half_h / abs(dy) if dy else math.inf)
    return round(x + dx * scale, 1), round(y + dy * scale, 1)


def map_usages(usages, *, lifecycle_chosen: bool, today):
    """The usages the map starts from: those in use (as everywhere in kitos) unless the
    filter names lifecycles, in which case the filter alone decides."""
    return usages if lifecycle_chosen else usages.filter(
        pk__in=SystemUsage.objects.active(today).values("pk")
    )


def build_map(*, organisation, usages, integrations, group_by: str) -> LandscapeMap:
    """The map of `usages` (already scoped to the user and `organisation`, and filtered)
    and the `integrations` (scoped the same way) from or to any of them. Partners of
    those integrations outside the filter come along, marked, so no edge hangs loose."""
    related = ("system__rights_holder", "responsible_unit")
    chosen = list(usages.select_related(*related).order_by())
    chosen_ids = {usage.pk for usage in chosen}
    edges_qs = (
        integrations.filter(organisation=organisation)
        .filter(Q(source__in=chosen_ids) | Q(target__in=chosen_ids))
        .prefetch_related(Prefetch("data_assets",
                                   queryset=DataAsset.objects.order_by("name").only("name")))
        .order_by("source__system__name", "target__system__name", "name")
    )
    integration_list = list(edges_qs)
    usages_by_id = {usage.pk: usage for usage in chosen}
    # The partners outside the filter, in one query (the integrations carry only ids).
    partner_ids = {end for integration in integration_list
                   for end in (integration.source_id, integration.target_id)} - chosen_ids
    if partner_ids:
        for usage in SystemUsage.objects.filter(
                organisation=organisation, pk__in=partner_ids).select_related(*related):
            usages_by_id[usage.pk] = usage

    group_of = _grouping(organisation, group_by)
    groups: dict[str, MapGroup] = {}
    nodes: dict[int, MapNode] = {}
    for usage in sorted(usages_by_id.values(), key=lambda u: str(u).casefold()):
        key, label = group_of(usage)
        group = groups.setdefault(key, MapGroup(key, label))
        node = MapNode(usage=usage, label=str(usage), group=key, url=object_url(usage) or "",
                       in_filter=usage.pk in chosen_ids)
        group.nodes.append(node)
        nodes[usage.pk] = node
    ordered_groups = sorted(groups.values(),
                            key=lambda g: (g.key == NO_GROUP, g.label.casefold()))
    interfaces, frequencies = _labels(choices.InterfaceType), _labels(choices.Frequency)
    directions = _labels(choices.IntegrationDirection)
    edges = [
        MapEdge(integration=integration, source=nodes[integration.source_id],
                target=nodes[integration.target_id],
                data=[asset.name for asset in integration.data_assets.all()],
                url=object_url(integration) or "",
                interface_type=interfaces.get(integration.interface_type, ""),
                frequency=frequencies.get(integration.frequency, ""),
                direction=directions.get(integration.direction, ""))
        for integration in integration_list
    ]
    landscape = LandscapeMap(group_by=group_by, groups=ordered_groups,
                             nodes=[node for group in ordered_groups for node in group.nodes],
                             edges=edges)
    _lay_out(landscape)
    return landscape


def _labels(choice_class) -> dict[str, str]:
    return {value: str(label) for value, label in choice_class.choices}


def _grouping(organisation, group_by: str):
    """A function giving a usage's (group key, group label)."""
    if group_by == GROUP_BY_BUSINESS_TYPE:
        business_types = _labels(choices.BusinessType)

        def by_business_type(usage):
            value = usage.system.business_type
            if not value:
                return NO_GROUP, _("Uden forretningstype")
            return value, business_types.get(value, value)
        return by_business_type

    forvaltninger = {
        unit.pk: unit
        for unit in OrganisationUnit.objects.filter(organisation=organisation).forvaltninger()
    }

    def by_forvaltning(usage):
        unit = usage.responsible_unit
        if unit is not None:
            for ancestor in unit.ancestor_ids:
                if ancestor in forvaltninger:
                    return str(forvaltninger[ancestor].uuid), forvaltninger[ancestor].name
        return NO_GROUP, _("Uden forvaltning")
    return by_forvaltning


def _lay_out(landscape: LandscapeMap) -> None:
    """Each group a box of nodes in a near-square grid; the boxes side by side in rows
    (shelf packing), a row as wide as the whole picture is near-square."""
    sizes = []
    for group in landscape.groups:
        columns = max(1, math.ceil(math.sqrt(len(group.nodes))))
        rows = math.ceil(len(group.nodes) / columns)
        group.width = 2 * GROUP_PADDING + columns * NODE_WIDTH + (columns - 1) * NODE_GAP_X
        group.height = (GROUP_HEADER + 2 * GROUP_PADDING + rows * NODE_HEIGHT
                        + (rows - 1) * NODE_GAP_Y)
        sizes.append(columns)
    area = sum(group.width * group.height for group in landscape.groups)
    row_width = max(MIN_ROW_WIDTH, math.sqrt(area) * 1.4,
                    max((group.width for group in landscape.groups), default=0))
    x = y = row_height = 0.0
    for group, columns in zip(landscape.groups, sizes, strict=True):
        if x > 0 and x + group.width > row_width:
            x, y, row_height = 0.0, y + row_height + GROUP_GAP, 0.0
        group.x, group.y = x, y
        for index, node in enumerate(group.nodes):
            column, row = index % columns, index // columns
            node.x = x + GROUP_PADDING + column * (NODE_WIDTH + NODE_GAP_X) + NODE_WIDTH / 2
            node.y = (y + GROUP_HEADER + GROUP_PADDING + row * (NODE_HEIGHT + NODE_GAP_Y)
                      + NODE_HEIGHT / 2)
        x += group.width + GROUP_GAP
        row_height = max(row_height, group.height)
        landscape.width = max(landscape.width, x - GROUP_GAP)
    landscape.height = y + row_height
