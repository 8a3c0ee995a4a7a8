"""Impact analysis: what depends on a system usage, a supplier or a contract, so that
retiring or replacing it is planned with everyone it touches.

The subject comes down to the system usages that would go (the usage itself; the usages
of a supplier's systems and those its contracts cover; the usages a contract covers).
From those, a breadth-first walk over the integrations in both directions finds the
systems that send to or receive from them, transitively up to a depth; then the
processing activities and data assets, the units and their user counts, the contracts
and their deadlines (the stored fields contracts/deadlines.py computes), the people
holding roles and the projects that change the systems.

Read-only and scoped: every query starts from ``visible_to(user)``. The number of
queries does not depend on how much there is: one per section, plus one per level of
the walk.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract, ContractCoverage
from gdpr.models import DataAsset, DataAssetUsage, ProcessingActivity
from governance.models import ProjectContract, ProjectSystem
from portfolio.models import Integration, Supplier, SystemUsage, SystemUsageUnit
from roles.models import RoleAssignment

DEFAULT_DEPTH = 3
MAX_DEPTH = 6

USAGE, SUPPLIER, CONTRACT = "usage", "supplier", "contract"

# The direction of an integration hop, seen from the side nearer the subject, and of a
# whole path: data flows away from the subject (the reached system receives), towards it
# (the reached system sends), both ways (a two-way integration), or the path turns.
OUTGOING, INCOMING, TWO_WAY, MIXED = "outgoing", "incoming", "two_way", "mixed"
DIRECTION_LABELS = {
    OUTGOING: _("Modtager data"),
    INCOMING: _("Sender data"),
    TWO_WAY: _("Begge veje"),
    MIXED: _("Skiftende retning"),
}

# Why a unit, a contract or a data asset is in the analysis.
RESPONSIBLE, USING = "responsible", "using"
UNIT_RELATION_LABELS = {RESPONSIBLE: _("Ansvarlig enhed"), USING: _("Anvendende enhed")}
SUBJECT, CHILD, SUPPLIER_CONTRACT, COVERS_MAIN, COVERS = (
    "subject", "child", "supplier", "covers_main", "covers",
)
CONTRACT_RELATION_LABELS = {
    SUBJECT: _("Kontrakten selv"),
    CHILD: _("Underkontrakt"),
    SUPPLIER_CONTRACT: _("Leverandørens kontrakt"),
    COVERS_MAIN: _("Hovedkontrakt for et berørt system"),
    COVERS: _("Dækker et berørt system"),
}
TRANSFERRED = "transferred"


class DepthError(ValueError):
    """A depth that is not a whole number from 1 to MAX_DEPTH."""


def parse_depth(value) -> int:
    """The walk's depth from a query parameter: DEFAULT_DEPTH when absent."""
    if value in (None, ""):
        return DEFAULT_DEPTH
    try:
        depth = int(str(value).strip())
    except ValueError:
        raise DepthError(value) from None
    if not 1 <= depth <= MAX_DEPTH:
        raise DepthError(value)
    return depth


@dataclass
class Hop:
    """An integration the walk followed, at `depth` (1: it touches the subject)."""

    integration: Integration
    depth: int
    direction: str
    came_from: SystemUsage  # the end nearer the subject

    @property
    def direction_label(self):
        return DIRECTION_LABELS[self.direction]


@dataclass
class Reached:
    """A system usage the walk reached: how far from the subject, which way the data
    flows along the shortest path, and the path's integrations (nearest first)."""

    usage: SystemUsage
    depth: int
    path: list[Hop]

    @property
    def direction(self) -> str:
        directions = {hop.direction for hop in self.path}
        return directions.pop() if len(directions) == 1 else MIXED

    @property
    def direction_label(self):
        return DIRECTION_LABELS[self.direction]

    @property
    def via(self) -> SystemUsage:
        """The usage the last hop came from (at depth 1, one of the subject's)."""
        return self.path[-1].came_from


@dataclass
class UnitRow:
    unit: object
    relation: str
    usage: SystemUsage

    @property
    def relation_label(self):
        return UNIT_RELATION_LABELS[self.relation]


@dataclass
class ContractRow:
    contract: Contract
    relation: str

    @property
    def relation_label(self):
        return CONTRACT_RELATION_LABELS[self.relation]


@dataclass
class DataAssetRow:
    asset: DataAsset
    relation: str  # a DataAssetUsage use (stores, uses, exposes) or TRANSFERRED
    relation_label: str
    via: object  # the usage or the integration


@dataclass
class RoleHolder:
    assignment: RoleAssignment
    target: object


@dataclass
class ProjectRow:
    link: object  # a ProjectSystem or a ProjectContract
    target: object

    @property
    def project(self):
        return self.link.project


@dataclass
class Impact:
    """Everything that depends on the subject, section by section."""

    kind: str
    subject: object
    depth: int
    usages: list[SystemUsage] = field(default_factory=list)
    hops: list[Hop] = field(default_factory=list)
    reached: list[Reached] = field(default_factory=list)
    more_beyond: bool = False
    processing_activities: list[ProcessingActivity] = field(default_factory=list)
    data_assets: list[DataAssetRow] = field(default_factory=list)
    units: list[UnitRow] = field(default_factory=list)
    contracts: list[ContractRow] = field(default_factory=list)
    role_holders: list[RoleHolder] = field(default_factory=list)
    projects: list[ProjectRow] = field(default_factory=list)


# -- the subjects --------------------------------------------------------------------------


def _usages(user):
    return (
        SystemUsage.objects.visible_to(user)
        .select_related("organisation", "system", "system__rights_holder", "responsible_unit")
        .prefetch_related(
            Prefetch("unit_links", queryset=SystemUsageUnit.objects.select_related("unit"))
        )
        .order_by("system__name", "pk")
    )


def _contracts(user):
    return Contract.objects.visible_to(user).select_related("organisation", "supplier")


def usage_impact(*, user, usage_uuid, depth: int = DEFAULT_DEPTH,
                 today: datetime.date | None = None) -> Impact:
    """What depends on one system usage. SystemUsage.DoesNotExist when the user does
    not see it."""
    usage = _usages(user).get(uuid=usage_uuid)
    impact = Impact(kind=USAGE, subject=usage, depth=depth, usages=[usage])
    return _complete(impact, user=user, subject_contracts=[], today=today)


def supplier_impact(*, user, supplier_uuid, depth: int = DEFAULT_DEPTH,
                    today: datetime.date | None = None) -> Impact:
    """What depends on a supplier in the user's organisations: the usages of its
    systems, the usages its contracts cover, and on from there. Supplier.DoesNotExist
    when the user does not see it (another organisation's local supplier)."""
    supplier = Supplier.objects.visible_to(user).get(uuid=supplier_uuid)
    contracts = list(_contracts(user).filter(supplier=supplier).order_by("name", "pk"))
    usages = list(
        _usages(user).filter(
            Q(system__rights_holder=supplier) | Q(contract_links__contract__supplier=supplier)
        ).distinct()
    )
    impact = Impact(kind=SUPPLIER, subject=supplier, depth=depth, usages=usages)
    return _complete(
        impact, user=user, today=today,
        subject_contracts=[ContractRow(c, SUPPLIER_CONTRACT) for c in contracts],
    )


def contract_impact(*, user, contract_uuid, depth: int = DEFAULT_DEPTH,
                    today: datetime.date | None = None) -> Impact:
    """What depends on a contract: the usages it covers and on from there, with its
    sub-contracts. Contract.DoesNotExist when the user does not see it."""
    # The contract and its sub-contracts in one statement.
    found = list(
        _contracts(user).filter(Q(uuid=contract_uuid) | Q(parent__uuid=contract_uuid))
        .order_by("name", "pk")
    )
    contract = next((c for c in found if str(c.uuid) == str(contract_uuid)), None)
    if contract is None:
        raise Contract.DoesNotExist
    children = [c for c in found if c.parent_id == contract.pk and c.pk != contract.pk]
    usages = list(_usages(user).filter(contract_links__contract=contract).distinct())
    impact = Impact(kind=CONTRACT, subject=contract, depth=depth, usages=usages)
    return _complete(
        impact, user=user, today=today,
        subject_contracts=[ContractRow(contract, SUBJECT)]
        + [ContractRow(child, CHILD) for child in children],
    )


# -- the sections --------------------------------------------------------------------------


def _complete(impact: Impact, *, user, subject_contracts: list[ContractRow], today) -> Impact:
    today = today or timezone.localdate()
    usage_ids = [usage.pk for usage in impact.usages]
    impact.hops, impact.reached, impact.more_beyond = walk_integrations(
        user=user, start=impact.usages, depth=impact.depth
    )
    impact.processing_activities = list(
        ProcessingActivity.objects.visible_to(user)
        .filter(usages__in=usage_ids).distinct()
        .select_related("responsible_unit").order_by("name", "pk")
    )
    impact.data_assets = _data_assets(user, usage_ids, impact.hops)
    impact.units = _units(impact.usages)
    impact.contracts = _all_contracts(user, usage_ids, subject_contracts)
    impact.projects = _projects(user, impact.usages, [row.contract for row in subject_contracts])
    impact.role_holders = _role_holders(user, impact, today)
    return impact


def walk_integrations(*, user, start: Iterable[SystemUsage], depth: int):
    """Breadth-first over the integrations, both directions, from the `start` usages:
    (hops, reached usages, whether integrations lead further than `depth`). Each usage
    is reached once, by its shortest path, so cycles end. One query per level, and one
    to tell whether there is more beyond the last."""
    integrations = Integration.objects.visible_to(user).select_related(
        "source__system", "target__system", "source__responsible_unit",
        "target__responsible_unit",
    )
    seen_usages = {usage.pk for usage in start}
    paths: dict[int, list[Hop]] = {pk: [] for pk in seen_usages}
    seen_integrations: set[int] = set()
    hops: list[Hop] = []
    reached: list[Reached] = []
    frontier = set(seen_usages)
    for level in range(1, depth + 1):
        if not frontier:
            break
        found = integrations.filter(
            Q(source__in=frontier) | Q(target__in=frontier)
        ).order_by("name", "pk")
        next_frontier: set[int] = set()
        for integration in found:
            if integration.pk in seen_integrations:
                continue
            seen_integrations.add(integration.pk)
            from_source = integration.source_id in frontier
            near, far = (
                (integration.source, integration.target) if from_source
                else (integration.target, integration.source)
            )
            direction = (
                TWO_WAY if integration.direction == "two_way"
                else OUTGOING if from_source else INCOMING
            )
            hop = Hop(integration, level, direction, near)
            hops.append(hop)
            if far.pk in seen_usages:
                continue
            seen_usages.add(far.pk)
            next_frontier.add(far.pk)
            paths[far.pk] = [*paths[near.pk], hop]
            reached.append(Reached(far, level, paths[far.pk]))
        frontier = next_frontier
    more_beyond = bool(frontier) and integrations.filter(
        Q(source__in=frontier) & ~Q(target__in=seen_usages)
        | Q(target__in=frontier) & ~Q(source__in=seen_usages)
    ).exists()
    reached.sort(key=lambda r: (r.depth, str(r.usage).casefold(), r.usage.pk))
    return hops, reached, more_beyond


def _data_assets(user, usage_ids, hops: list[Hop]) -> list[DataAssetRow]:
    rows = [
        DataAssetRow(link.asset, link.use, link.get_use_display(), link.usage)
        for link in DataAssetUsage.objects.visible_to(user)
        .filter(usage__in=usage_ids)
        .select_related("asset", "usage__system")
        .order_by("asset__name", "usage__system__name", "use")
    ]
    direct = {hop.integration.pk: hop.integration for hop in hops if hop.depth == 1}
    travelling = (
        DataAsset.integrations.through.objects
        .filter(integration__in=direct, dataasset__in=DataAsset.objects.visible_to(user))
        .select_related("dataasset").order_by("dataasset__name", "integration_id")
    )
    rows += [
        DataAssetRow(link.dataasset, TRANSFERRED, _("Overføres via integration"),
                     direct[link.integration_id])
        for link in travelling
    ]
    return rows


def _units(usages: list[SystemUsage]) -> list[UnitRow]:
    rows = []
    for usage in usages:
        if usage.responsible_unit:
            rows.append(UnitRow(usage.responsible_unit, RESPONSIBLE, usage))
        rows += [UnitRow(link.unit, USING, usage) for link in usage.unit_links.all()]
    return rows


def _all_contracts(user, usage_ids, subject_contracts: list[ContractRow]) -> list[ContractRow]:
    """The subject's own contracts first, then every other contract covering one of the
    usages that go (main contracts before the others)."""
    rows = list(subject_contracts)
    known = {row.contract.pk for row in rows}
    coverage = (
        ContractCoverage.objects.visible_to(user)
        .filter(usage__in=usage_ids)
        .select_related("contract__supplier", "contract__organisation")
        .order_by("-is_main", "contract__name", "contract_id")
    )
    for link in coverage:
        if link.contract_id not in known:
            known.add(link.contract_id)
            rows.append(ContractRow(link.contract, COVERS_MAIN if link.is_main else COVERS))
    return rows


def _projects(user, usages, contracts) -> list[ProjectRow]:
    systems = (
        ProjectSystem.objects.visible_to(user)
        .filter(usage__in=[u.pk for u in usages])
        .select_related("project", "usage__system")
        .order_by("project__name", "project_id", "usage__system__name")
    )
    rows = [ProjectRow(link, link.usage) for link in systems]
    if contracts:
        rows += [
            ProjectRow(link, link.contract)
            for link in ProjectContract.objects.visible_to(user)
            .filter(contract__in=[c.pk for c in contracts])
            .select_related("project", "contract")
            .order_by("project__name", "project_id", "contract__name")
        ]
    return rows


def _role_holders(user, impact: Impact, today) -> list[RoleHolder]:
    """The current role holders on the subject, the usages that go, the contracts and
    the systems and integrations one step away: the people to inform."""
    targets: dict[tuple[int, int], object] = {}

    def add(objects):
        objects = list(objects)
        if objects:
            content_type = ContentType.objects.get_for_model(type(objects[0]))
            for obj in objects:
                targets[(content_type.pk, obj.pk)] = obj

    add([impact.subject])
    add(impact.usages)
    add([row.contract for row in impact.contracts])
    add([r.usage for r in impact.reached if r.depth == 1])
    add([hop.integration for hop in impact.hops if hop.depth == 1])
    condition = Q(pk__in=[])
    by_type: dict[int, list[int]] = {}
    for content_type_id, object_id in targets:
        by_type.setdefault(content_type_id, []).append(object_id)
    for content_type_id, object_ids in by_type.items():
        condition |= Q(content_type_id=content_type_id, object_id__in=object_ids)
    assignments = (
        RoleAssignment.objects.visible_to(user).current(today).filter(condition)
        .select_related("person", "role_type")
        .order_by("person__name", "role_type__name", "pk")
    )
    return [
        RoleHolder(a, targets[(a.content_type_id, a.object_id)]) for a in assignments
    ]
