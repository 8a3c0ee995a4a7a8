"""What the user's organisations pay a supplier each year: the yearly cost of their
contracts in force with it, per organisation and per forvaltning (the supplier page's
overview; registered from contracts/apps.py as a panel of the portfolio's Supplier)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum

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
