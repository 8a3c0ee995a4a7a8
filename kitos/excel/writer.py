"""Write workbooks with openpyxl: exports, templates and the marked copy of an upload.

Export and import are two halves of one format: what :func:`build_workbook` writes,
:func:`kitos.excel.reader.read_workbook` and the parsers in :mod:`kitos.excel.values`
read back unchanged. User text is never written as a formula, whatever it starts with.
"""

from __future__ import annotations

import datetime
import io
import itertools
import re
import unicodedata
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import quote

import openpyxl
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink

from kitos.excel.safety import check_workbook

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Sheets kitos adds to a workbook; the import skips them by name.
HELP_SHEET = "Vejledning"
LISTS_SHEET = "Lister"
ERRORS_SHEET = "Fejl"
SERVICE_SHEETS = frozenset({HELP_SHEET, LISTS_SHEET, ERRORS_SHEET})

DATE_FORMAT = "dd-mm-yyyy"
DATETIME_FORMAT = "dd-mm-yyyy hh:mm"
# Text Excel would otherwise take as a formula (or that a CSV export would).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
# Rows looked at to size the columns; the rest are streamed without being kept.
WIDTH_SAMPLE_ROWS = 200
MIN_WIDTH, MAX_WIDTH = 8, 60
# Validation covers the whole column so rows added by the user get the dropdown too.
LAST_EXCEL_ROW = 1_048_576

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")


class LiteralText(str):
    """Text that must be stored as text even though it looks like a formula."""


def safe_value(value):
    """``value`` ready for a cell: text without XML-illegal characters (and CR as LF),
    formula-like text marked as :class:`LiteralText`, booleans as Ja/Nej, aware
    datetimes in local time."""
    if value is None:
        return None
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", unicodedata.normalize("NFC", value))
        # XML turns a stored CR into LF on reading; say so now rather than differ later.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return LiteralText(text) if text.startswith(FORMULA_PREFIXES) else text
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        return value
    if isinstance(value, int | float | Decimal | datetime.date):
        return value
    return safe_value(str(value))


def make_cell(sheet, value, *, font: Font | None = None, fill: PatternFill | None = None):
    """A write-only cell for ``value``, passed through :func:`safe_value`.

    Formula-like text becomes a text cell (``t="inlineStr"``) with Excel's quote prefix
    style, so Excel shows the text as typed, never evaluates it, and the reader reads back
    exactly the same string (no apostrophe is added to the value).
    """
    value = safe_value(value)
    cell = WriteOnlyCell(sheet)
    _assign(cell, value)
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    return cell


def _row_value(sheet, value):
    """What ``append`` gets for ``value``: the plain value where openpyxl's own cell is
    right (most cells; much faster), a prepared cell for dates and formula-like text."""
    value = safe_value(value)
    if isinstance(value, LiteralText | datetime.date):
        cell = WriteOnlyCell(sheet)
        _assign(cell, value)
        return cell
    return value


def _assign(cell, value) -> None:
    """Put an already safe value into a (write-only or normal) cell."""
    if isinstance(value, LiteralText):
        cell.value = str(value)
        cell.data_type = "s"
        cell.quotePrefix = True
        return
    cell.value = value
    if isinstance(value, datetime.datetime):
        cell.number_format = DATETIME_FORMAT if value.time() else DATE_FORMAT
    elif isinstance(value, datetime.date):
        cell.number_format = DATE_FORMAT


def _set_text(cell, value) -> None:
    """Write ``value`` into a normal-mode cell safely (used in the marked copy)."""
    _assign(cell, safe_value(value))


@dataclass
class SheetData:
    """One sheet of an export or template.

    ``choices`` maps a 0-based column index to the allowed labels (a dropdown in Excel);
    ``help_rows`` are (column, explanation) pairs for the help sheet;
    ``column_widths`` maps a 0-based column index to a width in characters.
    """

    title: str
    headers: list[str]
    rows: Iterable[list] = ()
    choices: dict[int, list[str]] = field(default_factory=dict)
    help_rows: list[tuple[str, str]] | None = None
    column_widths: dict[int, float] | None = None


def build_workbook(
    sheets: list[SheetData],
    *,
    help_title: str | None = None,
    help_rows: list[tuple[str, str]] | None = None,
) -> bytes:
    """An .xlsx with one sheet per :class:`SheetData` (bold, frozen header row, filter,
    dropdowns for choice columns), then a ``Vejledning`` help sheet when any help is given
    and a hidden ``Lister`` sheet with the dropdown lists.

    Written in openpyxl's write-only mode, so memory stays flat for large exports.
    """
    workbook = openpyxl.Workbook(write_only=True)
    list_columns: list[tuple[str, list[str]]] = []
    for sheet in sheets:
        _write_data_sheet(workbook.create_sheet(_sheet_title(sheet.title)), sheet, list_columns)
    if help_title or help_rows or any(sheet.help_rows for sheet in sheets):
        _write_help_sheet(workbook, sheets, help_title, help_rows)
    if list_columns:
        _write_lists_sheet(workbook, list_columns)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\ .
    return re.sub(r"[\[\]:*?/\\]", "-", ILLEGAL_CHARACTERS_RE.sub("", title)).strip()[:31] or "Ark"


def _write_data_sheet(worksheet, sheet: SheetData, list_columns: list) -> None:
    rows = iter(sheet.rows)
    sample = [list(row) for row in itertools.islice(rows, WIDTH_SAMPLE_ROWS)]
    widths = _column_widths(sheet, sample)
    for index, width in enumerate(widths):
        worksheet.column_dimensions[get_column_letter(index + 1)].width = width
    worksheet.freeze_panes = "A2"
    worksheet.append([
        make_cell(worksheet, header, font=HEADER_FONT, fill=HEADER_FILL) for header in sheet.headers
    ])
    count = 0
    for row in itertools.chain(sample, rows):
        worksheet.append([_row_value(worksheet, value) for value in row])
        count += 1
    last_column = get_column_letter(max(len(sheet.headers), 1))
    worksheet.auto_filter.ref = f"A1:{last_column}{count + 1}"
    for column_index, labels in sorted(sheet.choices.items()):
        if not labels:
            continue
        list_columns.append((sheet.headers[column_index], labels))
        list_column = get_column_letter(len(list_columns))
        letter = get_column_letter(column_index + 1)
        validation = DataValidation(
            type="list",
            formula1=(
                f"{quote_sheetname(LISTS_SHEET)}!${list_column}$2:${list_column}${len(labels) + 1}"
            ),
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle=_("Ugyldig værdi"),
            error=_("Vælg en af værdierne på listen."),
        )
        validation.add(f"{letter}2:{letter}{LAST_EXCEL_ROW}")
        worksheet.data_validations.append(validation)


def _column_widths(sheet: SheetData, sample: list[list]) -> list[float]:
    widths = []
    for index, header in enumerate(sheet.headers):
        if sheet.column_widths and index in sheet.column_widths:
            widths.append(sheet.column_widths[index])
            continue
        longest = max(
            [len(str(header)) + 2]
            + [_display_length(row[index]) for row in sample if index < len(row)]
        )
        widths.append(float(min(max(longest + 2, MIN_WIDTH), MAX_WIDTH)))
    return widths


def _display_length(value) -> int:
    value = safe_value(value)
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return 16
    if isinstance(value, datetime.date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def _write_lists_sheet(workbook, list_columns: list[tuple[str, list[str]]]) -> None:
    lists = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    height = max(len(labels) for _header, labels in list_columns)
    lists.append([make_cell(lists, header, font=HEADER_FONT) for header, _labels in list_columns])
    for row_index in range(height):
        lists.append([
            make_cell(lists, labels[row_index] if row_index < len(labels) else None)
            for _header, labels in list_columns
        ])


def _write_help_sheet(workbook, sheets, help_title, help_rows) -> None:
    help_sheet = workbook.create_sheet(HELP_SHEET)
    help_sheet.column_dimensions["A"].width = 32
    help_sheet.column_dimensions["B"].width = 80
    help_sheet.column_dimensions["C"].width = 50
    wrap = Alignment(wrap_text=True, vertical="top")

    def line(*values, font=None):
        cells = [make_cell(help_sheet, value, font=font) for value in values]
        for cell in cells:
            cell.alignment = wrap
        help_sheet.append(cells)

    if help_title:
        line(help_title, font=Font(bold=True, size=14))
        line()
    for label, text in help_rows or ():
        line(label, text, font=None)
    for sheet in sheets:
        if not sheet.help_rows:
            continue
        line()
        line(_("Ark: %(title)s") % {"title": sheet.title}, font=Font(bold=True, size=12))
        line(_("Kolonne"), _("Beskrivelse"), _("Tilladte værdier"), font=HEADER_FONT)
        allowed = {
            sheet.headers[index]: ", ".join(labels) for index, labels in sheet.choices.items()
        }
        for column, text in sheet.help_rows:
            line(column, text, allowed.get(column))


def mark_errors(data: bytes, issues: Iterable[tuple[str, int | None, int | None, str]]) -> bytes:
    """A copy of the uploaded workbook with every issue marked.

    ``issues`` are (sheet name, Excel row, 1-based column or None, message). Each cell
    named gets a light red fill and a comment with its messages (the row's first cell when
    the column is None); a first sheet ``Fejl`` lists every issue with a link to its cell.
    """
    check_workbook(data, filename="upload.xlsx")
    with warnings.catch_warnings():
        # Excel features openpyxl does not model (slicers, some extensions) are dropped
        # from the copy with a warning; the copy is for reading the errors.
        warnings.simplefilter("ignore")
        workbook = openpyxl.load_workbook(io.BytesIO(data), rich_text=False)
    issues = list(issues)
    by_cell: dict[tuple[str, int, int], list[str]] = {}
    for sheet_name, row, column, message in issues:
        if sheet_name in workbook.sheetnames and row:
            by_cell.setdefault((sheet_name, row, column or 1), []).append(str(message))
    for (sheet_name, row, column), messages in by_cell.items():
        cell = workbook[sheet_name].cell(row=row, column=column)
        cell.fill = ERROR_FILL
        text = "\n".join(ILLEGAL_CHARACTERS_RE.sub("", message) for message in messages)
        if cell.comment is not None and cell.comment.author != "kitos":
            # Keep the user's own note below ours.
            text = f"{text}\n\n{cell.comment.text}"
        comment = Comment(text, "kitos")
        comment.width = 300
        comment.height = min(60 + 40 * len(messages), 400)
        cell.comment = comment
    _write_errors_sheet(workbook, issues)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_errors_sheet(workbook, issues) -> None:
    if ERRORS_SHEET in workbook.sheetnames:
        # A copy that was marked before and uploaded again: replace the old list.
        del workbook[ERRORS_SHEET]
    errors = workbook.create_sheet(ERRORS_SHEET, 0)
    headers = [_("Ark"), _("Række"), _("Kolonne"), _("Fejl")]
    for column, header in enumerate(headers, start=1):
        cell = errors.cell(row=1, column=column)
        _set_text(cell, header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for row_index, (sheet_name, row, column, message) in enumerate(issues, start=2):
        values = [sheet_name, row, get_column_letter(column) if column else None, message]
        for column_index, value in enumerate(values, start=1):
            _set_text(errors.cell(row=row_index, column=column_index), value)
        if sheet_name in workbook.sheetnames and row:
            target = f"{get_column_letter(column or 1)}{row}"
            link_cell = errors.cell(row=row_index, column=1)
            link_cell.hyperlink = Hyperlink(
                ref=link_cell.coordinate, location=f"{quote_sheetname(sheet_name)}!{target}"
            )
            link_cell.font = Font(color="0563C1", underline="single")
    for letter, width in zip("ABCD", (24, 8, 9, 90), strict=True):
        errors.column_dimensions[letter].width = width
    errors.freeze_panes = "A2"
    errors.auto_filter.ref = f"A1:D{max(len(issues), 0) + 1}"
    workbook.active = 0
    for sheet in workbook.worksheets[1:]:
        sheet.sheet_view.tabSelected = False


_ASCII_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def workbook_response(content: bytes, filename: str) -> HttpResponse:
    """A download of ``content`` as ``filename`` (RFC 6266 / 5987, ASCII fallback)."""
    name = re.sub(r'[\x00-\x1f\x7f/\\"]', "", filename).strip() or "kitos.xlsx"
    if not name.lower().endswith(".xlsx"):
        name += ".xlsx"
    fallback = unicodedata.normalize("NFKD", name.translate(_ASCII_DANISH))
    fallback = re.sub(r" +", " ", fallback.encode("ascii", "ignore").decode().replace("%", ""))
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
    )
    response["Content-Length"] = str(len(content))
    response["Cache-Control"] = "private, no-store"
    return response
