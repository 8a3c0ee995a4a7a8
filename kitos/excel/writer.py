"""Write workbooks: exports and templates (:func:`build_workbook`, SpreadsheetML written
directly) and the marked copy of an upload (:func:`mark_errors`, openpyxl).

Export and import are two halves of one format: what :func:`build_workbook` writes,
:func:`kitos.excel.reader.read_workbook` and the parsers in :mod:`kitos.excel.values`
read back unchanged. User text is never written as a formula, whatever it starts with.
"""

from __future__ import annotations

import datetime
import io
import itertools
import math
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import quote

import openpyxl
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
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

    The sheets are written as SpreadsheetML text straight into the zip, rows streamed
    from ``sheet.rows`` (see "SpreadsheetML" below): memory stays flat for large exports,
    and nothing is built per cell but a short string.
    """
    book = _Book()
    list_columns: list[tuple[str, list[str]]] = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED,
                         compresslevel=COMPRESS_LEVEL) as archive:
        for index, sheet in enumerate(sheets):
            book.write(archive, sheet.title,
                       _data_sheet_xml(sheet, list_columns, book, selected=index == 0))
        if help_title or help_rows or any(sheet.help_rows for sheet in sheets):
            book.write(archive, HELP_SHEET, _help_sheet_xml(sheets, help_title, help_rows))
        if list_columns:
            book.write(archive, LISTS_SHEET, _lists_sheet_xml(list_columns), hidden=True)
        book.finish(archive)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\ .
    return re.sub(r"[\[\]:*?/\\]", "-", ILLEGAL_CHARACTERS_RE.sub("", title)).strip()[:31] or "Ark"


# -- SpreadsheetML ---------------------------------------------------------------------
#
# openpyxl's write-only mode builds an object per cell and looks each one's type up again
# (it was most of an export's time); here a sheet is a stream of short strings. Text is
# written as inline strings (t="inlineStr": never a formula, whatever it starts with);
# formula-like text also gets Excel's quote prefix style, so editing it keeps it text.
# kitos/excel/as_shown.py writes its reports with the same pieces.

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# Excel's limit on the characters of one cell.
MAX_CELL_TEXT = 32_767
# Excel's serial numbers count days from 1899-12-30 and are only right (and only shown
# as dates) from 1900-03-01 on; an earlier date is written as dd-mm-yyyy text.
EXCEL_EPOCH_ORDINAL = datetime.date(1899, 12, 30).toordinal()
FIRST_EXCEL_DATE = datetime.date(1900, 3, 1)
# zlib's fastest level: sheet XML is repetitive, level 1 already shrinks it ~8x.
COMPRESS_LEVEL = 1
# What XML 1.0 cannot hold (openpyxl's illegal characters, U+FFFE/U+FFFF, lone
# surrogates), and CR (XML reads it back as LF).
NEEDS_CLEANING = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\r\ufffe\uffff\ud800-\udfff]")
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# First characters that send a text the slow way: formula-like or leading whitespace.
SLOW_FIRST = frozenset(FORMULA_PREFIXES) | {" "}
_ROWS_PER_PIECE = 500


def cell_text(value: str) -> str:
    """``value`` as a cell can hold it: NFC, no XML-illegal characters, CR as LF, at
    most Excel's 32,767 characters."""
    if not value.isascii() and not unicodedata.is_normalized("NFC", value):
        value = unicodedata.normalize("NFC", value)
    if NEEDS_CLEANING.search(value):
        value = _ILLEGAL.sub("", value).replace("\r\n", "\n").replace("\r", "\n")
    if len(value) > MAX_CELL_TEXT:
        value = value[:MAX_CELL_TEXT]
    return value


def is_plain_text(value: str) -> bool:
    """Whether ``value`` (not empty) can be written as it is: nothing to clean, not
    formula-like, no whitespace at its ends (the common case, checked cheaply)."""
    return (
        value[0] not in SLOW_FIRST and value[-1] not in " \t\n" and len(value) <= MAX_CELL_TEXT
        and (value.isascii() or unicodedata.is_normalized("NFC", value))
        and not NEEDS_CLEANING.search(value)
    )


def escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def attribute(text: str) -> str:
    return escape(text).replace('"', "&quot;")


def danish_date(value: datetime.date) -> str:
    """dd-mm-yyyy, four-digit years also before year 1000 (strftime gives "1")."""
    return f"{value.day:02d}-{value.month:02d}-{value.year:04d}"


def text_cell(ref: str, value: str, style: int, literal_style: int) -> str:
    """An inline-string cell ("" for empty text); formula-like text gets
    ``literal_style`` (the quote prefix)."""
    value = cell_text(value)
    if not value:
        return ""
    if value.startswith(FORMULA_PREFIXES):
        style = literal_style
    space = ' xml:space="preserve"' if value[0] in " \t\n" or value[-1] in " \t\n" else ""
    styled = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{styled} t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>'


# Style ids of build_workbook (cellXfs below, in order). Every text style is followed by
# the same style with the quote prefix, for formula-like text.
_PLAIN, _DATE, _DATETIME, _HEADER, _BOLD, _WRAP, _WRAP_TITLE, _WRAP_SUBTITLE, _WRAP_BOLD = (
    0, 2, 3, 4, 6, 8, 10, 12, 14)


def xf(number_format=0, font=0, fill=0, *, wrap=False, quote=False) -> str:
    """One cell format (``<xf>``) of a stylesheet's cellXfs: number format, font and
    fill by index; ``wrap`` wraps text at the top, ``quote`` is Excel's quote prefix
    (text that looks like a formula stays text when edited)."""
    applied = (' applyNumberFormat="1"' if number_format else "") + (
        ' applyFont="1"' if font else "") + (' applyFill="1"' if fill else "") + (
        ' applyAlignment="1"' if wrap else "") + (' quotePrefix="1"' if quote else "")
    alignment = '><alignment vertical="top" wrapText="1"/></xf>' if wrap else "/>"
    return (f'<xf numFmtId="{number_format}" fontId="{font}" fillId="{fill}" borderId="0" '
            f'xfId="0"{applied}{alignment}')


_FONT = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
# The fonts a stylesheet can name, by what they are for; font 0 is always the plain one.
PLAIN_FONT = f"<font>{_FONT}</font>"
BOLD_FONT = f"<font><b/>{_FONT}</font>"
TITLE_FONT = '<font><b/><sz val="14"/><name val="Calibri"/><family val="2"/></font>'
SUBTITLE_FONT = '<font><b/><sz val="12"/><name val="Calibri"/><family val="2"/></font>'


def stylesheet(*, fonts: list[str], cell_formats: list[str]) -> str:
    """The xl/styles.xml of a streamed workbook: the two date formats (164 date, 165
    date and time), the given fonts, the header fill (fill 2) and the given cellXfs, whose
    order makes the style ids the cells use."""
    return (
        XML_DECLARATION + f'<styleSheet xmlns="{SHEET_NS}">'
        f'<numFmts count="2"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/>'
        f'<numFmt numFmtId="165" formatCode="{DATETIME_FORMAT}"/></numFmts>'
        f'<fonts count="{len(fonts)}">{"".join(fonts)}</fonts>'
        '<fills count="3"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill>'
        f'<fill><patternFill patternType="solid"><fgColor rgb="FF{HEADER_FILL.fgColor.rgb[-6:]}"/>'
        '<bgColor indexed="64"/></patternFill></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        f'</cellStyleXfs><cellXfs count="{len(cell_formats)}">{"".join(cell_formats)}'
        '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
        '</cellStyles></styleSheet>'
    )


def _text_styles(**style) -> list[str]:
    """A text style and, right after it, the same with the quote prefix."""
    return [xf(**style), xf(**style, quote=True)]


_STYLES = stylesheet(
    fonts=[PLAIN_FONT, BOLD_FONT, TITLE_FONT, SUBTITLE_FONT],
    cell_formats=[
        *_text_styles(),  # _PLAIN
        xf(164), xf(165),  # _DATE, _DATETIME
        *_text_styles(font=1, fill=2),  # _HEADER
        *_text_styles(font=1),  # _BOLD
        *_text_styles(wrap=True),  # _WRAP
        *_text_styles(font=2, wrap=True),  # _WRAP_TITLE
        *_text_styles(font=3, wrap=True),  # _WRAP_SUBTITLE
        *_text_styles(font=1, wrap=True),  # _WRAP_BOLD
    ],
)


def _cell(ref: str, value, style: int = _PLAIN) -> str:
    """One cell's XML ("" for no value): text, a number, a date or a date and time."""
    kind = type(value)
    if kind is str:
        return text_cell(ref, value, style, style + 1)
    if value is None:
        return ""
    if kind is int or kind is float or kind is Decimal:
        if kind is int:
            text = str(value)
        else:
            finite = value.is_finite() if kind is Decimal else math.isfinite(value)
            if not finite:
                return text_cell(ref, str(value), style, style + 1)
            text = repr(value) if kind is float else format(value, "f")
        return f'<c r="{ref}"><v>{text}</v></c>'
    if kind is datetime.date:
        if value < FIRST_EXCEL_DATE:
            return text_cell(ref, danish_date(value), style, style + 1)
        return f'<c r="{ref}" s="{_DATE}"><v>{value.toordinal() - EXCEL_EPOCH_ORDINAL}</v></c>'
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        day = value.date()
        if day < FIRST_EXCEL_DATE:
            return text_cell(ref, f"{danish_date(day)} {value:%H:%M}", style, style + 1)
        seconds = (value - datetime.datetime.combine(day, datetime.time())).total_seconds()
        if not seconds:
            return _cell(ref, day)
        serial = day.toordinal() - EXCEL_EPOCH_ORDINAL + seconds / 86400
        return f'<c r="{ref}" s="{_DATETIME}"><v>{serial!r}</v></c>'
    if isinstance(value, datetime.date):  # a subclass
        return _cell(ref, datetime.date(value.year, value.month, value.day))
    if isinstance(value, bool):
        return text_cell(ref, _("Ja") if value else _("Nej"), style, style + 1)
    if isinstance(value, int | float | Decimal):
        return _cell(ref, (int if isinstance(value, int) else float)(value))
    return text_cell(ref, str(value), style, style + 1)


def _letters(count: int) -> list[str]:
    return [get_column_letter(index + 1) for index in range(count)]


def _sheet_start(*, frozen: bool, selected: bool, widths: list[float]) -> str:
    pane = (
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>' if frozen else ""
    )
    columns = "".join(
        f'<col min="{index}" max="{index}" width="{width}" customWidth="1"/>'
        for index, width in enumerate(widths, start=1)
    )
    tab = ' tabSelected="1"' if selected else ""
    return (
        f'{XML_DECLARATION}<worksheet xmlns="{SHEET_NS}" xmlns:r="{RELATIONSHIP_NS}">'
        f'<sheetViews><sheetView{tab} workbookViewId="0">'
        f'{pane}</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
        + (f"<cols>{columns}</cols>" if columns else "")
        + "<sheetData>"
    )


def _data_sheet_xml(sheet: SheetData, list_columns: list, book: _Book, *,
                    selected: bool) -> Iterator[str]:
    """The sheet's XML in pieces, its rows streamed (the first rows are sampled to size
    the columns). Fills ``book.filter_range`` for the workbook's filter name."""
    rows = iter(sheet.rows)
    sample = [list(row) for row in itertools.islice(rows, WIDTH_SAMPLE_ROWS)]
    letters = _letters(max(len(sheet.headers), 1))
    yield (
        _sheet_start(frozen=True, selected=selected, widths=_column_widths(sheet, sample))
        + '<row r="1">'
        + "".join(_cell(f"{letter}1", header, _HEADER)
                  for letter, header in zip(letters, sheet.headers, strict=False))
        + "</row>"
    )
    pieces = []
    number = 1
    cell = _cell
    for row in itertools.chain(sample, rows):
        number += 1
        at = str(number)
        if len(row) > len(letters):
            letters = _letters(len(row))
        pieces.append(f'<row r="{at}">')
        for letter, value in zip(letters, row, strict=False):
            # Most cells are plain text or a date: those are written here without a call.
            kind = type(value)
            if kind is str:
                if value and is_plain_text(value):
                    pieces.append(f'<c r="{letter}{at}" t="inlineStr"><is><t>{escape(value)}'
                                  "</t></is></c>")
                    continue
            elif value is None:
                continue
            elif kind is datetime.date and value >= FIRST_EXCEL_DATE:
                pieces.append(f'<c r="{letter}{at}" s="{_DATE}"><v>'
                              f"{value.toordinal() - EXCEL_EPOCH_ORDINAL}</v></c>")
                continue
            pieces.append(cell(letter + at, value))
        pieces.append("</row>")
        if len(pieces) > _ROWS_PER_PIECE * 8:
            yield "".join(pieces)
            pieces.clear()
    last_column = get_column_letter(max(len(sheet.headers), 1))
    book.filter_range = f"A1:{last_column}{number}"
    pieces.append(f'</sheetData><autoFilter ref="{book.filter_range}"/>')
    validations = []
    for column_index, labels in sorted(sheet.choices.items()):
        if not labels:
            continue
        list_columns.append((sheet.headers[column_index], labels))
        list_column = get_column_letter(len(list_columns))
        letter = get_column_letter(column_index + 1)
        formula = (f"{quote_sheetname(LISTS_SHEET)}!${list_column}$2:"
                   f"${list_column}${len(labels) + 1}")
        validations.append(
            '<dataValidation type="list" errorStyle="warning" allowBlank="1" '
            f'showErrorMessage="1" errorTitle="{attribute(_("Ugyldig værdi"))}" '
            f'error="{attribute(_("Vælg en af værdierne på listen."))}" '
            f'sqref="{letter}2:{letter}{LAST_EXCEL_ROW}"><formula1>{escape(formula)}'
            "</formula1></dataValidation>"
        )
    if validations:
        pieces.append(f'<dataValidations count="{len(validations)}">{"".join(validations)}'
                      "</dataValidations>")
    pieces.append("</worksheet>")
    yield "".join(pieces)


def _lines_xml(lines: list[tuple[int, list]]) -> str:
    """Rows of (style, values); a row without values is left empty."""
    rows = []
    for number, (style, values) in enumerate(lines, start=1):
        cells = "".join(_cell(f"{letter}{number}", value, style)
                        for letter, value in zip("ABC", values, strict=False))
        if cells:
            rows.append(f'<row r="{number}">{cells}</row>')
    return "".join(rows)


def _help_sheet_xml(sheets, help_title, help_rows) -> Iterator[str]:
    lines: list[tuple[int, list]] = []
    if help_title:
        lines += [(_WRAP_TITLE, [help_title]), (_WRAP, [])]
    for label, text in help_rows or ():
        lines.append((_WRAP, [label, text]))
    for sheet in sheets:
        if not sheet.help_rows:
            continue
        lines.append((_WRAP, []))
        lines.append((_WRAP_SUBTITLE, [_("Ark: %(title)s") % {"title": sheet.title}]))
        lines.append((_WRAP_BOLD, [_("Kolonne"), _("Beskrivelse"), _("Tilladte værdier")]))
        allowed = {
            sheet.headers[index]: ", ".join(labels) for index, labels in sheet.choices.items()
        }
        for column, text in sheet.help_rows:
            lines.append((_WRAP, [column, text, allowed.get(column)]))
    yield (_sheet_start(frozen=False, selected=False, widths=[32, 80, 50])
           + _lines_xml(lines) + "</sheetData></worksheet>")


def _lists_sheet_xml(list_columns: list[tuple[str, list[str]]]) -> Iterator[str]:
    height = max(len(labels) for _header, labels in list_columns)
    lines = [(_BOLD, [header for header, _labels in list_columns])]
    lines += [
        (_PLAIN, [labels[index] if index < len(labels) else None
                  for _header, labels in list_columns])
        for index in range(height)
    ]
    letters = _letters(len(list_columns))
    rows = []
    for number, (style, values) in enumerate(lines, start=1):
        cells = "".join(_cell(f"{letter}{number}", value, style)
                        for letter, value in zip(letters, values, strict=True))
        rows.append(f'<row r="{number}">{cells}</row>')
    yield (_sheet_start(frozen=False, selected=False, widths=[])
           + "".join(rows) + "</sheetData></worksheet>")


class _Book:
    """The parts around the sheets: names, relationships, content types, filter names."""

    def __init__(self):
        self.titles: list[str] = []
        self.hidden: set[int] = set()
        self.filters: dict[int, str] = {}
        self.filter_range: str | None = None

    def write(self, archive: zipfile.ZipFile, title: str, xml: Iterator[str], *,
              hidden: bool = False) -> None:
        """Write the next sheet (its XML streamed into the zip) under a unique title."""
        title = _unique_title(_sheet_title(title), self.titles)
        index = len(self.titles)
        self.titles.append(title)
        if hidden:
            self.hidden.add(index)
        self.filter_range = None
        with archive.open(f"xl/worksheets/sheet{index + 1}.xml", "w") as part:
            for text in xml:
                part.write(text.encode("utf-8"))
        if self.filter_range:
            self.filters[index] = self.filter_range

    def finish(self, archive: zipfile.ZipFile) -> None:
        count = len(self.titles)
        sheet_type = "vnd.openxmlformats-officedocument.spreadsheetml"
        archive.writestr("[Content_Types].xml", (
            XML_DECLARATION
            + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="application/{sheet_type}'
            '.sheet.main+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{number}.xml" '
                      f'ContentType="application/{sheet_type}.worksheet+xml"/>'
                      for number in range(1, count + 1))
            + f'<Override PartName="/xl/styles.xml" ContentType="application/{sheet_type}'
            '.styles+xml"/></Types>'
        ))
        relationships = "http://schemas.openxmlformats.org/package/2006/relationships"
        document = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        archive.writestr("_rels/.rels", (
            f'{XML_DECLARATION}<Relationships xmlns="{relationships}"><Relationship Id="rId1" '
            f'Type="{document}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            f'{XML_DECLARATION}<Relationships xmlns="{relationships}">'
            + "".join(f'<Relationship Id="rId{number}" Type="{document}/worksheet" '
                      f'Target="worksheets/sheet{number}.xml"/>'
                      for number in range(1, count + 1))
            + f'<Relationship Id="rId{count + 1}" Type="{document}/styles" '
            'Target="styles.xml"/></Relationships>'
        ))
        archive.writestr("xl/styles.xml", _STYLES)
        sheets = "".join(
            f'<sheet name="{attribute(title)}" sheetId="{index + 1}"'
            + (' state="hidden"' if index in self.hidden else "")
            + f' r:id="rId{index + 1}"/>'
            for index, title in enumerate(self.titles)
        )
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" hidden="1">'
            f"{escape(quote_sheetname(self.titles[index]))}!{absolute_reference(ref)}"
            "</definedName>"
            for index, ref in sorted(self.filters.items())
        )
        archive.writestr("xl/workbook.xml", (
            f'{XML_DECLARATION}<workbook xmlns="{SHEET_NS}" xmlns:r="{RELATIONSHIP_NS}">'
            f'<bookViews><workbookView activeTab="0"/></bookViews><sheets>{sheets}</sheets>'
            + (f"<definedNames>{names}</definedNames>" if names else "")
            + "</workbook>"
        ))


def absolute_reference(reference: str) -> str:
    """``A1:F4`` -> ``$A$1:$F$4``."""
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", part) for part in reference.split(":"))


def _unique_title(title: str, taken: list[str]) -> str:
    """``title``, numbered when a sheet of that name (in any case) exists (as Excel)."""
    used = {name.casefold() for name in taken}
    if title.casefold() not in used:
        return title
    number = 1
    while f"{title[:31 - len(str(number))]}{number}".casefold() in used:
        number += 1
    return f"{title[:31 - len(str(number))]}{number}"


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
