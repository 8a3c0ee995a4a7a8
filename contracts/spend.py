"""What the user's organisations pay a supplier each year: the yearly cost of their
contracts in force with it, per organisation and per forvaltning (the supplier page's
overview; registered from contracts/apps.py as a panel of the portfolio's Supplier).

The rules of spend live here: a year's spend is the yearly cost of the contracts in
force (``supplier_spend``, ``spend_by_supplier``), and a past or future year's that of
the contracts valid in it (``valid_in_year``, ``spend_by_supplier_and_year``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from roles.models import OrganisationUnit

from .models import Contract


@dataclass
class SpendRow:
    label: str
    organisation: str
    total: Decimal = Decimal(0)
    count: int = 0


@dataclass
class SupplierSpend:
    organisations: list[SpendRow] = field(default_factory=list)
    forvaltninger: list[SpendRow] = field(default_factory=list)
    total: Decimal = Decimal(0)
    count: int = 0


def _ancestor_ids(unit_id: int | None, path: str | None) -> list[int]:
    if unit_id is None:
        return []
    return [int(part) for part in (path or "").strip("/").split("/") if part] or [unit_id]


def supplier_spend(user, supplier) -> SupplierSpend:
    """Two queries: the yearly cost of the user's contracts in force with `supplier` per
    organisation and responsible unit, and the forvaltninger of those organisations
    (``OrganisationUnitQuerySet.forvaltninger``, the one rule for what one is)."""
    rows = list(
        Contract.objects.visible_to(user).in_force().filter(supplier=supplier)
        .values("organisation_id", "organisation__name", "responsible_unit_id",
                "responsible_unit__path")
        .annotate(total=Sum("yearly_cost"), n=Count("pk"))
        .order_by()
    )
    spend = SupplierSpend()
    if not rows:
        return spend
    forvaltninger = {
        unit.pk: unit
        for unit in OrganisationUnit.objects.filter(
            organisation_id__in={row["organisation_id"] for row in rows}
        ).forvaltninger()
    }
    by_organisation: dict[int, SpendRow] = {}
    by_forvaltning: dict[tuple[int, int | None], SpendRow] = {}
    for row in rows:
        total, count = row["total"] or Decimal(0), row["n"]
        organisation = row["organisation__name"]
        ancestors = _ancestor_ids(row["responsible_unit_id"], row["responsible_unit__path"])
        forvaltning = next((forvaltninger[pk] for pk in ancestors if pk in forvaltninger), None)
        for bucket, key, label in (
            (by_organisation, row["organisation_id"], organisation),
            (by_forvaltning, (row["organisation_id"], forvaltning and forvaltning.pk),
             forvaltning.name if forvaltning else None),
        ):
            entry = bucket.setdefault(key, SpendRow(label=label, organisation=organisation))
            entry.total += total
            entry.count += count
        spend.total += total
        spend.count += count

    def largest_first(entry: SpendRow):
        return (-entry.total, entry.organisation, entry.label or "")

    spend.organisations = sorted(by_organisation.values(), key=largest_first)
    spend.forvaltninger = sorted(by_forvaltning.values(), key=largest_first)
    return spend


def supplier_spend_context(user, supplier) -> dict:
    spend = supplier_spend(user, supplier)
    organisations = {entry.organisation for entry in spend.organisations}
    return {"spend": spend, "spend_several_organisations": len(organisations) > 1}


# -- spend per supplier and over time (the landscape's supplier dependence) ----------------


def spend_by_supplier(contracts) -> dict[int | None, tuple[Decimal, int]]:
    """The yearly spend of `contracts` (a Contract queryset, already scoped) per supplier
    id (None: contracts without a supplier): the yearly cost and the number of the
    contracts in force, as ``supplier_spend`` counts them. One query."""
    rows = (
        contracts.in_force().order_by().values("supplier_id")
        .annotate(total=Sum("yearly_cost"), n=Count("pk"))
    )
    return {row["supplier_id"]: (row["total"] or Decimal(0), row["n"]) for row in rows}


def valid_in_year(year: int) -> Q:
    """The contracts whose validity period overlaps calendar year `year`, by their
    dates as agreed today: started by the year's end (no start date: always had), and
    not ended before it began. The end is the date notice was given to
    (``terminated_on``), else the expiry date, unless the contract renews tacitly
    (then it has no end); options not yet used do not extend it. Past and future years
    alike, so spend can be followed over time without snapshots."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    started = Q(start_date__isnull=True) | Q(start_date__lte=last)
    not_ended = Q(terminated_on__gte=first) | Q(terminated_on__isnull=True) & (
        Q(expiry_date__isnull=True) | Q(renewal_months__gt=0) | Q(expiry_date__gte=first)
    )
    return started & not_ended


def spend_by_supplier_and_year(contracts, years) -> dict[int | None, dict[int, tuple]]:
    """supplier id -> year -> (yearly cost, number of contracts) of the `contracts`
    valid in that year (``valid_in_year``), for each of `years`. One query, however
    many suppliers and years."""
    years = list(years)
    aggregates = {}
    for year in years:
        condition = valid_in_year(year)
        aggregates[f"total_{year}"] = Sum("yearly_cost", filter=condition)
        aggregates[f"n_{year}"] = Count("pk", filter=condition)
    rows = contracts.order_by().values("supplier_id").annotate(**aggregates)
    return {
        row["supplier_id"]: {
            year: (row[f"total_{year}"] or Decimal(0), row[f"n_{year}"]) for year in years
        }
        for row in rows
    }
