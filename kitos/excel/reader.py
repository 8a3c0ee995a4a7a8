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
import re
import zipfile
from dataclasses import dataclass, field

import python_calamine
from django.conf import settings
from django.utils.translation import gettext as _

from kitos.excel.safety import (
    WorkbookRejected,
    check_workbook,
    column_number,
    sheet_parts,
    unreadable_message,
)


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


def read_workbook(data: bytes, *, max_rows: int | None = None,
                  filename: str = "upload.xlsx") -> list[RawSheet]:
    """Every worksheet (chart sheets are skipped), in workbook order.

    Raises :class:`WorkbookRejected` for a hostile or unreadable file and when a sheet has
    more than ``max_rows`` non-empty rows below its first row (default
    ``settings.KITOS_IMPORT_MAX_ROWS``). `filename` is the upload's name, for the
    safety checks' messages (an .xls or .csv by another name).
    """
    check_workbook(data, filename=filename)
    limit = settings.KITOS_IMPORT_MAX_ROWS if max_rows is None else max_rows
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        errors = _error_cells(data)
        sheets = [
            _read_sheet(workbook.get_sheet_by_name(meta.name), meta, limit, errors.get(meta.name))
            for meta in workbook.sheets_metadata
            if meta.typ == python_calamine.SheetTypeEnum.WorkSheet
        ]
    except WorkbookRejected:
        raise
    except Exception:  # noqa: BLE001 - any parser failure is bad input, never a 500
        raise WorkbookRejected(unreadable_message()) from None
    return sheets


def _read_sheet(sheet, meta, limit: int, errors: dict | None) -> RawSheet:
    rows: list[RawRow] = []
    if sheet.start is not None:
        first_column = sheet.start[1]
        padding = [None] * first_column
        # Data rows beyond the limit: a header row (and a title) above them is allowed.
        row_cap = limit + 1
        # calamine's iter_rows starts at row 1 (yielding empty rows above the used range)
        # but at the used range's first column; test_reader pins both.
        for index, cells in enumerate(sheet.iter_rows()):
            # Non-empty text (most cells) is taken as it is, without a call.
            values = [value if type(value) is str and value else _cell(value)
                      for value in cells]
            if errors and index + 1 in errors:
                for column, text in errors[index + 1].items():
                    if 0 <= column - 1 - first_column < len(values):
                        values[column - 1 - first_column] = text
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


# Error cells (#N/A, #REF!, ...): calamine gives them as empty text, which would let a
# broken formula silently clear a field on import. They are found in the sheet XML
# instead, and given as the text Excel shows (what openpyxl gives too), so the import
# reports them. Only sheets that contain an error marker at all are searched.
_ERROR_MARKERS = (b't="e"', b"t='e'")
_ERROR_CELL = re.compile(rb"<c\b[^>]*\bt=[\"']e[\"'][^>]*>")
_CELL_REFERENCE = re.compile(rb"\br=[\"']([A-Z]{1,3})(\d+)[\"']")
_CELL_VALUE = re.compile(rb"<v>([^<]*)</v>")


def _error_cells(data: bytes) -> dict[str, dict[int, dict[int, str]]]:
    """``{sheet name: {row: {column: "#N/A"}}}`` for every error cell of the workbook."""
    found: dict[str, dict[int, dict[int, str]]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name, path in sheet_parts(archive).items():
            if path not in archive.namelist() or not _has_error_marker(archive, path):
                continue
            xml = archive.read(path)
            for match in _ERROR_CELL.finditer(xml):
                reference = _CELL_REFERENCE.search(match.group())
                end = xml.find(b"</c>", match.end())
                value = _CELL_VALUE.search(xml, match.end(), end if end >= 0 else len(xml))
                if reference and value:
                    row, column = int(reference[2]), column_number(reference[1])
                    found.setdefault(name, {}).setdefault(row, {})[column] = value[1].decode()
    return found


def _has_error_marker(archive: zipfile.ZipFile, path: str) -> bool:
    """Streamed, so a large sheet without errors is never held in memory twice."""
    tail = b""
    with archive.open(path) as part:
        while chunk := part.read(1024 * 1024):
            window = tail + chunk
            if any(marker in window for marker in _ERROR_MARKERS):
                return True
            tail = window[-8:]
    return False
