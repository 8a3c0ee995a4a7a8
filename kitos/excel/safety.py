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

and the module constants below. A legitimate 100,000-row x 15-column workbook unpacks to
about 130 MB with a compression ratio around 8, so these limits leave a wide margin.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from io import BytesIO

from django.conf import settings
from django.template.defaultfilters import filesizeformat
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
# How much of each XML part is scanned for a DOCTYPE (Excel never writes one).
PROLOG_SCAN_BYTES = 64 * 1024

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
    except WorkbookRejected:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, struct.error, zlib.error, EOFError,
            OSError, ValueError, NotImplementedError, KeyError, RuntimeError):
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
    check gives the user a clear message and protects whatever parser comes next.
    """
    for member in members:
        if not member.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        with archive.open(member) as part:
            prolog = part.read(PROLOG_SCAN_BYTES)
        if DTD_MARKERS.search(prolog):
            raise WorkbookRejected(
                _(
                    "Filen indeholder XML-definitioner (DOCTYPE), som Excel aldrig skriver, "
                    "og kan ikke indlæses sikkert. Gem den igen som .xlsx i Excel."
                )
            )


def _read_small(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    if member.file_size > MAX_PACKAGE_PART_BYTES:
        raise WorkbookRejected(
            _bomb_message(_("delen %(name)s er for stor") % {"name": member.filename})
        )
    with archive.open(member) as part:
        return part.read(MAX_PACKAGE_PART_BYTES + 1)


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
