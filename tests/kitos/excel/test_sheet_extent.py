"""A sheet's used rectangle is measured before any reader allocates it (issue #14, 1).

calamine allocates the whole rectangle from A1 to the last cell with content at once: a
1.5 KB workbook with ``A1`` and ``XFD1048576`` asked for 512 GB and aborted the process
(SIGABRT), killing the web server under eager tasks. These files are refused with a
Danish message naming the limit, and the reader is never called for them.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from kitos.excel import reader
from kitos.excel.reader import read_workbook
from kitos.excel.safety import WorkbookRejected, check_workbook, column_letters

from .test_safety import plain_workbook, repacked

MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def with_sheet(sheet_data: bytes, *, root: bytes = b"worksheet") -> bytes:
    sheet = b"<%s %s>%s</%s>" % (root, MAIN, sheet_data, root.split(b" ")[0])
    return repacked(plain_workbook(), replace={"xl/worksheets/sheet1.xml": sheet})


FAR_CORNER = with_sheet(
    b'<dimension ref="A1:XFD1048576"/><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>Navn</t></is></c></row>'
    b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
)


def test_a1_and_the_last_excel_cell_is_refused_naming_the_limit():
    assert len(FAR_CORNER) < 5000
    with pytest.raises(WorkbookRejected) as error:
        check_workbook(FAR_CORNER, filename="lille.xlsx")
    message = error.value.message
    assert "XFD1048576" in message
    assert "1.048.576 rækker × 16.384 kolonner" in message
    assert "10.000.000 celler" in message


def test_the_reader_is_never_reached(monkeypatch):
    def explode(*args, **kwargs):
        raise AssertionError("the reader must not see this file")

    monkeypatch.setattr(reader.python_calamine.CalamineWorkbook, "from_filelike", explode)
    with pytest.raises(WorkbookRejected, match="XFD1048576"):
        read_workbook(FAR_CORNER)


def test_the_process_survives_the_file():
    """Before the fix this child died of SIGABRT; now it prints the refusal."""
    script = textwrap.dedent(
        """
        import sys, django
        django.setup()
        from kitos.excel.reader import read_workbook
        from kitos.excel.safety import WorkbookRejected
        try:
            read_workbook(sys.stdin.buffer.read())
        except WorkbookRejected:
            print("refused")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], input=FAR_CORNER, capture_output=True, timeout=120,
        env={"DJANGO_SETTINGS_MODULE": "kitos.settings.test", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == b"refused"


def test_zz200000_variant_is_refused():
    """702 columns x 200,000 rows: 140 million cells, 4 GB in the reader."""
    data = with_sheet(
        b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
        b'<row r="200000"><c r="ZZ200000"><v>2</v></c></row></sheetData>'
    )
    with pytest.raises(WorkbookRejected, match="ZZ200000"):
        check_workbook(data, filename="import.xlsx")


def test_the_limit_is_a_setting(settings):
    data = with_sheet(
        b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
        b'<row r="100"><c r="J100"><v>2</v></c></row></sheetData>'
    )
    check_workbook(data, filename="import.xlsx")  # 1,000 cells
    settings.KITOS_IMPORT_MAX_CELLS = 999
    with pytest.raises(WorkbookRejected, match="999 celler"):
        check_workbook(data, filename="import.xlsx")


def test_formatted_empty_cells_far_out_are_fine():
    """Excel keeps styled empty cells (a border to the bottom of the sheet); the reader
    skips them, so they do not count."""
    data = with_sheet(
        b'<dimension ref="A1:XFD1048576"/><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>Navn</t></is></c></row>'
        b'<row r="1048576"><c r="XFD1048576" s="1"/><c r="XFC1048576" s="1"></c></row>'
        b"</sheetData>"
    )
    [sheet] = read_workbook(data)
    assert [row.values for row in sheet.rows] == [["Navn"]]


@pytest.mark.parametrize(
    "sheet_data",
    [
        # No r attributes: positions follow from the order of rows and cells.
        b'<sheetData><row r="1048576">' + b"<c/>" * 20 + b'<c r=""><v>1</v></c></row>'
        b"</sheetData>",
        b"<sheetData>" + b"<row>" * 1 + b"<c><v>1</v></c></row>"
        b'<row r="1048576"><c t="n"><v>1</v></c>' + b"<c/>" * 16 + b"<c><v>2</v></c></row>"
        b"</sheetData>",
        # Single quotes, lower-case letters, the r attribute last.
        b"<sheetData><row r='1'><c r='a1'><v>1</v></c></row>"
        b"<row r='1048576'><c t='n' r='xfd1048576'><v>1</v></c></row></sheetData>",
    ],
    ids=["without-references", "mixed", "single-quotes"],
)
def test_unusual_spellings_are_measured_by_a_real_parse(sheet_data, settings):
    settings.KITOS_IMPORT_MAX_CELLS = 1_000_000
    with pytest.raises(WorkbookRejected, match="1.048.576 rækker"):
        check_workbook(with_sheet(sheet_data), filename="import.xlsx")


def test_namespace_prefixes_are_measured_too():
    sheet = (
        b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>'
        b'<x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>'
        b"</x:sheetData></x:worksheet>"
    )
    data = repacked(plain_workbook(), replace={"xl/worksheets/sheet1.xml": sheet})
    with pytest.raises(WorkbookRejected, match="XFD1048576"):
        check_workbook(data, filename="import.xlsx")


def test_doctype_after_64_kb_of_padding_is_found():
    """The DOCTYPE scan used to stop at 64 KB."""
    padding = b"<!-- " + b"x" * 200_000 + b" -->"
    sheet = (
        b'<?xml version="1.0"?>' + padding + b'<!DOCTYPE worksheet [<!ENTITY a "b">]>'
        b"<worksheet " + MAIN + b"><sheetData/></worksheet>"
    )
    data = repacked(plain_workbook(), replace={"xl/worksheets/sheet1.xml": sheet})
    with pytest.raises(WorkbookRejected, match="DOCTYPE"):
        check_workbook(data, filename="import.xlsx")


def test_column_letters():
    assert [column_letters(n) for n in (1, 26, 27, 702, 703, 16384)] == [
        "A", "Z", "AA", "ZZ", "AAA", "XFD",
    ]
