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
queries does not depend on how much there is nor on the depth: one for the subject and
its usages, one for the walk (a recursive query finds the integrations within reach,
the walk itself runs in Python), and one per section.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract, ContractCoverage
from gdpr.models import DataAsset, DataAssetUsage, ProcessingActivity
from governance.models import Project, ProjectContract, ProjectSystem
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
    """A project that changes one of the usages that go or one of the subject's
    contracts: the link's effect (a SystemEffect or a ContractEffect value) and target."""

    project: Project
    effect: str
    effect_label: str
    target: object


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
    impact.contracts = _contract_rows(user, [usage.pk], own=[])
    return _complete(impact, user=user, today=today)


def supplier_impact(*, user, supplier_uuid, depth: int = DEFAULT_DEPTH,
                    today: datetime.date | None = None) -> Impact:
    """What depends on a supplier in the user's organisations: the usages of its
    systems, the usages its contracts cover, and on from there. Supplier.DoesNotExist
    when the user does not see it (another organisation's local supplier)."""
    supplier = Supplier.objects.visible_to(user).get(uuid=supplier_uuid)
    usages = list(
        _usages(user).filter(
            Q(system__rights_holder=supplier) | Q(contract_links__contract__supplier=supplier)
        ).distinct()
    )
    impact = Impact(kind=SUPPLIER, subject=supplier, depth=depth, usages=usages)
    impact.contracts = _contract_rows(
        user, [usage.pk for usage in usages],
        own=[(Q(supplier=supplier), SUPPLIER_CONTRACT)],
    )
    return _complete(impact, user=user, today=today)


def contract_impact(*, user, contract_uuid, depth: int = DEFAULT_DEPTH,
                    today: datetime.date | None = None) -> Impact:
    """What depends on a contract: the usages it covers and on from there, with its
    sub-contracts. Contract.DoesNotExist when the user does not see it."""
    # A usage the user sees is in one of their organisations, and so is every contract
    # covering it: the usages need not wait for the contract.
    usages = list(_usages(user).filter(contract_links__contract__uuid=contract_uuid).distinct())
    # The contract, its sub-contracts and the other contracts of its usages in one
    # statement; the contract itself comes first when the user sees it.
    contracts = _contract_rows(
        user, [usage.pk for usage in usages],
        own=[(Q(uuid=contract_uuid), SUBJECT), (Q(parent__uuid=contract_uuid), CHILD)],
    )
    if not contracts or contracts[0].relation != SUBJECT:
        raise Contract.DoesNotExist
    impact = Impact(kind=CONTRACT, subject=contracts[0].contract, depth=depth,
                    usages=usages, contracts=contracts)
    return _complete(impact, user=user, today=today)


# -- the sections --------------------------------------------------------------------------


def _complete(impact: Impact, *, user, today) -> Impact:
    """The sections from the usages that go and the contracts (impact.contracts, the
    subject's own first)."""
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
    impact.data_assets = _data_assets(user, impact.usages, impact.hops)
    impact.units = _units(impact.usages)
    impact.projects = _projects(user, impact.usages, impact.contracts)
    impact.role_holders = _role_holders(user, impact, today)
    return impact


def _within_reach(start_ids: list[int], depth: int) -> RawSQL:
    """The ids of the integrations touching a usage at most `depth` integrations from
    the `start_ids` usages, following integrations both ways, as a subquery: a
    recursive query (SQLite and PostgreSQL alike), so the walk costs one query however
    deep it goes. It follows every integration; the caller keeps the visible ones, and
    the walk in Python finds the shortest paths among those (a path through visible
    integrations is never shorter than one through all, so none is missed)."""
    quote = connection.ops.quote_name
    integration = quote(Integration._meta.db_table)
    usage = quote(SystemUsage._meta.db_table)
    usage_id = quote(SystemUsage._meta.pk.column)
    integration_id = quote(Integration._meta.pk.column)
    source = quote(Integration._meta.get_field("source").column)
    target = quote(Integration._meta.get_field("target").column)
    placeholders = ", ".join(["%s"] * len(start_ids))
    sql = (
        f"WITH RECURSIVE impact_reach (usage_id, distance) AS ("
        f" SELECT {usage_id}, 0 FROM {usage} WHERE {usage_id} IN ({placeholders})"
        f" UNION"
        f" SELECT CASE WHEN i.{source} = r.usage_id THEN i.{target} ELSE i.{source} END,"
        f" r.distance + 1"
        f" FROM impact_reach r INNER JOIN {integration} i"
        f" ON (i.{source} = r.usage_id OR i.{target} = r.usage_id)"
        f" WHERE r.distance < %s"
        f") SELECT i.{integration_id} FROM {integration} i INNER JOIN impact_reach r"
        f" ON (i.{source} = r.usage_id OR i.{target} = r.usage_id)"
    )
    return RawSQL(sql, [*start_ids, depth])


def walk_integrations(*, user, start: Iterable[SystemUsage], depth: int):
    """Breadth-first over the integrations, both directions, from the `start` usages:
    (hops, reached usages, whether integrations lead further than `depth`). Each usage
    is reached once, by its shortest path, so cycles end. One query: the integrations
    within reach (those of the last level's usages too, to tell whether there is more
    beyond it), in the order each level takes them."""
    seen_usages = {usage.pk for usage in start}
    if not seen_usages:
        return [], [], False
    within_reach = list(
        Integration.objects.visible_to(user)
        .filter(pk__in=_within_reach(sorted(seen_usages), depth))
        .select_related("source__system", "target__system", "source__responsible_unit",
                        "target__responsible_unit")
        .order_by("name", "pk")
    )
    paths: dict[int, list[Hop]] = {pk: [] for pk in seen_usages}
    seen_integrations: set[int] = set()
    hops: list[Hop] = []
    reached: list[Reached] = []
    frontier = set(seen_usages)
    for level in range(1, depth + 1):
        if not frontier:
            break
        next_frontier: set[int] = set()
        for integration in within_reach:
            if integration.pk in seen_integrations or not (
                integration.source_id in frontier or integration.target_id in frontier
            ):
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
    more_beyond = any(
        integration.source_id in frontier and integration.target_id not in seen_usages
        or integration.target_id in frontier and integration.source_id not in seen_usages
        for integration in within_reach
    )
    reached.sort(key=lambda r: (r.depth, str(r.usage).casefold(), r.usage.pk))
    return hops, reached, more_beyond


def _union(parts: list, *ordering: str):
    """The rows of `parts` (querysets annotated alike) in one UNION ALL statement, in
    `ordering`; nothing (no query) without parts."""
    if not parts:
        return []
    parts = [part.order_by() for part in parts]
    return parts[0].union(*parts[1:], all=True).order_by(*ordering)


def _choice_label(model, field_name: str, value) -> str:
    """What ``get_<field>_display()`` says for `value` of `model`'s field, for rows read
    without their model instance."""
    return dict(model._meta.get_field(field_name).flatchoices).get(value, value)


def _data_assets(user, usages: list[SystemUsage], hops: list[Hop]) -> list[DataAssetRow]:
    """The data assets in the usages that go (by asset, system and use), then those
    the integrations at depth 1 transfer (by asset and integration): one statement."""
    usage_by_id = {usage.pk: usage for usage in usages}
    direct = {hop.integration.pk: hop.integration for hop in hops if hop.depth == 1}
    text = CharField()
    in_usages = (
        DataAsset.objects
        .filter(usage_links__in=DataAssetUsage.objects.visible_to(user)
                .filter(usage__in=list(usage_by_id)))
        .annotate(link_part=Value(0), link_sort=F("usage_links__usage__system__name"),
                  link_use=F("usage_links__use"), link_via=F("usage_links__usage_id"))
    )
    parts = [in_usages] if usage_by_id else []
    if direct:
        parts.append(
            DataAsset.objects.visible_to(user).filter(integrations__in=list(direct))
            .annotate(link_part=Value(1), link_sort=Value("", output_field=text),
                      link_use=Value(TRANSFERRED, output_field=text),
                      link_via=F("integrations"))
        )
    rows = _union(parts, "link_part", "name", "link_sort", "link_use", "link_via")
    return [
        DataAssetRow(asset, asset.link_use, _choice_label(DataAssetUsage, "use", asset.link_use),
                     usage_by_id[asset.link_via])
        if asset.link_part == 0
        else DataAssetRow(asset, TRANSFERRED, _("Overføres via integration"),
                          direct[asset.link_via])
        for asset in rows
    ]


def _units(usages: list[SystemUsage]) -> list[UnitRow]:
    rows = []
    for usage in usages:
        if usage.responsible_unit:
            rows.append(UnitRow(usage.responsible_unit, RESPONSIBLE, usage))
        rows += [UnitRow(link.unit, USING, usage) for link in usage.unit_links.all()]
    return rows


def _contract_rows(user, usage_ids: list[int], *, own: list[tuple[Q, str]]) -> list[ContractRow]:
    """The subject's own contracts first: those matching the first condition of `own`,
    then the second's ..., each with its relation and by name; then every other
    contract covering one of the usages that go (main contracts before the others).
    One statement."""
    order = [When(condition, then=Value(part)) for part, (condition, _relation) in enumerate(own)]
    condition = Q(pk__in=[])
    for own_condition, _relation in own:
        condition |= own_condition
    if usage_ids:
        covering = ContractCoverage.objects.visible_to(user).filter(usage__in=usage_ids)
        condition |= Q(pk__in=covering.values("contract_id"))
        order.append(When(Exists(covering.filter(contract=OuterRef("pk"), is_main=True)),
                          then=Value(len(own))))
    if not own and not usage_ids:
        return []
    relations = [relation for _condition, relation in own] + [COVERS_MAIN, COVERS]
    contracts = (
        _contracts(user).filter(condition)
        .annotate(relation_order=Case(*order, default=Value(len(own) + 1),
                                      output_field=IntegerField()))
        .order_by("relation_order", "name", "pk")
    )
    return [ContractRow(contract, relations[contract.relation_order]) for contract in contracts]


def _projects(user, usages: list[SystemUsage], contracts: list[ContractRow]) -> list[ProjectRow]:
    """The projects changing the usages that go (by project and system), then those
    changing the subject's own contracts (by project and contract): one statement."""
    usage_by_id = {usage.pk: usage for usage in usages}
    own = {row.contract.pk: row.contract for row in contracts
           if row.relation not in (COVERS_MAIN, COVERS)}
    projects = Project.objects.visible_to(user)
    parts = []
    if usage_by_id:
        parts.append(
            projects.filter(projectsystem__usage__in=list(usage_by_id))
            .annotate(link_part=Value(0), link_effect=F("projectsystem__effect"),
                      link_target=F("projectsystem__usage_id"),
                      link_sort=F("projectsystem__usage__system__name"))
        )
    if own:
        parts.append(
            projects.filter(projectcontract__contract__in=list(own))
            .annotate(link_part=Value(1), link_effect=F("projectcontract__effect"),
                      link_target=F("projectcontract__contract_id"),
                      link_sort=F("projectcontract__contract__name"))
        )
    found = _union(parts, "link_part", "name", "id", "link_sort", "link_target")
    return [
        ProjectRow(project, project.link_effect,
                   _choice_label(ProjectSystem, "effect", project.link_effect),
                   usage_by_id[project.link_target])
        if project.link_part == 0
        else ProjectRow(project, project.link_effect,
                        _choice_label(ProjectContract, "effect", project.link_effect),
                        own[project.link_target])
        for project in found
    ]


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
