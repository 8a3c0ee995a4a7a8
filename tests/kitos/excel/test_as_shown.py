"""The report writer of kitos/excel/as_shown.py on its own: what a hostile or odd value
becomes in the .xlsx (text never a formula, XML-illegal characters, Excel's limits,
dates Excel cannot hold, money), and that the file is a proper workbook."""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

import openpyxl
import pytest
from django.utils import timezone

from kitos.excel import as_shown


def _report(rows, columns=None, title="Kontrakter", filters="Filtre: ingen"):
    columns = columns or [as_shown.ReportColumn("Tekst", "text")]
    return as_shown.Report(title=title, filters=filters, columns=columns, rows=iter(rows))


def _xlsx(report) -> bytes:
    return b"".join(as_shown.xlsx_chunks(report))


def _sheet(report):
    return openpyxl.load_workbook(io.BytesIO(_xlsx(report))).worksheets[0]


def test_every_part_is_well_formed_xml():
    content = _xlsx(_report([["<&>\"'"]], title="Kim's <liste> & co"))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None
        for name in archive.namelist():
            ElementTree.fromstring(archive.read(name))  # raises when not well-formed
        assert "xl/worksheets/sheet1.xml" in archive.namelist()
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Kim's <liste> & co"]


@pytest.mark.parametrize("text", [
    "<b>fed</b> & \"citat\" 'enkelt'",
    "=cmd|' /C calc'!A0",
    "=HYPERLINK(\"http://x\")",
    "+45 12 34 56 78",
    "-5",
    "@SUM(A1)",
    "  indrykket  ",
    "linje 1\nlinje 2",
    "Æble øl å",
    "\U0001F600 emoji",
])
def test_text_comes_back_exactly_and_never_as_a_formula(text):
    cell = _sheet(_report([[text]])).cell(row=4, column=1)
    assert cell.value == text
    assert cell.data_type == "s"
    if text[0] in "=+-@":
        assert cell.quotePrefix  # Excel keeps it text when the cell is edited


def test_formula_like_text_is_an_inline_string_without_a_formula():
    content = _xlsx(_report([["=1+1"]]))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    assert "=1+1" in sheet


def test_control_characters_are_dropped_and_cr_becomes_lf():
    sheet = _sheet(_report([["a\x00b\x07c\x1fd\ufffe", "x\r\ny\rz"]],
                           columns=[as_shown.ReportColumn("A", "text"),
                                    as_shown.ReportColumn("B", "text")]))
    assert sheet.cell(row=4, column=1).value == "abcd"
    assert sheet.cell(row=4, column=2).value == "x\ny\nz"


def test_text_is_cut_at_excels_cell_limit():
    sheet = _sheet(_report([["x" * 40_000], ["æ" * 32_767]]))
    assert sheet.cell(row=4, column=1).value == "x" * 32_767
    assert sheet.cell(row=5, column=1).value == "æ" * 32_767


def test_none_and_empty_values_are_empty_cells():
    columns = [as_shown.ReportColumn(label, "text") for label in "ABC"]
    sheet = _sheet(_report([[None, "", "x"]], columns=columns))
    assert [cell.value for cell in sheet[4]] == [None, None, "x"]


def test_dates_money_and_numbers_keep_their_types_and_formats():
    columns = [
        as_shown.ReportColumn("Dato", "date"),
        as_shown.ReportColumn("Beløb", "money"),
        as_shown.ReportColumn("Antal", "number", total=True),
        as_shown.ReportColumn("Ændret", "text"),
    ]
    changed = timezone.make_aware(datetime.datetime(2026, 6, 1, 12, 30))
    rows = [
        [datetime.date(2026, 12, 31), Decimal("1234567.89"), 3, changed],
        [datetime.date(9999, 12, 31), Decimal("0.01"), 4, None],
        [datetime.date(1900, 3, 1), Decimal("-12.50"), None, None],
        [datetime.date(1899, 12, 31), Decimal("1E+3"), 2.5, None],
        [datetime.date(1, 1, 1), Decimal("NaN"), float("inf"), None],
    ]
    sheet = _sheet(_report(rows, columns=columns))
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4, max_row=8)]
    assert values[0][0] == datetime.datetime(2026, 12, 31)
    assert sheet.cell(row=4, column=1).number_format == "dd-mm-yyyy"
    assert values[1][0] == datetime.datetime(9999, 12, 31)
    assert values[2][0] == datetime.datetime(1900, 3, 1)
    # Before 1900-03-01 Excel has no such date: written as the date's text.
    assert values[3][0] == "31-12-1899" and values[4][0] == "01-01-0001"
    assert values[0][1] == pytest.approx(1234567.89)
    assert sheet.cell(row=4, column=2).number_format == "#,##0.00"
    assert values[3][1] == 1000
    assert values[4][1] == "NaN" and values[4][2] == "inf"
    assert values[0][2] == 3 and sheet.cell(row=4, column=3).number_format == "#,##0"
    assert values[3][2] == 2.5 and sheet.cell(row=7, column=3).number_format == "General"
    # An aware datetime is written in local time (Copenhagen: UTC+2 in June).
    assert values[0][3] == datetime.datetime(2026, 6, 1, 12, 30)
    assert sheet.cell(row=4, column=4).number_format == "dd-mm-yyyy hh:mm"
    totals = [cell.value for cell in sheet[9]]
    assert totals[1] == pytest.approx(1234567.89 + 0.01 - 12.50 + 1000)
    assert totals[2] == pytest.approx(9.5)
    assert totals[0] == "I alt: 5 rækker"  # the first column is not totalled


def test_sheet_layout_frozen_header_auto_filter_widths_and_totals():
    columns = [as_shown.ReportColumn("Beløb", "money"), as_shown.ReportColumn("Navn", "text")]
    rows = [[Decimal("10.00"), f"Række {n}"] for n in range(3)]
    sheet = _sheet(_report(rows, columns=columns, filters="Filtre: Status = Aktiv"))
    assert sheet["A1"].value == "Kontrakter" and sheet["A1"].font.b and sheet["A1"].font.sz == 14
    assert sheet["A2"].value == "Filtre: Status = Aktiv"
    assert [sheet["A3"].value, sheet["B3"].value] == ["Beløb", "Navn"]
    assert sheet["A3"].font.b and sheet["A3"].fill.fgColor.rgb.endswith("DDE4EE")
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == "A3:B6"
    assert sheet.column_dimensions["A"].width >= 14 and sheet.column_dimensions["B"].width >= 8
    assert sheet["A7"].value == pytest.approx(30) and sheet["A7"].font.b
    assert sheet["C7"].value == "I alt: 3 rækker"  # the first column is money


def test_an_empty_report_is_a_valid_workbook():
    sheet = _sheet(_report([]))
    assert sheet["A3"].value == "Tekst"
    assert sheet.auto_filter.ref == "A3:A3"
    assert sheet["A4"].value == "I alt: 0 rækker"


def test_rows_are_streamed_not_collected():
    """The writer takes rows as it goes: a generator of many rows is consumed while the
    zip is handed out in pieces (no list of all rows)."""
    produced = []

    def rows():
        for n in range(60_000):
            produced.append(n) if n % 10_000 == 0 else None
            yield [f"Række {n:06d} med en lang tekst der fylder"]

    chunks = as_shown.xlsx_chunks(_report(rows()))
    first = next(chunks)
    assert first.startswith(b"PK")
    assert len(produced) < 6  # not every row was read before the first bytes came out
    rest = b"".join(chunks)
    sheet = openpyxl.load_workbook(io.BytesIO(first + rest), read_only=True).worksheets[0]
    assert sum(1 for _ in sheet.iter_rows()) == 3 + 60_000 + 1
