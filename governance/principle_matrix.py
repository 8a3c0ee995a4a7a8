"""The compliance matrix: per principle in force (rows, grouped by area) and per
forvaltning (columns, plus "Hele organisationen" for subjects without a unit or with a
unit under no forvaltning), the verdicts of the reviews of subjects belonging there —
complies, deviation accepted, not compliant. Three queries however many principles,
units and reviews; the page's table and its Excel export read the same figures."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from roles.models import OrganisationUnit

from .choices import PrincipleArea, ReviewVerdict
from .models import ArchitectureReview, Principle
from .principle_filtersets import SUBJECT_UNIT_PATHS

VERDICTS = tuple(ReviewVerdict)
# The traffic-light class of each verdict (the colour repeats the word and the count).
VERDICT_LIGHTS = {
    ReviewVerdict.COMPLIES: "green", ReviewVerdict.DEVIATION_ACCEPTED: "yellow",
    ReviewVerdict.NOT_COMPLIANT: "red",
}
WHOLE_ORGANISATION = _("Hele organisationen")


@dataclass(frozen=True)
class MatrixColumn:
    label: str
    unit_uuid: str | None  # None: the "Hele organisationen" column


@dataclass
class MatrixCell:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(VERDICTS, 0))
    urls: dict[str, str] = field(default_factory=dict)
    url: str = ""

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def items(self) -> list[tuple[str, str, int, str]]:
        """(light, verdict label, count, url) in the verdicts' order."""
        labels = dict(ReviewVerdict.choices)
        return [
            (VERDICT_LIGHTS[v], str(labels[v]), self.counts[v], self.urls.get(v, ""))
            for v in VERDICTS
        ]

    @property
    def light(self) -> str:
        """The cell's colour: that of the worst verdict in it ("" when empty)."""
        for verdict in reversed(VERDICTS):
            if self.counts[verdict]:
                return VERDICT_LIGHTS[verdict]
        return ""


@dataclass
class MatrixRow:
    principle: Principle
    cells: list[MatrixCell]


@dataclass
class Matrix:
    columns: list[MatrixColumn]
    groups: list[tuple[str, list[MatrixRow]]]
    totals: list[MatrixCell]

    @property
    def is_empty(self) -> bool:
        return not self.groups


def _review_list_url(principle: Principle, column: MatrixColumn, verdict: str = "") -> str:
    query = {"principle": str(principle.uuid)}
    if column.unit_uuid:
        query["unit"] = column.unit_uuid
    else:
        query["no_forvaltning"] = "true"
    if verdict:
        query["verdict"] = verdict
    return f"{reverse('architecturereview_list')}?{urlencode(query)}"


def compliance_matrix(user, principles=None) -> Matrix:
    """The matrix over the principles in force that `user` sees (or `principles`, a
    queryset of them) and the reviews of those principle versions."""
    if principles is None:
        principles = Principle.objects.visible_to(user)
    rows_principles = list(
        principles.current().select_related("organisation").order_by(
            "area", "code", "title")
    )
    units = OrganisationUnit.objects.visible_to(user).select_related("organisation")
    forvaltninger = units.forvaltninger()
    several = len({unit.organisation_id for unit in forvaltninger}) > 1
    columns = [
        MatrixColumn(f"{unit.name} ({unit.organisation.name})" if several else unit.name,
                     str(unit.uuid))
        for unit in forvaltninger
    ]
    whole = len(columns)
    columns.append(MatrixColumn(str(WHOLE_ORGANISATION), None))
    column_of = {unit.pk: index for index, unit in enumerate(forvaltninger)}

    cells = {p.pk: [MatrixCell() for _ in columns] for p in rows_principles}
    totals = [MatrixCell() for _ in columns]
    reviews = (
        ArchitectureReview.objects.visible_to(user)
        .filter(principle__in=[p.pk for p in rows_principles])
        .values_list("principle_id", "verdict", *SUBJECT_UNIT_PATHS)
    )
    for principle_id, verdict, *paths in reviews:
        path = next((p for p in paths if p), "")
        ancestors = [int(part) for part in path.strip("/").split("/") if part]
        index = next((column_of[pk] for pk in ancestors if pk in column_of), whole)
        cells[principle_id][index].counts[verdict] += 1
        totals[index].counts[verdict] += 1

    by_area: dict[str, list[MatrixRow]] = {}
    for principle in rows_principles:
        row_cells = cells[principle.pk]
        for column, cell in zip(columns, row_cells, strict=True):
            cell.url = _review_list_url(principle, column)
            cell.urls = {v: _review_list_url(principle, column, v) for v in VERDICTS}
        by_area.setdefault(principle.area, []).append(MatrixRow(principle, row_cells))
    labels = dict(PrincipleArea.choices)
    groups = [
        (str(labels.get(area, area)), by_area[area])
        for area in PrincipleArea.values if area in by_area
    ]
    return Matrix(columns=columns, groups=groups, totals=totals)


def matrix_sheet_rows(matrix: Matrix) -> tuple[list[str], list[list]]:
    """The matrix as one spreadsheet table: a row per principle, three columns per
    forvaltning (the verdicts' counts)."""
    labels = dict(ReviewVerdict.choices)
    headers = [str(_("Område")), str(_("Princip")), str(_("Version"))]
    for column in matrix.columns:
        headers += [f"{column.label}: {labels[v]}" for v in VERDICTS]
    rows = []
    for area, matrix_rows in matrix.groups:
        for row in matrix_rows:
            values = [area, str(row.principle), row.principle.version]
            for cell in row.cells:
                values += [cell.counts[v] for v in VERDICTS]
            rows.append(values)
    return headers, rows
