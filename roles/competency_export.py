"""The competency matrix as an Excel workbook: one row per person, one column per
discipline with the level's Danish name (a dropdown of the levels), and a help sheet
naming the scope and the date. Written by the shared writer (kitos.excel.writer), which
never lets user text become a formula."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from kitos.excel.writer import SheetData, build_workbook, workbook_response

from .choices import CompetencyLevel
from .responsibilities import CompetencyMatrix


def competency_matrix_workbook(
    matrix: CompetencyMatrix, *, organisation, within=None, today: datetime.date
) -> bytes:
    levels = dict(CompetencyLevel.choices)
    fixed = [_("Navn"), _("Stilling"), _("Enhed"), _("E-mail")]
    rows = (
        [
            row.person.name,
            row.person.title,
            row.person.unit.name if row.person.unit_id else "",
            row.person.email,
            *(str(levels[level]) if level else "" for level in row.cells),
        ]
        for row in matrix.rows
    )
    labels = [str(label) for label in levels.values()]
    sheet = SheetData(
        title=_("Kompetencer"),
        headers=fixed + [d.name for d in matrix.disciplines],
        rows=rows,
        choices={len(fixed) + i: labels for i in range(len(matrix.disciplines))},
    )
    scope = within.name if within is not None else organisation.name
    return build_workbook(
        [sheet],
        help_title=_("Kompetencematrix: %(scope)s (%(day)s)")
        % {"scope": scope, "day": today.strftime("%d-%m-%Y")},
        help_rows=[
            (_("Forståelse"), _("Personen forstår fagområdet.")),
            (_("Færdighed"), _("Personen kan udføre opgaver i fagområdet.")),
            (_("Underviser"), _("Personen kan lære andre fagområdet.")),
            (_("Personer"), _("Personer, der er fratrådt, er ikke med.")),
        ],
    )


def competency_matrix_response(matrix, *, organisation, within=None, today):
    content = competency_matrix_workbook(
        matrix, organisation=organisation, within=within, today=today
    )
    scope = within.name if within is not None else organisation.name
    return workbook_response(content, f"Kompetencematrix {scope} {today.isoformat()}.xlsx")
