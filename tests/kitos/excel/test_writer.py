"""Workbooks kitos writes: no formula injection, dropdowns, help, round trip, error copy."""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from kitos.excel.reader import read_workbook
from kitos.excel.values import parse_bool, parse_choice, parse_date, parse_decimal, parse_text
from kitos.excel.writer import (
    ERRORS_SHEET,
    HELP_SHEET,
    LISTS_SHEET,
    XLSX_CONTENT_TYPE,
    SheetData,
    build_workbook,
    mark_errors,
    safe_value,
    workbook_response,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "kitos"

HOSTILE_TEXTS = [
    "=cmd|' /C calc'!A0",
    "=HYPERLINK(\"https://evil.example\",\"klik\")",
    "+45 12 34 56 78",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "=",
]


def _sheet_xml(data: bytes, index: int = 1) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(f"xl/worksheets/sheet{index}.xml").decode()


def test_formula_like_text_stays_identical_text():
    data = build_workbook([SheetData("Data", ["Tekst"], [[text] for text in HOSTILE_TEXTS])])
    xml = _sheet_xml(data)
    assert "<f>" not in xml and "<f " not in xml
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Data"]
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    # A CR is stored as LF (XML would turn it into one on reading anyway).
    expected = [text.replace("\r", "\n") for text in HOSTILE_TEXTS]
    assert [cell.value for cell in cells] == expected
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells)
    (read,) = read_workbook(data)
    assert [row.values[0] for row in read.rows[1:]] == expected


def test_headers_and_help_are_safe_too():
    data = build_workbook(
        [SheetData("Data", ["=Navn"], [], help_rows=[("=Navn", "-bemærk")])],
        help_title="+titel",
    )
    for index in (1, 2):
        xml = _sheet_xml(data, index)
        assert "<f>" not in xml


def test_illegal_xml_characters_are_dropped():
    data = build_workbook([SheetData("Data", ["Tekst"], [["før\x00\x01\x0befter"], ["ok\u00a0"]])])
    (sheet,) = read_workbook(data)
    assert sheet.rows[1].values == ["førefter"]
    assert sheet.rows[2].values == ["ok\u00a0"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (True, "Ja"),
        (False, "Nej"),
        (Decimal("12.50"), Decimal("12.50")),
        ("tekst", "tekst"),
        ("=1", "=1"),
    ],
)
def test_safe_value(value, expected):
    assert safe_value(value) == expected


def test_safe_value_aware_datetime_is_local_and_naive():
    moment = datetime.datetime(2027, 6, 1, 10, 0, tzinfo=datetime.UTC)
    assert safe_value(moment) == datetime.datetime(2027, 6, 1, 12, 0)


def export_workbook() -> bytes:
    labels = ["Ikke besluttet", "I drift", "Under udfasning"]
    long_labels = [f"Valgmulighed nummer {number} med en lang tekst, komma" for number in range(40)]
    return build_workbook(
        [
            SheetData(
                title="Systemer",
                headers=["Navn", "Livscyklus", "Udløb", "Beløb", "Aktiv", "Kategori"],
                rows=iter([
                    ["ESDH", "I drift", datetime.date(2027, 12, 31), Decimal("1234567.50"), True,
                     long_labels[3]],
                    ["Løn", "Ikke besluttet", None, Decimal("-12.5"), False, None],
                    ["=Gammel", "Under udfasning", datetime.date(2026, 1, 2), 0, None, None],
                ]),
                choices={1: labels, 5: long_labels},
                help_rows=[
                    ("Navn", "Påkrævet. Tekst."),
                    ("Livscyklus", "Valgfri. Vælg fra listen."),
                    ("Udløb", "Valgfri. Dato som 31-12-2027."),
                ],
            )
        ],
        help_title="Import af systemer",
        help_rows=[("Sådan gør du", "Udfyld en række pr. system.")],
    )


def test_layout_header_filter_freeze_widths_and_date_format():
    workbook = openpyxl.load_workbook(io.BytesIO(export_workbook()))
    assert workbook.sheetnames == ["Systemer", HELP_SHEET, LISTS_SHEET]
    sheet = workbook["Systemer"]
    assert [cell.value for cell in sheet[1]] == [
        "Navn", "Livscyklus", "Udløb", "Beløb", "Aktiv", "Kategori"
    ]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:F4"
    assert sheet["C2"].number_format == "dd-mm-yyyy"
    assert sheet["D2"].value == 1234567.5 and sheet["D2"].data_type == "n"
    assert sheet["E2"].value == "Ja"
    widths = [sheet.column_dimensions[letter].width for letter in "ABCDEF"]
    assert all(8 <= width <= 60 for width in widths)
    assert widths[5] > widths[0]
    assert workbook[LISTS_SHEET].sheet_state == "hidden"


def test_dropdowns_use_the_hidden_lists_sheet():
    workbook = openpyxl.load_workbook(io.BytesIO(export_workbook()))
    validations = {
        str(validation.sqref): validation
        for validation in workbook["Systemer"].data_validations.dataValidation
    }
    assert set(validations) == {"B2:B1048576", "F2:F1048576"}
    assert validations["B2:B1048576"].type == "list"
    assert validations["B2:B1048576"].formula1 == "'Lister'!$A$2:$A$4"
    # 40 long labels are far beyond the 255 characters an inline list may hold.
    assert validations["F2:F1048576"].formula1 == "'Lister'!$B$2:$B$41"
    lists = workbook[LISTS_SHEET]
    assert [cell.value for cell in lists["A"]][:4] == [
        "Livscyklus", "Ikke besluttet", "I drift", "Under udfasning"
    ]
    assert lists["B41"].value == "Valgmulighed nummer 39 med en lang tekst, komma"


def test_help_sheet_lists_columns_and_allowed_values():
    sheet = openpyxl.load_workbook(io.BytesIO(export_workbook()))[HELP_SHEET]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "Import af systemer"
    assert ["Sådan gør du", "Udfyld en række pr. system.", None] in rows
    assert ["Kolonne", "Beskrivelse", "Tilladte værdier"] in rows
    assert [
        "Livscyklus", "Valgfri. Vælg fra listen.", "Ikke besluttet, I drift, Under udfasning"
    ] in rows


def test_round_trip_through_reader_and_parsers():
    from portfolio.choices import Lifecycle

    sheet = next(sheet for sheet in read_workbook(export_workbook()) if sheet.name == "Systemer")
    first, second, third = (row.values for row in sheet.rows[1:])
    assert parse_text(first[0]) == "ESDH"
    assert parse_choice(first[1], Lifecycle) == Lifecycle.OPERATIONAL
    assert parse_date(first[2]) == datetime.date(2027, 12, 31)
    assert parse_decimal(first[3]) == Decimal("1234567.50")
    assert parse_bool(first[4]) is True
    assert parse_decimal(second[3]) == Decimal("-12.5") and parse_bool(second[4]) is False
    assert parse_date(second[2]) is None
    assert parse_text(third[0]) == "=Gammel" and parse_decimal(third[3]) == 0


def test_template_without_rows():
    data = build_workbook([SheetData("Kontrakter", ["Navn", "Type"], choices={1: ["A", "B"]})])
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Kontrakter", LISTS_SHEET]
    assert workbook["Kontrakter"].max_row == 1


def test_sheet_titles_are_made_valid():
    data = build_workbook([SheetData("Kontrakter/aftaler: [alle] med et meget langt navn", ["A"])])
    (name,) = openpyxl.load_workbook(io.BytesIO(data)).sheetnames
    assert name == "Kontrakter-aftaler- -alle- med "


def test_large_export_streams():
    rows = ([f"System {number}", number, datetime.date(2027, 1, 1)] for number in range(20_000))
    data = build_workbook([SheetData("Data", ["Navn", "Nr", "Dato"], rows)])
    (sheet,) = read_workbook(data)
    assert len(sheet.rows) == 20_001 and sheet.rows[-1].values[1] == 19_999


def _issues(sheet_name: str, rows: list[int]):
    return [
        (sheet_name, rows[0], 2, "Ukendt leverandør »=evil«"),
        (sheet_name, rows[0], 2, "Og en fejl mere i samme celle"),
        (sheet_name, rows[-1], None, "Rækken mangler et navn"),
        (sheet_name, None, None, "Kolonnen »Farve« kendes ikke"),
        ("Findes ikke", 4, 1, "Arket findes ikke"),
    ]


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.xlsx")), ids=lambda path: path.name)
def test_mark_errors_on_os2kitos_files(path):
    data = path.read_bytes()
    sheet = read_workbook(data)[0]
    numbers = [row.number for row in sheet.rows]
    marked = mark_errors(data, _issues(sheet.name, numbers))
    workbook = openpyxl.load_workbook(io.BytesIO(marked))
    assert workbook.sheetnames[0] == ERRORS_SHEET
    cell = workbook[sheet.name].cell(row=numbers[0], column=2)
    assert cell.comment.text == "Ukendt leverandør »=evil«\nOg en fejl mere i samme celle"
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert workbook[sheet.name].cell(row=numbers[-1], column=1).comment.text.startswith(
        "Rækken mangler et navn"
    )
    errors = [[cell.value for cell in row] for row in workbook[ERRORS_SHEET].iter_rows()]
    assert errors[0] == ["Ark", "Række", "Kolonne", "Fejl"]
    assert errors[1] == [sheet.name, numbers[0], "B", "Ukendt leverandør »=evil«"]
    assert errors[4] == [sheet.name, None, None, "Kolonnen »Farve« kendes ikke"]
    assert errors[5] == ["Findes ikke", 4, "A", "Arket findes ikke"]
    link = workbook[ERRORS_SHEET]["A2"].hyperlink
    assert link.location == f"'{sheet.name}'!B{numbers[0]}"
    assert workbook[ERRORS_SHEET]["A6"].hyperlink is None
    assert "<f>" not in _sheet_xml(marked, 1)
    # The marked copy is still an upload the importer accepts, with the same data.
    again = {read.name: read for read in read_workbook(marked)}
    assert again[sheet.name].rows == sheet.rows


def test_marking_a_marked_copy_replaces_the_error_list():
    data = build_workbook([SheetData("Data", ["Navn"], [["a"], ["b"]])])
    once = mark_errors(data, [("Data", 2, 1, "første")])
    twice = mark_errors(once, [("Data", 3, 1, "anden")])
    workbook = openpyxl.load_workbook(io.BytesIO(twice))
    assert workbook.sheetnames == [ERRORS_SHEET, "Data"]
    assert workbook[ERRORS_SHEET].max_row == 2
    assert workbook["Data"]["A3"].comment.text == "anden"


def test_mark_errors_keeps_the_users_own_comment():
    workbook = openpyxl.Workbook()
    workbook.active.title = "Data"
    workbook.active["A2"] = "x"
    workbook.active["A2"].comment = openpyxl.comments.Comment("Min note", "Anne")
    buffer = io.BytesIO()
    workbook.save(buffer)
    marked = mark_errors(buffer.getvalue(), [("Data", 2, 1, "Fejl her")])
    comment = openpyxl.load_workbook(io.BytesIO(marked))["Data"]["A2"].comment
    assert comment.text == "Fejl her\n\nMin note"


def test_workbook_response():
    response = workbook_response(b"PK-data", "Kontrakter – Ærø/2027.xlsx")
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Kontrakter Aeroe2027.xlsx"')
    assert "filename*=UTF-8''Kontrakter%20%E2%80%93%20%C3%86r%C3%B82027.xlsx" in disposition
    assert response.content == b"PK-data"
    header_injection = workbook_response(b"", 'x"\r\nSet-Cookie: a=b')
    assert "\r" not in header_injection["Content-Disposition"]
    assert header_injection["Content-Disposition"].startswith(
        'attachment; filename="xSet-Cookie: a=b.xlsx"'
    )


def test_every_part_is_well_formed_and_styled():
    from xml.etree import ElementTree

    data = build_workbook(
        [SheetData("Data", ["=Navn", "Tid"], [["a", datetime.datetime(2027, 6, 1, 10, 30)],
                                              ["<&>\"'", datetime.datetime(2027, 6, 1)]],
                   choices={0: ["Ja", "Nej"]}, help_rows=[("=Navn", "-bemærk")]),
         SheetData("data", ["A"], [[Decimal("NaN")], [float("inf")], [12.5]])],
        help_title="+titel",
    )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        for name in archive.namelist():
            ElementTree.fromstring(archive.read(name))
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    # A second sheet of the same name (in any case) is numbered, as Excel does.
    assert workbook.sheetnames == ["Data", "data1", HELP_SHEET, LISTS_SHEET]
    sheet = workbook["Data"]
    header = sheet["A1"]
    assert header.value == "=Navn" and header.quotePrefix and header.font.bold
    assert header.fill.fgColor.rgb.endswith("DDE4EE")
    assert sheet["B2"].number_format == "dd-mm-yyyy hh:mm"
    assert sheet["B3"].number_format == "dd-mm-yyyy"  # midnight: a date
    assert sheet["A3"].value == "<&>\"'"
    assert [cell.value for cell in workbook["data1"]["A"]] == ["A", "NaN", "inf", 12.5]
    help_sheet = workbook[HELP_SHEET]
    assert help_sheet["A1"].value == "+titel" and help_sheet["A1"].quotePrefix
    assert help_sheet["A1"].font.bold and help_sheet["A1"].font.sz == 14
    assert help_sheet["A1"].alignment.wrap_text
    assert help_sheet.column_dimensions["B"].width == 80
    assert workbook.defined_names is not None
    assert workbook["Data"].auto_filter.ref == "A1:B3"
