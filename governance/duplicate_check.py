"""The duplicate purchase check of a new-system request: which catalog systems the
organisation already uses for the same KLE tasks or the same business type.

A system matches a requested KLE number when it is tagged with that number, with a
number under it or with a number above it (``portfolio.kle.kle_match``, the one rule).
A usage's KLE tasks are those of its catalog entry (ItSystem.kle_numbers) and those of
the processing activities it is used in (the GDPR register's activities carry KL's
KLE numbers): either source names it. Retired usages are left out: what is no longer in
use cannot be bought twice.

``systems_in_use`` answers in a fixed number of queries (the usages with their system
and unit, and the matched KLE numbers of all of them in one more), however many match.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from gdpr.models import ProcessingActivity
from portfolio.choices import Lifecycle
from portfolio.kle import kle_match
from portfolio.models import KleNumber, SystemUsage


@dataclass
class DuplicateMatch:
    """A usage of the organisation that may already cover the need: the KLE numbers
    of its system that matched, and whether its business type is the same."""

    usage: SystemUsage
    kle_numbers: list[KleNumber] = field(default_factory=list)
    same_business_type: bool = False

    @property
    def system(self):
        return self.usage.system


def _numbers(kle_numbers: Iterable) -> list[str]:
    return sorted({getattr(kle, "number", kle) for kle in kle_numbers if kle})


def systems_in_use(*, organisation, kle_numbers: Iterable = (), business_type: str = "",
                   exclude_usage_ids: Iterable[int] = ()) -> list[DuplicateMatch]:
    """The organisation's usages (not retired) whose catalog system matches one of
    `kle_numbers` (KleNumber objects or numbers as text) or has `business_type`, the
    best matches (most KLE numbers, then the same business type) first."""
    numbers = _numbers(kle_numbers)
    wanted = Q(pk__in=[])
    if numbers:
        matching = KleNumber.objects.filter(kle_match(numbers))
        wanted |= Q(system__kle_numbers__in=matching)
        wanted |= Q(processing_activities__kle_numbers__in=matching)
    if business_type:
        wanted |= Q(system__business_type=business_type)
    if not numbers and not business_type:
        return []
    matched_kle = KleNumber.objects.filter(kle_match(numbers)) if numbers else \
        KleNumber.objects.none()
    usages = (
        SystemUsage.objects.filter(organisation=organisation)
        .exclude(lifecycle=Lifecycle.RETIRED)
        .exclude(pk__in=list(exclude_usage_ids))
        .filter(pk__in=SystemUsage.objects.filter(wanted).values("pk"))
        .select_related("system", "responsible_unit")
        .prefetch_related(Prefetch("system__kle_numbers", matched_kle.order_by("number"),
                                   to_attr="matched_kle"))
        .order_by("system__name", "pk")
    )
    usages = list(usages)
    by_activity = _activity_kle(usages, matched_kle) if numbers else {}
    matches = [
        DuplicateMatch(
            usage=usage,
            kle_numbers=sorted({*usage.system.matched_kle, *by_activity.get(usage.pk, ())},
                               key=lambda kle: kle.number),
            same_business_type=bool(business_type)
            and usage.system.business_type == business_type,
        )
        for usage in usages
    ]
    matches.sort(key=lambda m: (-len(m.kle_numbers), not m.same_business_type))
    return matches


def _activity_kle(usages, matched_kle) -> dict[int, set]:
    """Usage id → the matched KLE numbers of the processing activities it is used in
    (two queries for all the usages)."""
    links = ProcessingActivity.usages.through.objects.filter(
        systemusage_id__in=[usage.pk for usage in usages],
        processingactivity__kle_numbers__in=matched_kle,
    ).values_list("systemusage_id", "processingactivity__kle_numbers").distinct()
    links = list(links)
    kle = KleNumber.objects.in_bulk({kle_id for _usage, kle_id in links})
    result: dict[int, set] = {}
    for usage_id, kle_id in links:
        result.setdefault(usage_id, set()).add(kle[kle_id])
    return result


def request_duplicates(request) -> list[DuplicateMatch]:
    """The duplicate check of a saved request (its own KLE numbers and business type)."""
    return systems_in_use(
        organisation=request.organisation_id,
        kle_numbers=request.kle_numbers.all(),
        business_type=request.business_type,
    )
