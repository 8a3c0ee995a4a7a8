"""The report export of a list "as shown": the columns the user chose, in their order,
with the values the list shows (computed deadlines, status labels, role holders, names),
the active filters in a header row, Danish formats and a totals row; as .xlsx or CSV.

Unlike the import-format export (:mod:`kitos.excel.exporter`) nothing here is meant to be
imported again. Rows are streamed: the .xlsx is written by openpyxl's write-only mode into
a temporary file, the CSV is produced line by line; neither keeps the rows in memory.
"""

from __future__ import annotations

import csv
import datetime
import itertools
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

import openpyxl
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from kitos.excel.writer import (
    DATE_FORMAT,
    FORMULA_PREFIXES,
    HEADER_FILL,
    HEADER_FONT,
    MAX_WIDTH,
    MIN_WIDTH,
    WIDTH_SAMPLE_ROWS,
    LiteralText,
    _display_length,
    make_cell,
    safe_value,
)

MONEY_FORMAT = "#,##0.00"  # Danish Excel shows it as #.##0,00
NUMBER_FORMAT = "#,##0"
TITLE_FONT = Font(bold=True, size=14)
TOTAL_FONT = Font(bold=True)
# Rows above the table: the title and the filters; the header row follows.
HEADER_ROW = 3
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class ReportColumn:
    """What the report needs of a list column: its header, kind and a function giving
    the row's value as the list shows it."""

    label: str
    kind: str
    value: object  # function(row) -> shown value

    @property
    def money(self) -> bool:
        return self.kind == "money"


def shown_value(kind: str, value):
    """A column's raw value as the list shows it, as a plain cell value: dates as dates
    (local), lists joined, booleans Ja/Nej, objects by their names."""
    if value is None or value == "" or value == []:
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
        """The rows, counting them and summing the money columns on the way."""
        self.count = 0
        self.sums = {i: Decimal(0) for i, column in enumerate(self.columns) if column.money}
        sums = list(self.sums)
        for row in self.rows:
            self.count += 1
            for index in sums:
                value = row[index]
                if value is not None:
                    self.sums[index] += value if isinstance(value, Decimal) else Decimal(
                        str(value))
            yield row

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


def write_xlsx(report: Report, target) -> None:
    """Write ``report`` as an .xlsx into the binary file ``target``."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(report.title))
    rows = report.counted()
    sample = list(itertools.islice(rows, WIDTH_SAMPLE_ROWS))
    for index, width in enumerate(_widths(report.columns, sample)):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.append([make_cell(sheet, report.title, font=TITLE_FONT)])
    sheet.append([make_cell(sheet, report.filters)])
    sheet.append([
        make_cell(sheet, column.label, font=HEADER_FONT, fill=HEADER_FILL)
        for column in report.columns
    ])
    # One formatted cell per date or money column, reused row after row: the write-only
    # sheet writes each appended row at once (openpyxl reuses its own cell the same way).
    formats = {
        index: (DATE_FORMAT if column.kind in ("date", "deadline")
                else MONEY_FORMAT if column.money else None)
        for index, column in enumerate(report.columns)
    }
    styled = {}
    for index, number_format in formats.items():
        if number_format:
            cell = WriteOnlyCell(sheet)
            cell.number_format = number_format
            styled[index] = cell
    append = sheet.append
    for row in itertools.chain(sample, rows):
        values = []
        for index, value in enumerate(row):
            if value is None:
                values.append(None)
            elif index in styled:
                cell = styled[index]
                cell.value = value
                values.append(cell)
            elif isinstance(value, str):
                value = safe_value(value)
                values.append(make_cell(sheet, value) if isinstance(value, LiteralText)
                              else value)
            else:
                values.append(value)
        append(values)
    last_column = get_column_letter(max(len(report.columns), 1))
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{HEADER_ROW + report.count}"
    totals = []
    for index in range(len(report.columns)):
        if index in report.sums:
            cell = make_cell(sheet, report.sums[index], font=TOTAL_FONT)
            cell.number_format = MONEY_FORMAT
        elif index == 0:
            cell = make_cell(sheet, report.total_label(), font=TOTAL_FONT)
        else:
            cell = None
        totals.append(cell)
    if 0 in report.sums:  # the first column is money: the count goes after the table
        totals.append(make_cell(sheet, report.total_label(), font=TOTAL_FONT))
    append(totals)
    workbook.save(target)


def xlsx_file(report: Report):
    """The report as an .xlsx in a temporary file (rewound), for a FileResponse."""
    target = tempfile.TemporaryFile()
    write_xlsx(report, target)
    target.seek(0)
    return target


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
        _csv_value("money", report.sums[index]) if index in report.sums else ""
        for index in range(len(report.columns))
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
        return value.strftime("%d-%m-%Y")
    if isinstance(value, Decimal | float):
        text = f"{value:.2f}" if kind == "money" else str(value)
        return text.replace(".", ",")
    if isinstance(value, int):
        return str(value)
    text = str(safe_value(value))
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text
