"""How complete a campaign is per forvaltning: attested of asked, per row of the gap
breakdown (gdpr.gaps.breakdown: the forvaltninger, the unit above them, no unit), each
number linking to the attestation list that shows exactly those rows. The campaign page
and the dashboard (overview.dashboard) show it; a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from gdpr.gaps import Breakdown, breakdown
from kitos.links import url_or_none

from .attestation_choices import ANSWERED, AttestationStatus
from .models import Attestation, AttestationCampaign


@dataclass
class CompletenessRow:
    label: str
    total: int
    answered: int
    url: str | None  # every attestation of the row
    pending_url: str | None  # the row's pending ones

    @property
    def pending(self) -> int:
        return self.total - self.answered

    @property
    def percent(self) -> int:
        """Attested share, rounded down (100 only when all are answered)."""
        return 100 * self.answered // self.total if self.total else 100


@dataclass
class Completeness:
    campaign: AttestationCampaign
    rows: list[CompletenessRow]
    total: CompletenessRow


def _row_query(campaign, key, rows_by: Breakdown, units_by_pk) -> dict:
    """The list's parameters of one row: a unit's subtree, the unit above them on its
    own (exact unit), or the attestations without a unit."""
    query = {"campaign": str(campaign.uuid)}
    if key is None:
        query["no_unit"] = "true"
    elif rows_by.own_unit is not None and key == rows_by.own_unit.pk:
        query["unit"] = str(rows_by.own_unit.uuid)
    else:
        query["within"] = str(units_by_pk[key].uuid)
    return query


def completeness(*, user, campaign: AttestationCampaign, unit=None, units=None) -> Completeness:
    """Attested of asked per row below `unit` (or for the whole organisation). Two
    queries (the units, unless the page has them: `units`, and one grouped count)."""
    rows_by = breakdown(user=user, organisation=campaign.organisation, unit=unit, units=units)
    attestations = Attestation.objects.visible_to(user).filter(campaign=campaign)
    if unit is not None:
        attestations = attestations.filter(unit__path__startswith=unit.path)
    counts = {
        row["bucket"]: (row["total"], row["answered"])
        for row in attestations.annotate(bucket=rows_by.bucket("unit"))
        .order_by().values("bucket")
        .annotate(total=Count("pk"), answered=Count("pk", filter=Q(status__in=ANSWERED)))
    }
    units_by_pk = {u.pk: u for u in rows_by.units}
    if rows_by.own_unit is not None:
        units_by_pk[rows_by.own_unit.pk] = rows_by.own_unit

    def link(query, **extra):
        return url_or_none("attestation_list", query={**query, **extra})

    rows = []
    for key in rows_by.keys:
        total, answered = counts.get(key, (0, 0))
        if not total:
            continue
        query = _row_query(campaign, key, rows_by, units_by_pk)
        label = units_by_pk[key].name if key is not None else _("Uden ansvarlig enhed")
        rows.append(CompletenessRow(label, total, answered, link(query),
                                    link(query, status=AttestationStatus.PENDING)))
    scope = {"campaign": str(campaign.uuid)}
    if unit is not None:
        scope["within"] = str(unit.uuid)
    total = CompletenessRow(
        _("I alt"), sum(row.total for row in rows), sum(row.answered for row in rows),
        link(scope), link(scope, status=AttestationStatus.PENDING),
    )
    return Completeness(campaign, rows, total)


def dashboard_completeness(*, user, organisation, unit=None, units=None) -> Completeness | None:
    """The completeness of the organisation's newest open campaign, for the dashboard
    (None without an open campaign)."""
    campaign = (
        AttestationCampaign.objects.visible_to(user).open()
        .filter(organisation=organisation).select_related("organisation")
        .order_by("-opens_on", "-pk").first()
    )
    if campaign is None:
        return None
    return completeness(user=user, campaign=campaign, unit=unit, units=units)
