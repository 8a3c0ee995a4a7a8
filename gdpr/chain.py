"""The data chain of a contract, a system usage or a processing activity:

    contract → system (usage) → data assets → data categories → processing activities
             → processor (agreement) → sub-processors → countries

built in a fixed number of queries however long the chain is (at most seven: the
usages of an activity, the contracts' coverage, the activities and agreements using the
usages, the data assets, the activities, the data categories, the agreements with their
sub-processors), only from the starting object's organisation, and laid out as columns
of boxes for a server-rendered SVG (the page shows the same nodes as a table beside
it)."""

from __future__ import annotations

import textwrap
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Q, Value
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract, ContractCoverage
from kitos.links import object_url
from portfolio.models import SystemUsage

from . import countries
from .models import (
    DataAsset,
    DataAssetUsage,
    DataCategory,
    DataProcessingAgreement,
    ProcessingActivity,
)

CONTRACT, USAGE, ASSET, CATEGORY, ACTIVITY, PROCESSOR, SUB_PROCESSOR, COUNTRY = range(8)
LEVEL_TITLES = (
    _("Kontrakt"),
    _("System"),
    _("Dataaktiver"),
    _("Datakategorier"),
    _("Behandlingsaktiviteter"),
    _("Databehandler"),
    _("Underdatabehandlere"),
    _("Lande"),
)

def detail_url(obj) -> str:
    return object_url(obj) or ""


@dataclass
class Node:
    level: int
    key: object
    label: str
    detail: str = ""
    url: str = ""
    third_country: bool = False
    start: bool = False
    # Filled by the layout.
    x: int = 0
    y: int = 0
    row: int = 0
    linked: list[Node] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"n{self.level}-{self.key}"

    @property
    def label_lines(self) -> list[str]:
        return wrap_text(self.label, LABEL_CHARACTERS)

    @property
    def detail_lines(self) -> list[str]:
        return wrap_text(self.detail, DETAIL_CHARACTERS) if self.detail else []

    @property
    def lines(self) -> list[tuple[str, str, int]]:
        """(css class, text, y) of each line of the box: the label, then the detail, each
        wrapped at word boundaries so that nothing is cut off."""
        rows, y = [], self.y + PADDING_TOP
        for text in self.label_lines:
            rows.append(("chain-label", text, y))
            y += LABEL_LINE_HEIGHT
        for text in self.detail_lines:
            rows.append(("chain-detail", text, y + 1))
            y += DETAIL_LINE_HEIGHT
        return rows

    @property
    def height(self) -> int:
        return max(
            BOX_HEIGHT,
            PADDING_TOP + LABEL_LINE_HEIGHT * len(self.label_lines)
            + DETAIL_LINE_HEIGHT * len(self.detail_lines),
        )


# What fits on a line of a box (152 px wide, 8 px padding) at the diagram's font sizes.
LABEL_CHARACTERS, DETAIL_CHARACTERS = 19, 24
PADDING_TOP, LABEL_LINE_HEIGHT, DETAIL_LINE_HEIGHT = 18, 16, 15


def wrap_text(text, width: int) -> list[str]:
    """Lines of at most `width` characters, broken between words (a word longer than a
    line is broken inside it); every character of the text is on some line."""
    return textwrap.wrap(str(text), width, break_long_words=True, break_on_hyphens=True) or [""]


@dataclass
class Chain:
    """Boxes in columns (levels) and the lines between them. The GDPR chain's levels by
    default; other diagrams (the gevinstdiagram) name their own and share the layout."""

    nodes: dict[tuple[int, object], Node] = field(default_factory=dict)
    edges: set[tuple[tuple[int, object], tuple[int, object]]] = field(default_factory=set)
    level_titles: tuple = LEVEL_TITLES

    def add(self, level: int, key, label: str, **extra) -> Node:
        node = self.nodes.get((level, key))
        if node is None:
            node = self.nodes[(level, key)] = Node(level=level, key=key, label=label, **extra)
        return node

    def link(self, source: Node, target: Node) -> None:
        self.edges.add(((source.level, source.key), (target.level, target.key)))

    def columns(self) -> list[tuple[str, list[Node]]]:
        """(level title, its nodes) for every level, each node with ``linked``: the nodes
        it is linked to, left of it first (the table beside the diagram lists them)."""
        linked = defaultdict(list)
        for source, target in self.edges:
            linked[source].append(self.nodes[target])
            linked[target].append(self.nodes[source])
        by_level = defaultdict(list)
        for key, node in self.nodes.items():
            node.linked = sorted(linked[key], key=lambda n: (n.level, n.label.lower()))
            by_level[node.level].append(node)
        return [
            (title, sorted(by_level[level], key=lambda n: (n.row, n.label.lower())))
            for level, title in enumerate(self.level_titles)
        ]

    @property
    def has_third_country(self) -> bool:
        return any(n.third_country for n in self.nodes.values() if n.level == COUNTRY)


class ChainBuilder:
    """Collects the chain from one organisation's objects the user may see."""

    def __init__(self, user, organisation_id):
        self.user = user
        self.organisation_id = organisation_id
        self.chain = Chain()
        self.usage_nodes: dict[int, Node] = {}
        self.contract_nodes: dict[int, Node] = {}

    def visible(self, model):
        return model.objects.visible_to(self.user).filter(organisation_id=self.organisation_id)

    # Starting points -------------------------------------------------------------------

    def from_contract(self, contract: Contract) -> Chain:
        self._contract(contract, start=True)
        self._coverage(Q(contract=contract))
        return self._expand(activities=None)

    def from_usage(self, usage: SystemUsage) -> Chain:
        self._usage(usage, start=True)
        self._coverage(Q(usage=usage))
        return self._expand(activities=None)

    def from_activity(self, activity: ProcessingActivity) -> Chain:
        usages = self.visible(SystemUsage).filter(processing_activities=activity)
        for usage in usages.select_related("system"):
            self._usage(usage)
        self._coverage(Q(usage__in=list(self.usage_nodes)))
        return self._expand(activities=[activity.pk], start=activity.pk)

    # Nodes -----------------------------------------------------------------------------

    def _contract(self, contract, start=False) -> Node:
        node = self.chain.add(
            CONTRACT, contract.pk, contract.name, detail=contract.contract_number,
            url=detail_url(contract), start=start,
        )
        self.contract_nodes[contract.pk] = node
        return node

    def _usage(self, usage, start=False) -> Node:
        node = self.chain.add(
            USAGE, usage.pk, str(usage),
            detail=usage.system.name if usage.local_name else usage.get_lifecycle_display(),
            url=detail_url(usage), start=start,
        )
        self.usage_nodes[usage.pk] = node
        return node

    def _country(self, code: str) -> Node:
        third = countries.is_third_country(code)
        return self.chain.add(
            COUNTRY, code, countries.country_name(code),
            detail=f"{code} · {_('tredjeland') if third else _('EU/EØS')}",
            third_country=third,
        )

    def _coverage(self, condition: Q) -> None:
        links = (
            ContractCoverage.objects.visible_to(self.user)
            .filter(condition, organisation_id=self.organisation_id)
            .select_related("contract", "usage__system")
        )
        for link in links:
            contract = self.contract_nodes.get(link.contract_id) or self._contract(link.contract)
            usage = self.usage_nodes.get(link.usage_id) or self._usage(link.usage)
            self.chain.link(contract, usage)

    # The rest of the chain from the usages ---------------------------------------------

    def _expand(self, *, activities, start=None) -> Chain:
        chain, usage_ids = self.chain, list(self.usage_nodes)
        asset_nodes: dict[int, Node] = {}

        def asset_node(asset) -> Node:
            asset_nodes[asset.pk] = chain.add(
                ASSET, asset.pk, asset.name, detail=asset.get_classification_display(),
                url=detail_url(asset),
            )
            return asset_nodes[asset.pk]

        # Processing activities: those using the usages, or just the starting one.
        activity_usage = ProcessingActivity.usages.through.objects.filter(
            systemusage_id__in=usage_ids
        )
        if activities is not None:
            activity_usage = activity_usage.filter(processingactivity_id__in=activities)
        # Which activities and which agreements use the usages, in one statement.
        agreement_usage = DataProcessingAgreement.usages.through.objects.filter(
            systemusage_id__in=usage_ids
        )
        both = activity_usage.annotate(kind=Value(ACTIVITY)).values_list(
            "kind", "processingactivity_id", "systemusage_id"
        ).union(
            agreement_usage.annotate(kind=Value(PROCESSOR)).values_list(
                "kind", "dataprocessingagreement_id", "systemusage_id"
            ),
            all=True,
        )
        pairs, agreement_pairs = [], []
        for kind, owner_id, usage_id in both:
            (pairs if kind == ACTIVITY else agreement_pairs).append((owner_id, usage_id))
        activity_ids = set(activities or ()) | {activity_id for activity_id, _ in pairs}

        # The usages' data assets, then the activities' own.
        activity_assets = defaultdict(list)
        for asset in self._assets(usage_ids, activity_ids):
            if asset.owner_level == USAGE:
                chain.link(self.usage_nodes[asset.owner], asset_node(asset))
            else:
                activity_assets[asset.owner].append(asset)

        activity_nodes = {}
        found = self.visible(ProcessingActivity).filter(pk__in=activity_ids)
        for activity in found:
            node = activity_nodes[activity.pk] = chain.add(
                ACTIVITY, activity.pk, activity.name,
                detail=activity.standard_number and _("KL %(number)s") % {
                    "number": activity.standard_number},
                url=detail_url(activity), start=activity.pk == start,
            )
            for asset in activity_assets[activity.pk]:
                chain.link(asset_nodes.get(asset.pk) or asset_node(asset), node)
        for activity_id, usage_id in pairs:
            if activity_id in activity_nodes:
                chain.link(self.usage_nodes[usage_id], activity_nodes[activity_id])

        self._categories(activity_nodes, asset_nodes)
        self._agreements(agreement_pairs)
        return chain

    def _assets(self, usage_ids, activity_ids) -> list[DataAsset]:
        """The data assets of the usages (with ``owner_level`` USAGE), then those of
        the activities (ACTIVITY; the organisation's only, see the m2m scope check),
        each with its ``owner``'s id: one statement."""
        parts = []
        if usage_ids:
            links = DataAssetUsage.objects.visible_to(self.user).filter(
                organisation_id=self.organisation_id, usage_id__in=usage_ids
            )
            parts.append(
                DataAsset.objects.filter(usage_links__in=links)
                .annotate(owner_level=Value(USAGE), owner=F("usage_links__usage_id"))
            )
        if activity_ids:
            parts.append(
                DataAsset.objects.filter(
                    organisation_id=self.organisation_id,
                    processing_activities__in=list(activity_ids),
                ).annotate(owner_level=Value(ACTIVITY), owner=F("processing_activities"))
            )
        if not parts:
            return []
        parts = [part.order_by() for part in parts]
        return list(
            parts[0].union(*parts[1:], all=True).order_by("owner_level", "name", "owner", "id")
        )

    def _categories(self, activity_nodes: dict[int, Node], asset_nodes: dict[int, Node]):
        """The data categories of the activities (in the activities' order, each's by
        kind and name) and of the data assets, in one statement."""
        parts = []
        if activity_nodes:
            parts.append(
                DataCategory.objects.filter(processing_activities__in=list(activity_nodes))
                .annotate(owner_level=Value(ACTIVITY), owner=F("processing_activities"))
            )
        if asset_nodes:
            parts.append(
                DataCategory.objects.filter(assets__in=list(asset_nodes))
                .annotate(owner_level=Value(ASSET), owner=F("assets"))
            )
        if not parts:
            return
        parts = [part.order_by() for part in parts]
        found = parts[0].union(*parts[1:], all=True).order_by(
            "-owner_level", "owner", "kind", "name", "id")
        of_activity = defaultdict(list)
        of_asset = []
        for category in found:
            if category.owner_level == ACTIVITY:
                of_activity[category.owner].append(category)
            else:
                of_asset.append(category)
        for activity_id, node in activity_nodes.items():
            for category in of_activity[activity_id]:
                self.chain.link(self._category(category), node)
        for category in of_asset:
            self.chain.link(asset_nodes[category.owner], self._category(category))

    def _category(self, category: DataCategory) -> Node:
        return self.chain.add(
            CATEGORY, category.pk, category.name, detail=category.kind_label
        )

    def _agreements(self, agreement_usage) -> None:
        """The processors: agreements covering the usages (`agreement_usage`: (agreement
        id, usage id) pairs) or the contracts, their sub-processors and countries."""
        chain = self.chain
        # The agreements with their sub-processors in one statement: a row per
        # sub-processor (one with none for an agreement without), the sub-processor's
        # fields beside the agreement's.
        agreements = (
            self.visible(DataProcessingAgreement)
            .filter(
                Q(pk__in={agreement_id for agreement_id, _ in agreement_usage})
                | Q(contract_id__in=list(self.contract_nodes))
            )
            .select_related("processor")
            .annotate(
                sub_id=F("sub_processors__id"),
                sub_supplier=F("sub_processors__supplier__name"),
                sub_country=F("sub_processors__country"),
                sub_service=F("sub_processors__service"),
            )
            .order_by("name", "pk", "sub_processors__supplier__name", "sub_processors__id")
        )
        agreement_nodes, subs = {}, []
        for agreement in agreements:
            if agreement.sub_id is not None:
                subs.append(agreement)
            if agreement.pk in agreement_nodes:
                continue
            node = agreement_nodes[agreement.pk] = chain.add(
                PROCESSOR, agreement.pk, agreement.processor.name, detail=agreement.name,
                url=detail_url(agreement),
            )
            if agreement.contract_id in self.contract_nodes:
                chain.link(self.contract_nodes[agreement.contract_id], node)
            if agreement.processor.country:
                chain.link(node, self._country(agreement.processor.country))
        for agreement_id, usage_id in agreement_usage:
            if agreement_id in agreement_nodes:
                chain.link(self.usage_nodes[usage_id], agreement_nodes[agreement_id])
        for sub in subs:
            detail = countries.country_name(sub.sub_country)
            node = chain.add(
                SUB_PROCESSOR, sub.sub_id, sub.sub_supplier,
                detail=f"{detail} · {sub.sub_service}" if sub.sub_service else detail,
                url=agreement_nodes[sub.pk].url,
                third_country=countries.is_third_country(sub.sub_country),
            )
            chain.link(agreement_nodes[sub.pk], node)
            chain.link(node, self._country(sub.sub_country))


def contract_chain(user, contract: Contract) -> Chain:
    return ChainBuilder(user, contract.organisation_id).from_contract(contract)


def usage_chain(user, usage: SystemUsage) -> Chain:
    return ChainBuilder(user, usage.organisation_id).from_usage(usage)


def activity_chain(user, activity: ProcessingActivity) -> Chain:
    return ChainBuilder(user, activity.organisation_id).from_activity(activity)


# ---------------------------------------------------------------------------------------
# Layout

BOX_WIDTH, BOX_HEIGHT = 152, 44
COLUMN_GAP, ROW_GAP = 32, 10
HEADER_HEIGHT, MARGIN = 34, 8


@dataclass
class Diagram:
    width: int
    height: int
    headers: list[tuple[int, str]]
    empty: list[int]  # x of the columns without boxes
    nodes: list[Node]
    paths: list[tuple[str, bool]]  # SVG path, whether it leads to a third country
    # (level title, its nodes) for the table beside the diagram, where the page keeps
    # them with the diagram (Chain.columns, after the layout: in the boxes' order).
    columns: list[tuple[str, list[Node]]] = field(default_factory=list)
    box_width: int = BOX_WIDTH


def layout(chain: Chain) -> Diagram:
    """Columns per level; within a column, boxes ordered by where their neighbours to
    the left sit (fewer crossing lines), then by name."""
    incoming = defaultdict(list)
    for source, target in chain.edges:
        if source[0] < target[0]:
            incoming[target].append(source)
    by_level = defaultdict(list)
    for key, node in chain.nodes.items():
        by_level[node.level].append(key)
    column_bottoms = []
    for level in range(len(chain.level_titles)):
        keys = by_level[level]

        def position(key):
            rows = [chain.nodes[k].row for k in incoming[key]]
            middle = sum(rows) / len(rows) if rows else float("inf")
            return (middle, chain.nodes[key].label.lower())

        y = HEADER_HEIGHT + MARGIN
        for row, key in enumerate(sorted(keys, key=position)):
            node = chain.nodes[key]
            node.row = row
            node.x = MARGIN + level * (BOX_WIDTH + COLUMN_GAP)
            node.y = y
            y += node.height + ROW_GAP
        column_bottoms.append(y)
    width = MARGIN * 2 + len(chain.level_titles) * (BOX_WIDTH + COLUMN_GAP) - COLUMN_GAP
    height = max(max(column_bottoms), HEADER_HEIGHT + MARGIN + BOX_HEIGHT + ROW_GAP) + MARGIN
    paths = []
    for source_key, target_key in sorted(chain.edges):
        source, target = chain.nodes[source_key], chain.nodes[target_key]
        if source.level > target.level:
            source, target = target, source
        x1, y1 = source.x + BOX_WIDTH, source.y + source.height // 2
        x2, y2 = target.x, target.y + target.height // 2
        bend = max((x2 - x1) // 2, 20)
        paths.append(
            (f"M{x1} {y1} C{x1 + bend} {y1} {x2 - bend} {y2} {x2} {y2}", target.third_country)
        )
    headers = [
        (MARGIN + level * (BOX_WIDTH + COLUMN_GAP), str(title))
        for level, title in enumerate(chain.level_titles)
    ]
    empty = [x for level, (x, _title) in enumerate(headers) if not by_level[level]]
    nodes = sorted(chain.nodes.values(), key=lambda n: (n.level, n.row))
    return Diagram(
        width=width, height=height, headers=headers, empty=empty, nodes=nodes, paths=paths
    )
