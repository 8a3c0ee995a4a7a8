"""The report export of a list "as shown": the columns the user chose, in their order,
with the values the list shows (computed deadlines, status labels, role holders, names),
the active filters in a header row, Danish formats and a totals row; as .xlsx or CSV.

Unlike the import-format export (:mod:`kitos.excel.exporter`) nothing here is meant to be
imported again. Rows are streamed: the .xlsx is written as sheet XML straight into a zip
stream and handed out in pieces as it grows, the CSV line by line; neither keeps the rows
in memory.
"""

from __future__ import annotations

import csv
import datetime
import itertools
import math
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.utils import get_column_letter

from kitos.excel.writer import (
    BOLD_FONT,
    COMPRESS_LEVEL,
    EXCEL_EPOCH_ORDINAL,
    FIRST_EXCEL_DATE,
    FORMULA_PREFIXES,
    MAX_WIDTH,
    MIN_WIDTH,
    PLAIN_FONT,
    RELATIONSHIP_NS,
    SHEET_NS,
    TITLE_FONT,
    WIDTH_SAMPLE_ROWS,
    XML_DECLARATION,
    _display_length,
    attribute,
    danish_date,
    escape,
    is_plain_text,
    safe_value,
    stylesheet,
    text_cell,
    xf,
)

MONEY_FORMAT = "#,##0.00"  # Danish Excel shows it as #.##0,00
NUMBER_FORMAT = "#,##0"
# Rows above the table: the title and the filters; the header row follows.
HEADER_ROW = 3
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class ReportColumn:
    """What the report needs of a list column: its header, kind and a function giving
    the row's value as the list shows it."""

    label: str
    kind: str
    value: object = None  # function(row) -> shown value (unused by the writers)
    total: bool = False  # summed in the totals row (money columns always are)

    @property
    def money(self) -> bool:
        return self.kind == "money"

    @property
    def summed(self) -> bool:
        return self.total or self.money


def shown_value(kind: str, value):
    """A column's raw value as the list shows it, as a plain cell value: dates as dates
    (local), lists joined, booleans Ja/Nej, objects by their names."""
    if type(value) is str:  # most values: only the empty text becomes nothing
        return value or None
    if value is None or value == []:
        return None
    if kind in ("date", "deadline"):
        if isinstance(value, datetime.datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return value.date()
        return value
    if kind in ("money", "number"):
        return value
    if kind == "bool" or isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    if kind == "list" or isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    if isinstance(value, str | int | float | Decimal | datetime.date):
        return value
    return str(value)


@dataclass
class Report:
    """A list's rows as shown: ``rows`` yields one list of shown values per row."""

    title: str
    filters: str
    columns: list[ReportColumn]
    rows: Iterable[list]

    def counted(self) -> Iterator[list]:
        """The rows, counting them and summing the totalled columns on the way."""
        self.count = 0
        self.sums = {i: Decimal(0) for i, column in enumerate(self.columns) if column.summed}
        sums = list(self.sums)
        for row in self.rows:
            self.count += 1
            for index in sums:
                value = row[index]
                if isinstance(value, Decimal):
                    if value.is_finite():
                        self.sums[index] += value
                elif isinstance(value, int | float) and not isinstance(value, bool):
                    if math.isfinite(value):
                        self.sums[index] += Decimal(str(value))
            yield row

    def filter_range(self) -> str:
        """The auto filter's cells: the header row and the rows (after ``counted``)."""
        last_column = get_column_letter(max(len(self.columns), 1))
        return f"A{HEADER_ROW}:{last_column}{HEADER_ROW + self.count}"

    def total_label(self) -> str:
        return ngettext("I alt: %(count)s række", "I alt: %(count)s rækker", self.count) % {
            "count": f"{self.count:,}".replace(",", "."),
        }


def filters_text(filters: list[tuple[str, str]]) -> str:
    """"Filtre: Status = Aktiv; Leverandør = KMD A/S" (or "Filtre: ingen")."""
    if not filters:
        return _("Filtre: ingen")
    return _("Filtre: %(filters)s") % {
        "filters": "; ".join(f"{label} = {value}" for label, value in filters)
    }


# -- xlsx ------------------------------------------------------------------------------
#
# The sheet is written as SpreadsheetML text straight into a zip stream: one style id
# per kind of cell (fixed, below), text as inline strings, nothing per cell but a short
# string. openpyxl's write-only mode builds an object per cell; this is several times
# faster and the output is what openpyxl, Excel and LibreOffice read.

# Bytes collected before they are handed to the response.
_CHUNK_BYTES = 256 * 1024
_ROWS_PER_WRITE = 500
# Style ids (cellXfs of _STYLES, in order).
_PLAIN, _TITLE, _HEADER, _DATE, _DATETIME, _MONEY, _NUMBER, _LITERAL = range(8)
_TOTAL, _TOTAL_MONEY, _TOTAL_NUMBER = range(8, 11)

_CONTENT_TYPES = (
    XML_DECLARATION
    + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '</Types>'
)
_ROOT_RELS = (
    XML_DECLARATION
    + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    '</Relationships>'
)
_WORKBOOK_RELS = (
    XML_DECLARATION
    + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/styles" Target="styles.xml"/></Relationships>'
)


# Built-in number formats 3 (#,##0) and 4 (#,##0.00); 164 and 165 are the dates'.
_STYLES = stylesheet(
    fonts=[PLAIN_FONT, TITLE_FONT, BOLD_FONT],
    cell_formats=[
        xf(),  # _PLAIN
        xf(font=1),  # _TITLE
        xf(font=2, fill=2),  # _HEADER
        xf(164),  # _DATE
        xf(165),  # _DATETIME
        xf(4),  # _MONEY
        xf(3),  # _NUMBER
        xf(quote=True),  # _LITERAL
        xf(font=2),  # _TOTAL
        xf(4, font=2),  # _TOTAL_MONEY
        xf(3, font=2),  # _TOTAL_NUMBER
    ],
)


def _text_cell(ref: str, value: str, style: int) -> str:
    """An inline-string cell: never a formula, whatever the text starts with (and
    formula-like text gets Excel's quote prefix style, so editing it keeps it text)."""
    return text_cell(ref, value, style, _LITERAL if style == _PLAIN else style)


def _cell(ref: str, value, number_style: int, text_style: int = _PLAIN) -> str:
    """One cell's XML ("" for no value). Numbers get ``number_style``, dates the date
    format, everything else is text."""
    kind = type(value)
    if kind is str:
        return _text_cell(ref, value, text_style)
    if value is None:
        return ""
    if kind is int or kind is Decimal or kind is float:
        if kind is int:
            text = str(value)
        elif kind is float:
            if not math.isfinite(value):
                return _text_cell(ref, str(value), text_style)
            text = repr(value)
        else:
            if not value.is_finite():
                return _text_cell(ref, str(value), text_style)
            text = format(value, "f")
        style = number_style
        if style in (_NUMBER, _TOTAL_NUMBER) and kind is not int and value != int(value):
            style = _PLAIN if style == _NUMBER else _TOTAL
        return f'<c r="{ref}" s="{style}"><v>{text}</v></c>' if style else (
            f'<c r="{ref}"><v>{text}</v></c>')
    if kind is datetime.date:
        if value < FIRST_EXCEL_DATE:
            return _text_cell(ref, danish_date(value), text_style)
        return f'<c r="{ref}" s="{_DATE}"><v>{value.toordinal() - EXCEL_EPOCH_ORDINAL}</v></c>'
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        if value.date() < FIRST_EXCEL_DATE:
            return _text_cell(ref, f"{danish_date(value)} {value:%H:%M}", text_style)
        seconds = (value - datetime.datetime.combine(value.date(), datetime.time())).seconds
        serial = value.toordinal() - EXCEL_EPOCH_ORDINAL + seconds / 86400
        return f'<c r="{ref}" s="{_DATETIME}"><v>{serial!r}</v></c>'
    if isinstance(value, datetime.date):  # a subclass
        return _cell(ref, datetime.date(value.year, value.month, value.day), number_style)
    if isinstance(value, bool):
        return _text_cell(ref, _("Ja") if value else _("Nej"), text_style)
    if isinstance(value, int | float | Decimal):
        return _cell(ref, (int if isinstance(value, int) else float)(value), number_style)
    return _text_cell(ref, str(value), text_style)


def _number_style(column: ReportColumn) -> int:
    return _MONEY if column.money else _NUMBER if column.kind == "number" else _PLAIN


def _sheet_xml(report: Report) -> Iterator[str]:
    """The worksheet's XML in pieces, rows streamed from ``report``."""
    columns = report.columns
    letters = [get_column_letter(index + 1) for index in range(max(len(columns), 1))]
    rows = report.counted()
    sample = list(itertools.islice(rows, WIDTH_SAMPLE_ROWS))
    widths = "".join(
        f'<col min="{index}" max="{index}" width="{width}" customWidth="1"/>'
        for index, width in enumerate(_widths(columns, sample), start=1)
    )
    first = HEADER_ROW + 1
    yield (
        f'{XML_DECLARATION}<worksheet xmlns="{SHEET_NS}" xmlns:r="{RELATIONSHIP_NS}">'
        '<sheetViews><sheetView workbookViewId="0">'
        f'<pane ySplit="{HEADER_ROW}" topLeftCell="A{first}" activePane="bottomLeft" '
        'state="frozen"/>'
        f'<selection pane="bottomLeft" activeCell="A{first}" sqref="A{first}"/>'
        '</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
        + (f"<cols>{widths}</cols>" if widths else "")
        + "<sheetData>"
        f'<row r="1">{_text_cell("A1", report.title, _TITLE)}</row>'
        f'<row r="2">{_text_cell("A2", report.filters, _PLAIN)}</row>'
        f'<row r="{HEADER_ROW}">'
        + "".join(_text_cell(f"{letter}{HEADER_ROW}", column.label, _HEADER)
                  for letter, column in zip(letters, columns, strict=False))
        + "</row>"
    )
    number_styles = [_number_style(column) for column in columns]
    # Most cells are plain text, a date or a number: those are written here without a
    # call; anything else goes through _cell.
    plan = list(zip(letters, number_styles, strict=False))
    pieces = []
    number = HEADER_ROW
    cell = _cell
    for row in itertools.chain(sample, rows):
        number += 1
        at = str(number)
        pieces.append(f'<row r="{at}">')
        for (letter, number_style), value in zip(plan, row, strict=True):
            if value is None:
                continue
            kind = type(value)
            if kind is str and value and is_plain_text(value):
                pieces.append(f'<c r="{letter}{at}" t="inlineStr"><is><t>{escape(value)}'
                              "</t></is></c>")
            elif kind is datetime.date and value >= FIRST_EXCEL_DATE:
                pieces.append(f'<c r="{letter}{at}" s="{_DATE}"><v>'
                              f"{value.toordinal() - EXCEL_EPOCH_ORDINAL}</v></c>")
            else:
                pieces.append(cell(letter + at, value, number_style))
        pieces.append("</row>")
        if len(pieces) > _ROWS_PER_WRITE * 8:
            yield "".join(pieces)
            pieces.clear()
    number += 1
    at = str(number)
    totals = []
    for index, (letter, column) in enumerate(zip(letters, columns, strict=False)):
        if index in report.sums:
            totals.append(_cell(letter + at, report.sums[index],
                                _TOTAL_MONEY if column.money else _TOTAL_NUMBER))
        elif index == 0:
            totals.append(_text_cell(letter + at, report.total_label(), _TOTAL))
    if 0 in report.sums:  # the first column is totalled: the count goes after the table
        totals.append(_text_cell(get_column_letter(len(columns) + 1) + at,
                                 report.total_label(), _TOTAL))
    pieces.append(f'<row r="{at}">{"".join(totals)}</row>')
    pieces.append(f'</sheetData><autoFilter ref="{report.filter_range()}"/></worksheet>')
    yield "".join(pieces)


def _workbook_xml(report: Report) -> str:
    title = _sheet_title(report.title)
    quoted = "'" + title.replace("'", "''") + "'"
    start, end = report.filter_range().split(":")
    absolute = "$" + re.sub(r"(\d+)", r"$\1", start) + ":$" + re.sub(r"(\d+)", r"$\1", end)
    return (
        f'{XML_DECLARATION}<workbook xmlns="{SHEET_NS}" xmlns:r="{RELATIONSHIP_NS}">'
        '<bookViews><workbookView/></bookViews>'
        f'<sheets><sheet name="{attribute(title)}" sheetId="1" r:id="rId1"/></sheets>'
        '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" '
        f'hidden="1">{escape(quoted)}!{absolute}</definedName></definedNames>'
        "</workbook>"
    )


class _Sink:
    """A write-only, non-seekable file for zipfile that collects the bytes written."""

    def __init__(self):
        self.chunks: list[bytes] = []
        self.size = 0

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        self.size = 0
        return data


def xlsx_chunks(report: Report) -> Iterator[bytes]:
    """The report as an .xlsx, in pieces as it is written (for a streaming response):
    memory stays bounded whatever the number of rows."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED,
                         compresslevel=COMPRESS_LEVEL) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", _STYLES)
        # No Zip64 (Excel refuses Zip64 entries it does not need): the sheet XML may
        # reach 2 GB, far beyond Excel's 1,048,576 rows of any list's columns.
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            for text in _sheet_xml(report):
                sheet.write(text.encode("utf-8"))
                if sink.size >= _CHUNK_BYTES:
                    yield sink.take()
        archive.writestr("xl/workbook.xml", _workbook_xml(report))
    yield sink.take()


def _sheet_title(title: str) -> str:
    from kitos.excel.writer import _sheet_title as title_of

    return title_of(title)


def _widths(columns: list[ReportColumn], sample: list[list]) -> list[float]:
    widths = []
    for index, column in enumerate(columns):
        longest = max(
            [len(column.label) + 2]
            + [_display_length(row[index]) for row in sample]
            + ([14] if column.money else [])
        )
        widths.append(float(min(max(longest + 2, MIN_WIDTH), MAX_WIDTH)))
    return widths


# -- CSV -------------------------------------------------------------------------------


class _Line:
    """A file-like for csv.writer that hands back what was written."""

    def write(self, text):
        return text


def csv_lines(report: Report) -> Iterator[str]:
    """The report as CSV for Danish Excel: UTF-8 with BOM, ``;`` between fields, dates
    dd-mm-yyyy, decimal comma; text that Excel would take as a formula gets a leading
    apostrophe."""
    writer = csv.writer(_Line(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow([report.title])
    yield writer.writerow([report.filters])
    yield writer.writerow([column.label for column in report.columns])
    kinds = [column.kind for column in report.columns]
    for row in report.counted():
        yield writer.writerow([_csv_value(kind, value) for kind, value in zip(kinds, row,
                                                                              strict=True)])
    totals = [
        _csv_value(column.kind, report.sums[index]) if index in report.sums else ""
        for index, column in enumerate(report.columns)
    ]
    if 0 in report.sums:
        totals.append(report.total_label())
    else:
        totals[0] = report.total_label()
    yield writer.writerow(totals)


def _csv_value(kind: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return danish_date(value)
    if isinstance(value, Decimal | float):
        text = f"{value:.2f}" if kind == "money" else str(value)
        return text.replace(".", ",")
    if isinstance(value, int):
        return str(value)
    text = str(safe_value(value))
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text
