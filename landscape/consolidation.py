"""Duplicates, consolidation and KLE coverage: where the forvaltninger of one organisation
use different systems for the same KLE task or business type, where one system is used
in several forvaltninger, which catalog entries are likely the same system, the yearly
cost a consolidation could touch, and which KLE tasks have no system or several.

The rules are the inventory's own, never restated here:
- a usage is *in use* when it is not retired (``portfolio.choices.LIVE_LIFECYCLES``, as
  the duplicate check of new-system requests has it);
- a system serves a KLE task when its catalog entry is tagged with the task's number, a
  number under it or above it (``portfolio.kle``, the duplicate check's rule);
- a usage belongs to the forvaltning (``OrganisationUnitQuerySet.forvaltninger``) of
  its responsible unit and of each unit using it;
- the yearly cost is that of the contracts in force covering the usages
  (``ContractQuerySet.in_force``, ``Contract.yearly_cost``), each contract counted once.

Each figure carries the URL of the list that shows the same rows (the usage list with
``kle_task``/``business_type``/``system`` and ``used_within``, the contract list with
``usage`` and the in-force statuses), so a number and its list always agree. The whole
analysis costs a fixed handful of queries, however many usages and contracts there are.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher

from django.db import models
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from contracts.choices import IN_FORCE_STATUSES
from contracts.models import Contract, ContractCoverage
from gdpr.models import ProcessingActivity
from kitos.links import url_or_none
from portfolio.choices import LIVE_LIFECYCLES, BusinessType
from portfolio.kle import kle_ancestors, kle_serves
from portfolio.models import ItSystem, KleNumber, SystemUsage, SystemUsageUnit
from roles.models import OrganisationUnit

# The catalog comparison reads at most this many entries (the national catalog holds a
# few thousand) and reports at most this many pairs, so the page stays fast.
MAX_CATALOG = 6000
MAX_PAIRS = 500
# A word shared by more entries than this ("system", "kmd") proposes no pairs by itself.
MAX_WORD_SHARE = 60
# How alike two normalised names must be (difflib's ratio, 0..1): always, or when the
# two systems have the same supplier.
SIMILAR = 0.86
SIMILAR_SAME_SUPPLIER = 0.72
# The bars of the duplicates chart: the groups with the largest yearly cost.
CHART_GROUPS = 15


class GroupKind(models.TextChoices):
    KLE = "kle", _("Samme KLE-opgave")
    BUSINESS_TYPE = "business_type", _("Samme forretningstype")
    SYSTEM = "system", _("Samme system i flere forvaltninger")


class Coverage(models.TextChoices):
    NONE = "none", _("Intet system")
    ONE = "one", _("Ét system")
    SEVERAL = "several", _("Flere systemer")


@dataclass
class Bar:
    """One bar of a chart (an SVG drawn by the server; the table beside it has the
    same numbers and links)."""

    label: str
    value: int | Decimal
    url: str
    share: float  # of the largest bar, 0..1
    index: int

    @property
    def width(self) -> str:
        return f"{self.share * 100:.2f}"

    @property
    def y(self) -> int:
        return self.index * BAR_STEP


BAR_STEP = 10  # height of one bar and its gap in the chart's view box


def bars(items: list[tuple[str, int | Decimal, str]]) -> list[Bar]:
    largest = max((value for _label, value, _url in items), default=0)
    return [
        Bar(label, value, url, float(value / largest) if largest else 0.0, index)
        for index, (label, value, url) in enumerate(items)
    ]


def _list_url(name: str, query: dict) -> str:
    return url_or_none(name, query=query) or ""


# -- the organisation's systems in use --------------------------------------------------


@dataclass
class Inventory:
    """The organisation's usages in use with their forvaltninger, KLE numbers and the
    contracts in force covering them: five queries."""

    organisation: object
    forvaltninger: list[OrganisationUnit]
    usages: list[SystemUsage]
    forvaltninger_of: dict[int, set[int]]  # usage id -> forvaltning ids
    kle_of: dict[int, set[str]]  # usage id -> the KLE numbers its system is tagged with
    contracts_of: dict[int, set[int]]  # usage id -> contracts in force covering it
    yearly_cost: dict[int, Decimal]  # contract id -> yearly cost

    @classmethod
    def load(cls, user, organisation) -> Inventory:
        forvaltninger = (
            OrganisationUnit.objects.visible_to(user).filter(organisation=organisation)
            .forvaltninger()
        )
        forvaltning_ids = {unit.pk for unit in forvaltninger}

        def forvaltning_of(unit_id, path) -> int | None:
            ancestors = [int(part) for part in (path or "").strip("/").split("/") if part]
            return next((pk for pk in ancestors or [unit_id] if pk in forvaltning_ids), None)

        in_use = SystemUsage.objects.visible_to(user).filter(
            organisation=organisation, lifecycle__in=LIVE_LIFECYCLES
        )
        usages = list(
            in_use.select_related("system", "system__rights_holder", "responsible_unit")
            .prefetch_related("system__kle_numbers")
            .order_by("system__name", "pk")
        )
        # The related rows are read through a subquery, not a list of ids (thousands of
        # usages would be thousands of query parameters).
        ids = in_use.values("pk")
        forvaltninger_of: dict[int, set[int]] = {usage.pk: set() for usage in usages}
        kle_of: dict[int, set[str]] = {}
        for usage in usages:
            unit = usage.responsible_unit
            if unit is not None:
                forvaltninger_of[usage.pk].add(forvaltning_of(unit.pk, unit.path))
            kle_of[usage.pk] = {kle.number for kle in usage.system.kle_numbers.all()}
        using = SystemUsageUnit.objects.filter(usage_id__in=ids).values_list(
            "usage_id", "unit_id", "unit__path")
        for usage_id, unit_id, path in using:
            if usage_id in forvaltninger_of:  # not one added since the usages were read
                forvaltninger_of[usage_id].add(forvaltning_of(unit_id, path))
        for found in forvaltninger_of.values():
            found.discard(None)

        contracts_of: dict[int, set[int]] = defaultdict(set)
        yearly_cost: dict[int, Decimal] = {}
        covering = ContractCoverage.objects.filter(
            usage_id__in=ids,
            contract__in=Contract.objects.visible_to(user).filter(
                organisation=organisation).in_force(),
        ).values_list("usage_id", "contract_id", "contract__yearly_cost")
        for usage_id, contract_id, cost in covering:
            contracts_of[usage_id].add(contract_id)
            yearly_cost[contract_id] = cost or Decimal(0)
        return cls(organisation, forvaltninger, usages, forvaltninger_of, kle_of,
                   contracts_of, yearly_cost)

    def usage_query(self, **params) -> dict:
        """The usage list's parameters for these usages (in use, this organisation)."""
        return {"organisation": str(self.organisation.uuid),
                "lifecycle": list(LIVE_LIFECYCLES), **params}

    def kle_index(self) -> dict[str, set[int]]:
        """KLE number -> the usages whose system is tagged with it."""
        index: dict[str, set[int]] = defaultdict(set)
        for usage_id, numbers in self.kle_of.items():
            for number in numbers:
                index[number].add(usage_id)
        return index

    @staticmethod
    def serving(index: dict[str, set[int]], task: str) -> set[int]:
        """The usages serving KLE `task` (``portfolio.kle.kle_serves`` over the index)."""
        found: set[int] = set()
        for number in (task, *kle_ancestors(task)):
            found |= index.get(number, set())
        for number, usage_ids in index.items():
            if kle_serves(number, task):
                found |= usage_ids
        return found


# -- groups of usages serving the same need -----------------------------------------------


@dataclass
class ForvaltningCount:
    unit: OrganisationUnit
    count: int
    url: str


@dataclass
class Group:
    """Usages of the organisation that serve the same need across forvaltninger, with
    the contracts in force covering them and their yearly cost."""

    kind: str
    key: str
    label: str
    usages: list[SystemUsage]
    forvaltninger: list[ForvaltningCount]
    usage_url: str
    contract_count: int
    yearly_cost: Decimal
    contract_url: str
    kle: KleNumber | None = None
    contract_ids: set[int] = field(default_factory=set, repr=False)

    @property
    def kind_label(self) -> str:
        return str(GroupKind(self.kind).label)

    @property
    def usage_count(self) -> int:
        return len(self.usages)

    @property
    def forvaltning_count(self) -> int:
        return len(self.forvaltninger)

    @property
    def system_names(self) -> list[str]:
        return [usage.system.name for usage in self.usages]

    @property
    def kle_url(self) -> str | None:
        return url_or_none("kle_detail", self.key) if self.kind == GroupKind.KLE else None


@dataclass
class CatalogEntry:
    pk: int
    uuid: object
    name: str
    supplier: str

    @property
    def url(self) -> str | None:
        return url_or_none("itsystem_detail", self.uuid)


@dataclass
class CatalogPair:
    """Two catalog entries that are likely the same system."""

    first: CatalogEntry
    second: CatalogEntry
    similarity: float
    same_supplier: bool
    usages: list[SystemUsage]  # the organisation's usages (in use) of either
    usage_url: str

    @property
    def usage_count(self) -> int:
        return len(self.usages)

    @property
    def percent(self) -> int:
        return round(self.similarity * 100)

    @property
    def reason(self) -> str:
        if self.similarity >= 1:
            return str(_("Samme navn uden versionsnummer og tegn"))
        if self.same_supplier:
            return str(_("Lignende navne og samme leverandør"))
        return str(_("Lignende navne"))


@dataclass
class Consolidation:
    organisation: object
    unit: OrganisationUnit | None
    forvaltninger: list[OrganisationUnit]
    groups: list[Group]
    pairs: list[CatalogPair]
    contract_count: int
    yearly_cost: Decimal
    contract_url: str

    @property
    def chart(self) -> list[Bar]:
        """The groups with the largest yearly cost."""
        return bars([(group.label, group.yearly_cost, group.contract_url)
                     for group in self.groups if group.yearly_cost][:CHART_GROUPS])

    @property
    def chart_height(self) -> int:
        return max(len(self.chart), 1) * BAR_STEP

    def of_kind(self, kind: str) -> list[Group]:
        return [group for group in self.groups if group.kind == kind]


def _contract_url(inventory: Inventory, usages) -> str:
    return _list_url("contract_list", {
        "organisation": str(inventory.organisation.uuid),
        "status": list(IN_FORCE_STATUSES),
        "usage": [str(usage.uuid) for usage in usages],
    })


def _group(inventory: Inventory, kind, key, label, usage_ids, filter_params, kle=None):
    usages = [usage for usage in inventory.usages if usage.pk in usage_ids]
    counts: dict[int, int] = defaultdict(int)
    for usage in usages:
        for forvaltning_id in inventory.forvaltninger_of[usage.pk]:
            counts[forvaltning_id] += 1
    forvaltninger = [
        ForvaltningCount(
            unit, counts[unit.pk],
            _list_url("systemusage_list", inventory.usage_query(
                **filter_params, used_within=str(unit.uuid))),
        )
        for unit in inventory.forvaltninger if counts.get(unit.pk)
    ]
    contract_ids = set().union(*(inventory.contracts_of.get(u.pk, set()) for u in usages))
    return Group(
        kind=kind, key=key, label=label, usages=usages, forvaltninger=forvaltninger,
        usage_url=_list_url("systemusage_list", inventory.usage_query(**filter_params)),
        contract_count=len(contract_ids),
        yearly_cost=sum((inventory.yearly_cost[pk] for pk in contract_ids), Decimal(0)),
        contract_url=_contract_url(inventory, usages), kle=kle, contract_ids=contract_ids,
    )


def _spans_forvaltninger(inventory: Inventory, usage_ids) -> bool:
    return len(set().union(*(inventory.forvaltninger_of[pk] for pk in usage_ids))) >= 2


def _kle_groups(inventory: Inventory) -> list[Group]:
    """Per KLE number a system in use is tagged with: the usages of different systems
    serving it across forvaltninger. Where two numbers gather the very same usages
    (a group and the one topic under it the systems are tagged with), the most specific
    number stands for both."""
    index = inventory.kle_index()
    by_members: dict[frozenset, str] = {}
    for number in sorted(index, key=lambda n: (-n.count("."), n)):
        members = frozenset(inventory.serving(index, number))
        if len(members) >= 2 and _spans_forvaltninger(inventory, members):
            by_members.setdefault(members, number)
    numbers = sorted(by_members.values())
    kle = KleNumber.objects.in_bulk(numbers, field_name="number") if numbers else {}
    return [
        _group(inventory, GroupKind.KLE, number,
               str(kle[number]) if number in kle else number, members,
               {"kle_task": number}, kle=kle.get(number))
        for members, number in by_members.items()
    ]


def _business_type_groups(inventory: Inventory) -> list[Group]:
    members: dict[str, set[int]] = defaultdict(set)
    for usage in inventory.usages:
        if usage.system.business_type:
            members[usage.system.business_type].add(usage.pk)
    labels = dict(BusinessType.choices)
    return [
        _group(inventory, GroupKind.BUSINESS_TYPE, value, str(labels.get(value, value)),
               usage_ids, {"business_type": value})
        for value, usage_ids in members.items()
        if len(usage_ids) >= 2 and _spans_forvaltninger(inventory, usage_ids)
    ]


def _system_groups(inventory: Inventory) -> list[Group]:
    return [
        _group(inventory, GroupKind.SYSTEM, str(usage.system.uuid), usage.system.name,
               {usage.pk}, {"system": str(usage.system.uuid)})
        for usage in inventory.usages
        if len(inventory.forvaltninger_of[usage.pk]) >= 2
    ]


# -- likely duplicates in the catalog ---------------------------------------------------

# Version numbers and years ("5.2", "v3", "2019", "ver. 11"), then everything that is
# not a letter or digit.
_VERSION = re.compile(r"\b(?:v|ver|version)?\.?\s?\d+(?:[.,]\d+)*[a-z]?\b")
_PUNCTUATION = re.compile(r"[\W_]+")


def normalised_name(name: str) -> str:
    """The name compared: lower case, without version numbers and punctuation."""
    text = _VERSION.sub(" ", name.casefold())
    return " ".join(_PUNCTUATION.sub(" ", text).split())


def _names(name: str, previous: str) -> list[str]:
    variants = [normalised_name(name)]
    for old in re.split(r"[,;\n]", previous or ""):
        if normalised_name(old):
            variants.append(normalised_name(old))
    return [variant for variant in dict.fromkeys(variants) if variant]


def _similarity(first: list[str], second: list[str]) -> float:
    best = 0.0
    for a in first:
        for b in second:
            matcher = SequenceMatcher(None, a, b)
            if matcher.real_quick_ratio() > best and matcher.quick_ratio() > best:
                best = max(best, matcher.ratio())
    return best


def catalog_pairs(user, inventory: Inventory) -> list[CatalogPair]:
    """Pairs of catalog entries visible to `user` with alike names (after
    ``normalised_name``; a previous name counts as a name), the bar lower for entries of
    the same supplier. One query; entries are only compared when they share a word (or
    their whole name), so the work grows with the pairs, not the square of the catalog.
    The organisation's own usages of either come along, pairs it uses first."""
    rows = list(
        ItSystem.objects.visible_to(user).order_by("name", "pk")
        .values_list("pk", "uuid", "name", "previous_names", "rights_holder_id",
                     "rights_holder__name")[:MAX_CATALOG]
    )
    names = {row[0]: _names(row[2], row[3]) for row in rows}
    entries = {row[0]: CatalogEntry(row[0], row[1], row[2], row[5] or "") for row in rows}
    supplier = {row[0]: row[4] for row in rows}
    by_word: dict[str, list[int]] = defaultdict(list)
    for pk, variants in names.items():
        keys = {variant for variant in variants}
        keys |= {word for variant in variants for word in variant.split() if len(word) >= 3}
        for key in keys:
            by_word[key].append(pk)
    candidates: set[tuple[int, int]] = set()
    for pks in by_word.values():
        if 1 < len(pks) <= MAX_WORD_SHARE:
            candidates.update(
                (a, b) for i, a in enumerate(pks) for b in pks[i + 1:] if a != b)
    usage_of = {usage.system_id: usage for usage in inventory.usages}
    pairs = []
    for a, b in candidates:
        same_supplier = supplier[a] is not None and supplier[a] == supplier[b]
        similarity = _similarity(names[a], names[b])
        if similarity < (SIMILAR_SAME_SUPPLIER if same_supplier else SIMILAR):
            continue
        first, second = sorted((entries[a], entries[b]), key=lambda e: (e.name, e.pk))
        usages = [usage_of[e.pk] for e in (first, second) if e.pk in usage_of]
        pairs.append(CatalogPair(
            first, second, similarity, same_supplier, usages,
            _list_url("systemusage_list", inventory.usage_query(
                system=[str(first.uuid), str(second.uuid)])),
        ))
    pairs.sort(key=lambda p: (-p.usage_count, -p.similarity, p.first.name, p.second.name))
    return pairs[:MAX_PAIRS]


# -- the analysis ---------------------------------------------------------------------


def consolidation(*, user, organisation, unit=None) -> Consolidation:
    """The consolidation analysis of `organisation` for `user`; with `unit` (one of its
    forvaltninger) the consolidation list of that forvaltning: the groups and catalog
    pairs it has a usage in."""
    inventory = Inventory.load(user, organisation)
    groups = [*_kle_groups(inventory), *_business_type_groups(inventory),
              *_system_groups(inventory)]
    pairs = catalog_pairs(user, inventory)
    if unit is not None:
        groups = [g for g in groups if any(f.unit.pk == unit.pk for f in g.forvaltninger)]
        pairs = [p for p in pairs if any(
            unit.pk in inventory.forvaltninger_of[u.pk] for u in p.usages)]
    order = list(GroupKind.values)
    groups.sort(key=lambda g: (-g.yearly_cost, order.index(g.kind), g.label))
    contract_ids = set().union(*(group.contract_ids for group in groups))
    touched = [u for u in inventory.usages
               if inventory.contracts_of.get(u.pk, set()) & contract_ids]
    return Consolidation(
        organisation=organisation, unit=unit, forvaltninger=inventory.forvaltninger,
        groups=groups, pairs=pairs, contract_count=len(contract_ids),
        yearly_cost=sum((inventory.yearly_cost[pk] for pk in contract_ids), Decimal(0)),
        contract_url=_contract_url(inventory, touched) if touched else "",
    )


# -- KLE coverage ---------------------------------------------------------------------


@dataclass
class KleTask:
    kle: KleNumber
    usages: list[SystemUsage]
    usage_url: str

    @property
    def usage_count(self) -> int:
        return len(self.usages)

    @property
    def status(self) -> str:
        if not self.usages:
            return Coverage.NONE
        return Coverage.ONE if len(self.usages) == 1 else Coverage.SEVERAL

    @property
    def status_label(self) -> str:
        return str(Coverage(self.status).label)

    @property
    def kle_url(self) -> str | None:
        return url_or_none("kle_detail", self.kle.number)


@dataclass
class CoverageBucket:
    status: str
    label: str
    count: int
    url: str


@dataclass
class KleCoverage:
    organisation: object
    main_group: KleNumber | None  # None: the tasks of the processing activities
    main_groups: list[KleNumber]
    tasks: list[KleTask]  # all the chosen tasks
    status: str  # the table's filter ("" for all)
    buckets: list[CoverageBucket]

    @property
    def chart(self) -> list[Bar]:
        return bars([(bucket.label, bucket.count, bucket.url) for bucket in self.buckets])

    @property
    def chart_height(self) -> int:
        return len(self.buckets) * BAR_STEP

    @property
    def shown(self) -> list[KleTask]:
        return [task for task in self.tasks if not self.status or task.status == self.status]


def coverage_url(*, main_group: str = "", status: str = "") -> str:
    query = {key: value for key, value in (("main_group", main_group), ("status", status))
             if value}
    return reverse("kle_coverage") + (f"?{urlencode(query)}" if query else "")


def kle_tasks(organisation, user, main_group: KleNumber | None):
    """The tasks looked at: the topics of `main_group`, or without one the KLE numbers
    of the organisation's processing activities (the tasks it has said it performs)."""
    if main_group is not None:
        return list(
            KleNumber.objects.filter(number__startswith=f"{main_group.number}.",
                                     number__regex=r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}$")
            .order_by("number")
        )
    activities = ProcessingActivity.objects.visible_to(user).filter(organisation=organisation)
    return list(KleNumber.objects.filter(processing_activities__in=activities)
                .distinct().order_by("number"))


def kle_coverage(*, user, organisation, main_group: KleNumber | None = None,
                 status: str = "") -> KleCoverage:
    """Per task: the organisation's usages in use whose system serves it; how many
    tasks have none, one or several. Seven queries."""
    inventory = Inventory.load(user, organisation)
    index = inventory.kle_index()
    by_pk = {usage.pk: usage for usage in inventory.usages}
    tasks = []
    for kle in kle_tasks(organisation, user, main_group):
        usage_ids = inventory.serving(index, kle.number)
        usages = sorted((by_pk[pk] for pk in usage_ids), key=lambda u: (u.system.name, u.pk))
        tasks.append(KleTask(kle, usages, _list_url(
            "systemusage_list", inventory.usage_query(kle_task=kle.number))))
    group_number = main_group.number if main_group else ""
    counts = {value: 0 for value in Coverage.values}
    for task in tasks:
        counts[task.status] += 1
    buckets = [
        CoverageBucket(value, str(label), counts[value],
                       coverage_url(main_group=group_number, status=value))
        for value, label in Coverage.choices
    ]
    return KleCoverage(
        organisation=organisation, main_group=main_group,
        main_groups=list(KleNumber.objects.filter(parent__isnull=True).order_by("number")),
        tasks=tasks, status=status if status in Coverage.values else "", buckets=buckets,
    )
