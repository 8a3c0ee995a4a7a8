"""Read every worksheet of an uploaded .xlsx into plain Python rows.

The reader is python-calamine (Rust): on the 100,000-row benchmark
(``benchmarks/bench_excel_read.py``) it reads many times faster than openpyxl's read-only
mode, and it gives the same values: dates for date-formatted cells, numbers for plain
numbers (whole numbers as ``int``, like openpyxl), booleans, text and the cached value of a
formula. openpyxl stays for writing (``kitos/excel/writer.py``).

Rows are materialised as lists: the upload is at most ``KITOS_IMPORT_MAX_BYTES`` and
``KITOS_IMPORT_MAX_ROWS`` rows, calamine holds the whole sheet in memory anyway, and the
import needs several passes (header search, preview, commit).
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field

import python_calamine
from django.conf import settings
from django.utils.translation import gettext as _

from kitos.excel.safety import WorkbookRejected, check_workbook


@dataclass
class RawRow:
    """One non-empty row. ``values[0]`` is column A; trailing empty cells are trimmed and
    empty cells are ``None``."""

    number: int  # the Excel row number, 1-based
    values: list


@dataclass
class RawSheet:
    name: str
    rows: list[RawRow]
    # (min_row, min_col, max_row, max_col), 1-based like Excel.
    merged_ranges: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden: bool = False


def read_workbook(data: bytes, *, max_rows: int | None = None) -> list[RawSheet]:
    """Every worksheet (chart sheets are skipped), in workbook order.

    Raises :class:`WorkbookRejected` for a hostile or unreadable file and when a sheet has
    more than ``max_rows`` non-empty rows below its first row (default
    ``settings.KITOS_IMPORT_MAX_ROWS``).
    """
    check_workbook(data, filename="upload.xlsx")
    limit = settings.KITOS_IMPORT_MAX_ROWS if max_rows is None else max_rows
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [
            _read_sheet(workbook.get_sheet_by_name(meta.name), meta, limit)
            for meta in workbook.sheets_metadata
            if meta.typ == python_calamine.SheetTypeEnum.WorkSheet
        ]
    except WorkbookRejected:
        raise
    except Exception:  # noqa: BLE001 - any parser failure is bad input, never a 500
        raise WorkbookRejected(
            _(
                "Filen kunne ikke læses som en Excel-projektmappe. Åbn den i Excel, gem den "
                "som Excel-projektmappe (.xlsx), og prøv igen."
            )
        ) from None
    return sheets


def _read_sheet(sheet, meta, limit: int) -> RawSheet:
    rows: list[RawRow] = []
    if sheet.start is not None:
        first_column = sheet.start[1]
        padding = [None] * first_column
        # Data rows beyond the limit: a header row (and a title) above them is allowed.
        row_cap = limit + 1
        # calamine's iter_rows starts at row 1 (yielding empty rows above the used range)
        # but at the used range's first column; test_reader pins both.
        for index, cells in enumerate(sheet.iter_rows()):
            values = [_cell(value) for value in cells]
            while values and values[-1] is None:
                values.pop()
            if not values:
                continue
            if len(rows) >= row_cap:
                raise WorkbookRejected(
                    _(
                        "Arket »%(sheet)s« har mere end %(limit)s rækker. Del filen op i "
                        "flere filer med højst %(limit)s rækker hver."
                    )
                    % {"sheet": meta.name, "limit": limit}
                )
            rows.append(RawRow(number=index + 1, values=padding + values))
    merged = [
        (top + 1, left + 1, bottom + 1, right + 1)
        for (top, left), (bottom, right) in (sheet.merged_cell_ranges or [])
    ]
    return RawSheet(
        name=meta.name,
        rows=rows,
        merged_ranges=merged,
        hidden=meta.visible != python_calamine.SheetVisibleEnum.Visible,
    )


def _cell(value):
    """calamine's value in the reader's vocabulary (openpyxl's, so both agree)."""
    kind = type(value)
    if kind is str:
        return value if value else None
    if kind is float:
        return int(value) if value.is_integer() and -1e15 < value < 1e15 else value
    if kind is datetime.timedelta:
        # A duration cell ([t]:mm): Excel's own number for it, in days.
        return value.total_seconds() / 86400
    return value
