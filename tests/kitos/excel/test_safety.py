"""Hostile and wrong uploads are refused with a Danish message before any parsing."""

from __future__ import annotations

import io
import random
import time
import zipfile

import openpyxl
import pytest

from kitos.excel import safety
from kitos.excel.reader import read_workbook
from kitos.excel.safety import WorkbookRejected, check_workbook


def plain_workbook() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["Navn", "Leverandør"])
    workbook.active.append(["ESDH", "Leverandør A/S"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def repacked(
    data: bytes,
    *,
    add: dict[str, bytes] | None = None,
    replace: dict[str, bytes] | None = None,
) -> bytes:
    """``data`` with parts replaced or added (a hand-made hostile workbook)."""
    replace = replace or {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, replace.get(item.filename, source.read(item)))
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return buffer.getvalue()


def rejected(data: bytes, filename: str = "import.xlsx") -> str:
    with pytest.raises(WorkbookRejected) as error:
        check_workbook(data, filename=filename)
    assert str(error.value) == error.value.message
    return error.value.message


def test_plain_workbook_passes():
    check_workbook(plain_workbook(), filename="import.xlsx")


def test_oversize(settings):
    settings.KITOS_IMPORT_MAX_BYTES = 1000
    assert "Filen er for stor" in rejected(plain_workbook())


def test_default_size_limit_is_20_mb(settings):
    assert settings.KITOS_IMPORT_MAX_BYTES == 20 * 1024 * 1024


def test_empty_file():
    assert rejected(b"") == "Filen er tom."


def test_legacy_xls_and_encrypted_xlsx_are_ole_files():
    message = rejected(safety.OLE_SIGNATURE + bytes(4000), "gammel.xls")
    assert "gammel Excel-fil (.xls)" in message and "adgangskode" in message


def test_csv_renamed_to_xlsx():
    message = rejected("Navn;Leverandør\nESDH;Leverandør A/S\n".encode(), "data.xlsx")
    assert message.startswith("Filen ligner en CSV- eller tekstfil.")
    assert "gem den som Excel-projektmappe (.xlsx)" in message


def test_pdf():
    assert rejected(b"%PDF-1.7\n%...").startswith("Filen er en PDF-fil.")


def test_random_bytes():
    noise = b"\x00" + random.Random(4).randbytes(5000)
    assert rejected(noise).startswith("Filen er ikke en Excel-projektmappe (.xlsx).")


def test_truncated_zip():
    assert "Excel-projektmappe" in rejected(plain_workbook()[:2000])


def test_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    assert "ikke en Excel-projektmappe" in rejected(buffer.getvalue(), "brev.xlsx")


def test_xlsm_by_name():
    assert "makroer (.xlsm)" in rejected(plain_workbook(), "makro.xlsm")


def test_vba_project_member():
    data = repacked(plain_workbook(), add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + bytes(100)})
    assert "makroer (.xlsm)" in rejected(data)


def test_macro_content_type():
    data = plain_workbook()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml")
    types = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    assert "makroer" in rejected(repacked(data, replace={"[Content_Types].xml": types}))


def test_external_link_member():
    data = repacked(
        plain_workbook(), add={"xl/externalLinks/externalLink1.xml": b"<externalLink/>"}
    )
    assert "eksterne links" in rejected(data)


def test_external_link_relationship():
    data = plain_workbook()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        rels = archive.read("xl/_rels/workbook.xml.rels")
    rels = rels.replace(
        b"</Relationships>",
        b'<Relationship Id="rId99" Target="https://evil.example/x.xlsx" TargetMode="External" '
        b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'externalLink"/></Relationships>',
    )
    data = repacked(data, replace={"xl/_rels/workbook.xml.rels": rels})
    assert "eksterne links" in rejected(data)


def test_ordinary_hyperlinks_are_fine():
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Leverandørens side"
    workbook.active["A1"].hyperlink = "https://leverandor.example/docs/externalLink.html"
    buffer = io.BytesIO()
    workbook.save(buffer)
    check_workbook(buffer.getvalue(), filename="links.xlsx")


def test_too_many_members():
    parts = {f"xl/media/image{number}.png": b"x" for number in range(safety.MAX_MEMBERS)}
    assert "dele" in rejected(repacked(plain_workbook(), add=parts))


def test_member_with_bomb_compression_ratio():
    data = repacked(plain_workbook(), add={"xl/media/image1.png": bytes(20 * 1024 * 1024)})
    assert "pakket usædvanligt hårdt" in rejected(data)


def test_total_unpacked_size(settings):
    settings.KITOS_IMPORT_MAX_UNPACKED_BYTES = 50_000
    data = repacked(plain_workbook(), add={"xl/media/image1.png": random.randbytes(60_000)})
    assert "udpakket" in rejected(data)


def test_huge_shared_strings(settings):
    settings.KITOS_IMPORT_MAX_SHARED_STRINGS_BYTES = 10_000
    strings = b"<sst>" + b"".join(
        b"<si><t>%d</t></si>" % number for number in range(2000)
    ) + b"</sst>"
    data = repacked(plain_workbook(), add={"xl/sharedStrings.xml": strings})
    assert "tekstlisten" in rejected(data)


def test_encrypted_member():
    data = bytearray(plain_workbook())
    # Set the "encrypted" bit in every local and central header of the archive.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            data[start + offset] |= 0x1
            start += 4
    assert "krypteret" in rejected(bytes(data))


BILLION_LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<!DOCTYPE sst [\n'
    b'<!ENTITY lol "lol">\n'
    + b"".join(
        b'<!ENTITY lol%d "%s">\n' % (level, b"".join([b"&lol%d;" % (level - 1)] * 10))
        for level in range(1, 10)
    ).replace(b"&lol0;", b"&lol;")
    + b']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<si><t>&xxe;</t></si></sst>"
)


def workbook_with_shared_strings(shared_strings: bytes, sheet: bytes | None = None) -> bytes:
    """A one-sheet workbook whose text lives in ``shared_strings``, as Excel stores it."""
    workbook = openpyxl.Workbook()
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    sheet = sheet or (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'
    )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    types = types.replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    rels = rels.replace(
        b"</Relationships>",
        b'<Relationship Id="rId98" Target="sharedStrings.xml" Type="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
        b"</Relationships>",
    )
    return repacked(
        data,
        replace={
            "[Content_Types].xml": types,
            "xl/_rels/workbook.xml.rels": rels,
            "xl/worksheets/sheet1.xml": sheet,
        },
        add={"xl/sharedStrings.xml": shared_strings},
    )


@pytest.mark.parametrize("shared_strings", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["bomb", "xxe"])
def test_xml_entities_are_refused_by_read_workbook(shared_strings):
    data = workbook_with_shared_strings(shared_strings)
    began = time.perf_counter()
    with pytest.raises(WorkbookRejected, match="DOCTYPE"):
        read_workbook(data)
    assert time.perf_counter() - began < 2


def test_parsers_refuse_entities_too():
    """Behind the DOCTYPE check: openpyxl parses through defusedxml and calamine does not
    expand entities, so neither expands the bomb even if a file slipped through."""
    import defusedxml
    import python_calamine
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML
    data = workbook_with_shared_strings(BILLION_LAUGHS)
    with pytest.raises(ValueError) as error:  # openpyxl wraps the parser's refusal
        openpyxl.load_workbook(io.BytesIO(data))
    assert isinstance(error.value.__context__, defusedxml.DefusedXmlException)
    began = time.perf_counter()
    try:
        sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        values = sheet.get_sheet_by_index(0).to_python()
    except python_calamine.CalamineError:
        values = []
    assert "lollollol" not in str(values)
    assert time.perf_counter() - began < 2


def test_realistic_large_workbook_passes():
    """100,000 rows x 15 columns of mostly unique text, as Excel stores it (shared
    strings), is well inside every limit."""
    columns = "ABCDEFGHIJKLMNO"
    row_template = (
        '<row r="{n}">'
        + "".join(f'<c r="{column}{{n}}" t="s"><v>{{s{index}}}</v></c>'
                  for index, column in enumerate(columns[:10]))
        + "".join(f'<c r="{column}{{n}}"><v>{{amount}}</v></c>' for column in columns[10:])
        + "</row>"
    )
    rows = [
        row_template.format(
            n=number,
            amount=number * 7.25,
            **{f"s{index}": number * 10 + index for index in range(10)},
        )
        for number in range(1, 100_001)
    ]
    strings = [
        f"{column} tekst for række {number} med lidt ekstra indhold"
        for number in range(1, 100_001)
        for column in columns[:10]
    ]
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<sheetData>{"".join(rows)}</sheetData></worksheet>'
    ).encode()
    shared = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + "".join(f"<si><t>{text}</t></si>" for text in strings)
        + "</sst>"
    ).encode()
    data = workbook_with_shared_strings(shared, sheet)
    assert len(data) < 20 * 1024 * 1024
    check_workbook(data, filename="stor.xlsx")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
    print(
        f"{len(data) / 1e6:.1f} MB packed, "
        f"{sum(member.file_size for member in members) / 1e6:.1f} MB unpacked, highest ratio "
        f"{max(member.file_size / max(member.compress_size, 1) for member in members):.1f}"
    )


def _declare_size(data: bytes, name: bytes, size: int) -> bytes:
    """``data`` with the uncompressed size of part ``name`` changed in both zip headers."""
    patched = bytearray(data)
    for signature, size_offset, name_offset in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while (start := patched.find(signature, start)) >= 0:
            if patched[start + name_offset:start + name_offset + len(name)] == name:
                patched[start + size_offset:start + size_offset + 4] = size.to_bytes(4, "little")
            start += 4
    return bytes(patched)


def test_part_that_lies_about_its_size():
    """A part declaring 100 kB that inflates to 5 MB passes every directory check; only
    inflating it shows the lie (calamine's zip reader would not stop at 100 kB)."""
    data = repacked(plain_workbook(), add={"xl/media/image1.png": bytes(5 * 1024 * 1024)})
    data = _declare_size(data, b"xl/media/image1.png", 100_000)
    assert "har ikke den størrelse udpakket, som filen oplyser" in rejected(data)
    shorter = _declare_size(
        repacked(plain_workbook(), add={"xl/media/image1.png": bytes(1000)}),
        b"xl/media/image1.png",
        2000,
    )
    assert "har ikke den størrelse udpakket" in rejected(shorter)


def test_duplicate_part_names():
    with pytest.warns(UserWarning, match="Duplicate name"):
        data = repacked(plain_workbook(), add={"xl/workbook.xml": b"<workbook/>"})
    assert "ikke en Excel-projektmappe" in rejected(data)
