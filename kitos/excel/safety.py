"""Refuse hostile or unreadable uploads before any spreadsheet parser sees them.

An .xlsx file is a zip archive of XML parts. Everything here looks only at the zip
directory (sizes, names, flags) and at a few small, bounded parts, so a zip bomb, a macro
workbook, a legacy .xls or a CSV renamed to .xlsx is refused with a Danish message in
milliseconds and never reaches openpyxl or calamine.

Limits (settings read from the environment in ``kitos/settings/base.py``):

* ``KITOS_IMPORT_MAX_BYTES`` — the upload itself (default 20 MB).
* ``KITOS_IMPORT_MAX_UNPACKED_BYTES`` — all parts unpacked together (default 500 MB).
* ``KITOS_IMPORT_MAX_SHARED_STRINGS_BYTES`` — ``xl/sharedStrings.xml`` unpacked
  (default 200 MB).
* ``KITOS_IMPORT_MAX_CELLS`` — the rectangle from A1 to a sheet's last used cell
  (default 10 million cells). The reader allocates that whole rectangle at once: two
  cells, ``A1`` and ``XFD1048576``, in a 1.5 KB file would ask for 512 GB and abort the
  process, so the extent is read from the sheet XML before any reader sees it.

and the module constants below. A legitimate 100,000-row x 15-column workbook unpacks to
about 130 MB with a compression ratio around 8, so these limits leave a wide margin.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
import zlib
from io import BytesIO

from defusedxml import DefusedXmlException, ElementTree
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _

# A workbook is a handful of parts plus a few per sheet; 2,000 allows hundreds of sheets.
MAX_MEMBERS = 2000
# Spreadsheet XML compresses about 5-20x; deflate can reach ~1000x, which only bombs do.
# Small parts are exempt: a tiny file of repeated bytes is harmless whatever its ratio.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_FROM_BYTES = 1024 * 1024
# Parts read whole for the macro / external-link checks; Excel writes them in kilobytes.
MAX_PACKAGE_PART_BYTES = 5 * 1024 * 1024
INFLATE_CHUNK_BYTES = 1024 * 1024
# Bytes carried from one scanned chunk to the next, so a DOCTYPE split across two
# chunks is still found (the longest marker is 16 bytes in UTF-16).
DTD_SCAN_OVERLAP = 32

OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
# The end of the relationship type URI, transitional and strict OOXML alike (a hyperlink
# whose address merely contains "externalLink" is not one).
EXTERNAL_LINK_TYPE = b"relationships/externallink"
MACRO_CONTENT_TYPES = (b"macroenabled", b"vbaproject", b"ms-office.vbaproject")
DTD_MARKERS = re.compile(rb"<!DOCTYPE|<!ENTITY|<\x00!\x00D\x00O\x00C\x00T\x00Y\x00P\x00E", re.I)


class WorkbookRejected(Exception):
    """The upload cannot be read safely; ``message`` is shown to the user as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


def check_workbook(data: bytes, *, filename: str) -> None:
    """Raise :class:`WorkbookRejected` unless ``data`` looks like a plain, safe .xlsx."""
    _check_size(data)
    _check_signature(data, filename)
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            members = archive.infolist()
            _check_directory(members)
            names = {member.filename.lower(): member for member in members}
            if len(names) != len(members):
                # Two parts of one name: parsers might disagree on which one counts.
                raise WorkbookRejected(_not_xlsx_message())
            _check_package(archive, names, filename)
            _check_declared_sizes(data, members)
            _check_xml_prologs(archive, members)
            _check_sheet_extents(archive)
    except WorkbookRejected:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, struct.error, zlib.error, EOFError,
            OSError, ValueError, NotImplementedError, KeyError, RuntimeError,
            ElementTree.ParseError, DefusedXmlException):
        # A damaged or exotic archive is bad input, never a server error.
        raise WorkbookRejected(_not_xlsx_message()) from None


def _check_size(data: bytes) -> None:
    if not data:
        raise WorkbookRejected(_("Filen er tom."))
    limit = settings.KITOS_IMPORT_MAX_BYTES
    if len(data) > limit:
        raise WorkbookRejected(
            _("Filen er for stor (%(size)s). Den største fil, der kan indlæses, er %(limit)s.")
            % {"size": filesizeformat(len(data)), "limit": filesizeformat(limit)}
        )


def _check_signature(data: bytes, filename: str) -> None:
    if data.startswith(OLE_SIGNATURE):
        raise WorkbookRejected(
            _(
                "Filen er en gammel Excel-fil (.xls) eller er beskyttet med adgangskode. "
                "Åbn den i Excel, fjern en eventuel adgangskode, og gem den som "
                "Excel-projektmappe (.xlsx)."
            )
        )
    if not data.startswith(ZIP_SIGNATURES):
        raise WorkbookRejected(_not_xlsx_message(data))
    if filename.lower().endswith((".xlsm", ".xltm", ".xlsb", ".xlam")):
        raise WorkbookRejected(_macro_message())


def _check_directory(members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_MEMBERS:
        raise WorkbookRejected(
            _bomb_message(_("den har %(count)s dele") % {"count": len(members)})
        )
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise WorkbookRejected(
                _("Filen er krypteret. Fjern adgangskoden i Excel, og gem den igen.")
            )
        total += member.file_size
        if (
            member.file_size > RATIO_CHECKED_FROM_BYTES
            and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
        ):
            raise WorkbookRejected(
                _bomb_message(_("delen %(name)s er pakket usædvanligt hårdt")
                              % {"name": member.filename})
            )
    if total > settings.KITOS_IMPORT_MAX_UNPACKED_BYTES:
        raise WorkbookRejected(
            _bomb_message(
                _("den fylder %(size)s udpakket; højst %(limit)s er tilladt")
                % {
                    "size": filesizeformat(total),
                    "limit": filesizeformat(settings.KITOS_IMPORT_MAX_UNPACKED_BYTES),
                }
            )
        )


def _check_package(archive: zipfile.ZipFile, names: dict, filename: str) -> None:
    if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
        raise WorkbookRejected(_not_xlsx_message())
    if any(name.endswith("vbaproject.bin") for name in names):
        raise WorkbookRejected(_macro_message())
    content_types = _read_small(archive, names["[content_types].xml"]).lower()
    if any(marker in content_types for marker in MACRO_CONTENT_TYPES):
        raise WorkbookRejected(_macro_message())
    if any(name.startswith("xl/externallinks/") for name in names):
        raise WorkbookRejected(_external_link_message())
    for name, member in names.items():
        if name.endswith(".rels") and EXTERNAL_LINK_TYPE in _read_small(archive, member).lower():
            raise WorkbookRejected(_external_link_message())
    shared_strings = names.get("xl/sharedstrings.xml")
    limit = settings.KITOS_IMPORT_MAX_SHARED_STRINGS_BYTES
    if shared_strings is not None and shared_strings.file_size > limit:
        raise WorkbookRejected(
            _bomb_message(
                _("tekstlisten fylder %(size)s udpakket; højst %(limit)s er tilladt")
                % {"size": filesizeformat(shared_strings.file_size),
                   "limit": filesizeformat(limit)}
            )
        )


def _check_declared_sizes(data: bytes, members: list[zipfile.ZipInfo]) -> None:
    """Every part unpacks to exactly the size the directory declares.

    The limits above trust the declared sizes, and calamine's zip reader does not stop at
    them, so a part that lies about its size would be a bomb that passes. Inflating
    everything once here (zlib, in bounded chunks) costs about a second per 300 MB.
    """
    view = memoryview(data)
    for member in members:
        if member.compress_type == zipfile.ZIP_STORED:
            if member.compress_size != member.file_size:
                raise WorkbookRejected(_not_xlsx_message())
            continue
        if member.compress_type != zipfile.ZIP_DEFLATED:
            # Excel only ever deflates; other methods are exotic tools or tricks.
            raise WorkbookRejected(_not_xlsx_message())
        header = data[member.header_offset:member.header_offset + 30]
        if len(header) < 30 or not header.startswith(b"PK\x03\x04"):
            raise WorkbookRejected(_not_xlsx_message())
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        start = member.header_offset + 30 + name_length + extra_length
        pending = view[start:start + member.compress_size]
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        produced = 0
        while pending:
            produced += len(inflater.decompress(pending, INFLATE_CHUNK_BYTES))
            pending = inflater.unconsumed_tail
            if produced > member.file_size:
                break
        if produced <= member.file_size:
            produced += len(inflater.flush(member.file_size - produced + 1))
        if produced != member.file_size:
            raise WorkbookRejected(
                _bomb_message(
                    _("delen %(name)s har ikke den størrelse udpakket, som filen oplyser")
                    % {"name": member.filename}
                )
            )


def _check_xml_prologs(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    """No DOCTYPE anywhere: Excel never writes one, and entity bombs need one.

    defusedxml (used by openpyxl) and calamine's XML reader refuse entities as well; this
    check gives the user a clear message and protects whatever parser comes next. Every
    XML part is scanned to its end (a DOCTYPE placed after 64 KB of padding is still a
    DOCTYPE), in bounded chunks: about 0.15 s for a 100,000-row sheet.
    """
    for member in members:
        if not member.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        if _has_dtd(archive, member):
            raise WorkbookRejected(
                _(
                    "Filen indeholder XML-definitioner (DOCTYPE), som Excel aldrig skriver, "
                    "og kan ikke indlæses sikkert. Gem den igen som .xlsx i Excel."
                )
            )


# Cell and row references as Excel, LibreOffice and openpyxl write them (``r`` first, in
# double quotes). A sheet written any other way is measured by a real XML parse instead.
_CELL_COLUMNS = re.compile(rb'<c r="([A-Za-z]+)')
_CELL_ROWS = re.compile(rb'<c r="[A-Za-z]+(\d+)"')
_ROW_NUMBERS = re.compile(rb'<row r="(\d+)"')
_UNREFERENCED_TAG = re.compile(rb'<(?:c|row)(?=[ >]|/>)(?! r=")')
_CELL_WITH_REFERENCE = re.compile(rb'<c r="([A-Za-z]+)(\d+)"[^>]*?(/?)>(</c>)?')


def _check_sheet_extents(archive: zipfile.ZipFile) -> None:
    """Refuse a sheet whose used rectangle (A1 to its last cell) exceeds the limit."""
    limit = settings.KITOS_IMPORT_MAX_CELLS
    for name, path in sheet_parts(archive).items():
        try:
            member = archive.getinfo(path)
        except KeyError:
            continue
        with archive.open(member) as part:
            xml = part.read()
        try:
            rows, columns = _sheet_extent(xml)
            if rows * columns <= limit:
                continue
            # Excel keeps formatted empty cells (<c r="A1048576" s="3"/>), which the
            # reader skips: only cells with content decide before the file is refused.
            rows, columns = _sheet_extent(xml, content_only=True)
        except (ElementTree.ParseError, ValueError):
            raise WorkbookRejected(unreadable_message()) from None
        if rows * columns > limit:
            raise WorkbookRejected(
                _(
                    "Arket »%(sheet)s« bruger celler helt ud til %(cell)s (%(rows)s rækker × "
                    "%(columns)s kolonner). Et ark kan højst fylde %(limit)s celler fra A1 "
                    "til den sidste udfyldte celle. Slet de tomme rækker og kolonner efter "
                    "dine data i Excel (eller flyt det, der står langt ude), og gem filen igen."
                )
                % {
                    "sheet": name,
                    "cell": f"{column_letters(columns)}{rows}",
                    "rows": number_format(rows, force_grouping=True),
                    "columns": number_format(columns, force_grouping=True),
                    "limit": number_format(limit, force_grouping=True),
                }
            )


def _sheet_extent(xml: bytes, *, content_only: bool = False) -> tuple[int, int]:
    """(last row, last column) a reader will allocate for, 1-based.

    The common case is measured with a few regular-expression passes (about a third of
    the reader's own time); anything unusual (namespace prefixes, cells without an ``r``
    reference, other quoting) and ``content_only`` go through the exact XML parse.
    """
    if content_only or not _written_plainly(xml):
        return _parsed_extent(xml)
    # Each found reference repeats (a column on every row, a row in every cell): the
    # set, built in C, leaves the few distinct ones for the Python calls.
    columns = {letters.upper() for letters in set(_CELL_COLUMNS.findall(xml))}
    last_column = max((column_number(letters) for letters in columns), default=0)
    last_row = max(map(int, set(_CELL_ROWS.findall(xml))), default=0)
    return last_row, last_column


def _written_plainly(xml: bytes) -> bool:
    """Every cell and row carries its reference in the form the regexes read."""
    if b"<sheetData" not in xml:
        return False
    # A cell or row tag ("<c ", "<c>", "<c/>", the same for "<row") without the reference
    # right after its name: one pass, where counting each form took eight.
    return _UNREFERENCED_TAG.search(xml) is None


def _parsed_extent(xml: bytes) -> tuple[int, int]:
    """The exact extent of the cells with content, by a streaming XML parse."""
    last_row = last_column = 0
    row = column = 0
    has_content = False
    for event, element in ElementTree.iterparse(BytesIO(xml), events=("start", "end")):
        tag = element.tag.rsplit("}", 1)[-1]
        if event == "start":
            if tag == "row":
                reference = element.get("r")
                row = int(reference) if reference and reference.strip().isdigit() else row + 1
                column = 0
            elif tag == "c":
                reference = (element.get("r") or "").strip()
                letters = reference.rstrip("0123456789")
                digits = reference[len(letters):]
                column = column_number(letters.upper().encode()) if letters else column + 1
                if digits:
                    row = int(digits)
                has_content = False
            elif tag in ("v", "is", "f"):
                has_content = True
        elif tag == "c":
            if has_content:
                last_row, last_column = max(last_row, row), max(last_column, column)
            element.clear()
        elif tag == "row":
            element.clear()
    return last_row, last_column


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> path of its XML part, from workbook.xml and its relationships."""
    targets = {
        relation.get("Id"): relation.get("Target", "")
        for relation in ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    }
    parts = {}
    for element in ElementTree.fromstring(archive.read("xl/workbook.xml")).iter():
        if not element.tag.endswith("}sheet"):
            continue
        relation_id = next(
            (value for key, value in element.attrib.items() if key.endswith("}id")), None
        )
        target = targets.get(relation_id, "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        parts[element.get("name")] = posixpath.normpath(path)
    return parts


def column_number(letters: bytes) -> int:
    """``b"A"`` -> 1, ``b"XFD"`` -> 16384."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def column_letters(number: int) -> str:
    """1 -> ``"A"``, 16384 -> ``"XFD"``."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters or "A"


def _has_dtd(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    tail = b""
    with archive.open(member) as part:
        while chunk := part.read(INFLATE_CHUNK_BYTES):
            window = tail + chunk
            if DTD_MARKERS.search(window):
                return True
            tail = window[-DTD_SCAN_OVERLAP:]
    return False


def _read_small(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    if member.file_size > MAX_PACKAGE_PART_BYTES:
        raise WorkbookRejected(
            _bomb_message(_("delen %(name)s er for stor") % {"name": member.filename})
        )
    with archive.open(member) as part:
        return part.read(MAX_PACKAGE_PART_BYTES + 1)


def unreadable_message() -> str:
    return _(
        "Filen kunne ikke læses som en Excel-projektmappe. Åbn den i Excel, gem den som "
        "Excel-projektmappe (.xlsx), og prøv igen."
    )


def _not_xlsx_message(data: bytes = b"") -> str:
    head = data[:1024].lstrip().lower()
    if head.startswith(b"%pdf"):
        found = _("Filen er en PDF-fil.")
    elif head.startswith((b"<html", b"<!doctype html", b"<?xml")):
        found = _("Filen er en HTML- eller XML-fil.")
    elif data and (b";" in head or b"," in head or b"\t" in head) and b"\x00" not in head:
        found = _("Filen ligner en CSV- eller tekstfil.")
    else:
        found = _("Filen er ikke en Excel-projektmappe (.xlsx).")
    hint = _("Åbn den i Excel, og gem den som Excel-projektmappe (.xlsx).")
    return f"{found} {hint}"


def _macro_message() -> str:
    return _(
        "Filen indeholder makroer (.xlsm). Af sikkerhedshensyn indlæses kun almindelige "
        "Excel-projektmapper: gem filen som .xlsx uden makroer, og prøv igen."
    )


def _external_link_message() -> str:
    return _(
        "Filen har eksterne links til andre projektmapper. Fjern dem i Excel (Data > "
        "Rediger links > Bryd link), gem filen, og prøv igen."
    )


def _bomb_message(reason: str) -> str:
    return _(
        "Filen er usædvanligt opbygget og kan ikke indlæses sikkert: %(reason)s. Gem den "
        "igen som .xlsx i Excel, eller del den op i flere filer."
    ) % {"reason": reason}
