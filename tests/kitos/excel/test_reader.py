"""The reader (python-calamine) gives what openpyxl gives, with real Excel row numbers."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from kitos.excel.reader import RawRow, read_workbook
from kitos.excel.safety import WorkbookRejected

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "kitos"


def _save(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _with_cached_formula_values(data: bytes, values: dict[str, str]) -> bytes:
    """openpyxl writes formulas without a cached result; Excel always stores one."""
    source = zipfile.ZipFile(io.BytesIO(data))
    target_buffer = io.BytesIO()
    with zipfile.ZipFile(target_buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                for ref, value in values.items():
                    text = re.sub(
                        rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)<v\s*/>',
                        rf"\1\2<v>{value}</v>",
                        text,
                    )
                content = text.encode()
            target.writestr(item, content)
    return target_buffer.getvalue()


def inventory_workbook() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Systemer"
    sheet["B2"] = "Systemoversigt for Testkommune"
    sheet.merge_cells("B2:F2")
    sheet["B4"], sheet["C4"], sheet["D4"], sheet["E4"], sheet["F4"], sheet["G4"] = (
        "Navn", "Udløb", "Beløb", "Aktiv", "Dobbelt", "Stk"
    )
    sheet["B5"] = "  ESDH  "
    sheet["C5"] = datetime.date(2027, 12, 31)
    sheet["D5"] = 1234.5
    sheet["E5"] = True
    sheet["F5"] = "=D5*2"
    sheet["G5"] = 3
    # Row 6 is blank; row 7 has a date and time, row 8 a bare serial without a date format.
    sheet["B7"] = "Løn"
    sheet["C7"] = datetime.datetime(2027, 1, 2, 3, 4, 5)
    sheet["D7"] = 0
    sheet["E7"] = False
    sheet["C8"] = 46752
    sheet["B9"] = ""  # an empty string is an empty cell
    sheet["Z40"].font = openpyxl.styles.Font(bold=True)  # formatted but empty tail
    hidden = workbook.create_sheet("Lister")
    hidden.sheet_state = "hidden"
    hidden["A1"] = "Rød"
    return _with_cached_formula_values(_save(workbook), {"F5": "2469"})


def test_values_row_numbers_and_merged_title():
    systems, lists = read_workbook(inventory_workbook())
    assert systems.name == "Systemer" and not systems.hidden
    assert systems.merged_ranges == [(2, 2, 2, 6)]
    assert systems.rows == [
        RawRow(2, [None, "Systemoversigt for Testkommune"]),
        RawRow(4, [None, "Navn", "Udløb", "Beløb", "Aktiv", "Dobbelt", "Stk"]),
        RawRow(5, [None, "  ESDH  ", datetime.date(2027, 12, 31), 1234.5, True, 2469, 3]),
        RawRow(7, [None, "Løn", datetime.datetime(2027, 1, 2, 3, 4, 5), 0, False]),
        RawRow(8, [None, None, 46752]),
    ]
    assert lists.hidden and lists.rows == [RawRow(1, ["Rød"])]


def test_data_starting_below_and_right():
    workbook = openpyxl.Workbook()
    workbook.active["D7"] = "x"
    workbook.active["E9"] = 1.25
    (sheet,) = read_workbook(_save(workbook))
    assert sheet.rows == [RawRow(7, [None, None, None, "x"]), RawRow(9, [None] * 4 + [1.25])]


def test_empty_workbook_has_a_sheet_without_rows():
    (sheet,) = read_workbook(_save(openpyxl.Workbook()))
    assert sheet.rows == [] and sheet.merged_ranges == []


def _openpyxl_rows(data: bytes, name: str) -> list[RawRow]:
    """The same rows as openpyxl reads them (date cells there are midnight datetimes)."""
    sheet = openpyxl.load_workbook(io.BytesIO(data), data_only=True)[name]
    rows = []
    for row in sheet.iter_rows():
        values = [None if cell.value == "" else cell.value for cell in row]
        values = [
            value.date() if isinstance(value, datetime.datetime) and cell.is_date
            and value.time() == datetime.time() else value
            for value, cell in zip(values, row, strict=True)
        ]
        while values and values[-1] is None:
            values.pop()
        if values:
            rows.append(RawRow(row[0].row, values))
    return rows


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.xlsx")), ids=lambda path: path.name)
def test_os2kitos_files_read_like_openpyxl(path):
    data = path.read_bytes()
    sheets = read_workbook(data)
    assert sheets
    for sheet in sheets:
        assert sheet.rows == _openpyxl_rows(data, sheet.name)


def test_our_test_workbook_reads_like_openpyxl():
    data = inventory_workbook()
    for sheet in read_workbook(data):
        expected = _openpyxl_rows(data, sheet.name)
        if sheet.name == "Systemer":
            # openpyxl knows no date-only type for a cell with a time of day.
            assert sheet.rows[3].values[2] == datetime.datetime(2027, 1, 2, 3, 4, 5)
        assert sheet.rows == expected


def test_error_cells_read_as_their_text_not_as_empty():
    """calamine reads #N/A as empty text; an import would then clear the field."""
    workbook = openpyxl.Workbook()
    workbook.active.title = "Kontrakter"
    buffer = io.BytesIO()
    workbook.save(buffer)
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Navn</t></is></c>'
        b'<c r="B1" t="inlineStr"><is><t>Pris</t></is></c></row>'
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>ESDH</t></is></c>'
        b'<c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'
        b"<row r=\"3\"><c r=\"AA3\" t='e'><v>#N/A</v></c></row>"
        b"</sheetData></worksheet>"
    )
    source = zipfile.ZipFile(buffer)
    target_buffer = io.BytesIO()
    with zipfile.ZipFile(target_buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            target.writestr(item, sheet if item.filename.endswith("sheet1.xml") else content)
    (read,) = read_workbook(target_buffer.getvalue())
    assert read.rows == [
        RawRow(1, ["Navn", "Pris"]),
        RawRow(2, ["ESDH", "#DIV/0!"]),
        RawRow(3, [None] * 26 + ["#N/A"]),
    ]


def test_row_limit():
    workbook = openpyxl.Workbook()
    workbook.active.append(["Navn"])
    for number in range(10):
        workbook.active.append([f"System {number}"])
    data = _save(workbook)
    assert len(read_workbook(data, max_rows=10)[0].rows) == 11
    with pytest.raises(WorkbookRejected, match="mere end 9 rækker"):
        read_workbook(data, max_rows=9)


def test_row_limit_setting(settings):
    settings.KITOS_IMPORT_MAX_ROWS = 2
    workbook = openpyxl.Workbook()
    for number in range(4):
        workbook.active.append([number])
    with pytest.raises(WorkbookRejected, match="mere end 2 rækker"):
        read_workbook(_save(workbook))


def test_unreadable_sheet_is_rejected_not_a_crash():
    data = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_save(openpyxl.Workbook()))) as source, \
            zipfile.ZipFile(data, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = b"<worksheet><sheetData><row><c r='A1'><v>1</broken>"
            target.writestr(item, content)
    with pytest.raises(WorkbookRejected, match="kunne ikke læses"):
        read_workbook(data.getvalue())
