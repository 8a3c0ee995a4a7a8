"""Turn the raw value of one spreadsheet cell into the value a model field wants.

Every parser takes what the reader gives (str, int, float, bool, date, datetime or None)
and returns a clean value or raises :class:`CellError` with a Danish message that says
what was expected and what was found. Empty cells give ``None`` (or ``""`` for the text
parsers); whether a value is required is the caller's business.

Rules worth knowing (they are also in the import help text):

* Dates: real Excel dates; Excel serial numbers (1900 date system, 1950-2199); ``yyyymmdd``
  as an 8-digit number; text ``31-12-2027``, ``31.12.2027``, ``31/12/2027``, ``2027-12-31``
  (also with a time), ``31. dec. 2027``, ``31. december 2027`` (Danish or English month
  names). Day comes before month. A two-digit year follows Excel: 00-29 is 2000-2029,
  30-99 is 1930-1999 (``31-12-27`` is 31 December 2027).
* Amounts: numbers; Danish ``1.234.567,50`` and ``1234567,5``; English ``1,234,567.50``
  and ``1234567.50``; spaces as thousands separators; ``kr.``, ``kr``, ``DKK`` and a
  trailing ``,-`` are ignored; negative with ``-`` or in parentheses. When both ``.`` and
  ``,`` occur, the last one is the decimal separator. A single separator followed by
  exactly three digits is a thousands separator (``1.234`` and ``1,234`` are 1234, never
  1.234); otherwise a single separator is the decimal separator (``12,5`` and ``12.5``).
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import translation
from django.utils.translation import gettext as _

from kitos.dates import EARLIEST_DATE, LATEST_DATE, date_range_message, is_sane


class CellError(ValueError):
    """A cell value that cannot be used; ``message`` is Danish and shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


# --- headers -----------------------------------------------------------------------------

_HEADER_MARKERS = re.compile(
    r"\((?:påkrævet|paakraevet|skal udfyldes|obligatorisk|krævet|required|mandatory|"
    r"valgfri|valgfrit|frivillig|optional)\)",
    re.IGNORECASE,
)
_WHITESPACE = re.compile(r"\s+")


def normalise_header(text) -> str:
    """The form of a header cell used to match it against synonym lists.

    ``" Kontrakt-\\nnavn (påkrævet) * :"`` and ``"kontrakt- navn"`` normalise the same.
    """
    if text is None:
        return ""
    text = unicodedata.normalize("NFC", str(text)).lower()
    text = _HEADER_MARKERS.sub(" ", text)
    text = text.replace("*", " ")
    text = _WHITESPACE.sub(" ", text).strip()
    return text.rstrip(":;.?!").strip().strip("\"'`´").strip()


# --- text --------------------------------------------------------------------------------


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# What Excel shows for a formula that failed (the reader gives error cells as this text).
EXCEL_ERRORS = frozenset({
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
    "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
})


def refuse_excel_error(value) -> None:
    """Raise :class:`CellError` when ``value`` is a formula error such as ``#N/A``.

    Every typed parser calls this; :func:`parse_text` does not (it also reads headers and
    free text, where "#N/A" may be meant), so callers of it decide.
    """
    if isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS:
        raise CellError(
            _("Cellen viser en formelfejl (%(error)s). Ret formlen eller skriv værdien ind.")
            % {"error": value.strip()}
        )


def _shown(value) -> str:
    """The value as the user typed it, for error messages (kept short)."""
    text = _number_text(value) if isinstance(value, float) else str(value)
    text = text.strip()
    return text if len(text) <= 60 else text[:57] + "..."


def _number_text(value: float) -> str:
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def parse_text(value, *, max_length: int | None = None) -> str:
    """Text with surrounding whitespace removed; a number typed in Excel (12345.0) becomes
    ``"12345"``; an empty cell is ``""``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = _("Ja") if value else _("Nej")
    elif isinstance(value, float):
        text = _number_text(value)
    elif isinstance(value, datetime.datetime):
        text = value.strftime("%d-%m-%Y %H:%M") if value.time() else value.strftime("%d-%m-%Y")
    elif isinstance(value, datetime.date):
        text = value.strftime("%d-%m-%Y")
    else:
        text = str(value)
    text = text.strip()
    if max_length is not None and len(text) > max_length:
        raise CellError(
            _("Teksten må højst være %(limit)s tegn lang, men er %(length)s tegn.")
            % {"limit": max_length, "length": len(text)}
        )
    return text


# --- dates -------------------------------------------------------------------------------

_EXCEL_EPOCH = datetime.date(1899, 12, 30)
# Serials for 1 January 1950 and 31 December 2199: numbers outside are not dates here
# (a 5-digit amount or an id in a date column must be an error, not a date in 1927).
_SERIAL_MIN = 18264
_SERIAL_MAX = 109574

_MONTHS = {
    "jan": 1, "januar": 1, "january": 1,
    "feb": 2, "febr": 2, "februar": 2, "february": 2,
    "mar": 3, "mar.": 3, "marts": 3, "march": 3,
    "apr": 4, "april": 4,
    "maj": 5, "may": 5,
    "jun": 6, "juni": 6, "june": 6,
    "jul": 7, "juli": 7, "july": 7,
    "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9,
    "okt": 10, "oktober": 10, "oct": 10, "october": 10,
    "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}
_NUMERIC_DATE = re.compile(r"(\d{1,2})\s*([-./])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})")
_ISO_DATE = re.compile(r"(\d{4})\s*([-./])\s*(\d{1,2})\s*\2\s*(\d{1,2})")
_NAMED_DATE = re.compile(r"(\d{1,2})\s*\.?\s*[-\s]?\s*([a-zæøå]+)\.?\s*[-\s]?\s*(\d{4}|\d{2})")
_TIME_SUFFIX = re.compile(r"(?:[t\s]+(?:kl\.?\s*)?\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:[.,]\d+)?)?"
                          r"\s*(?:Z|[+-]\d{2}:?\d{2})?)?")


def _full_year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 30 else 1900
    return year


def _date_error(value) -> CellError:
    return CellError(
        _("Forventede en dato som 31-12-2027, men fandt »%(value)s«.") % {"value": _shown(value)}
    )


def parse_date(value) -> datetime.date | None:
    """A date from a date cell, an Excel serial number or Danish/ISO text (see module doc),
    within the range every kitos date keeps (``kitos.dates``)."""
    day = _parse_date(value)
    if day is not None and not is_sane(day):
        raise CellError(
            _("Datoen »%(value)s« er ikke mulig her. %(range)s")
            % {"value": _shown(value), "range": date_range_message()}
        )
    return day


def _parse_date(value) -> datetime.date | None:
    if _is_empty(value):
        return None
    refuse_excel_error(value)
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        raise _date_error(value)
    if isinstance(value, int | float | Decimal):
        return _date_from_number(value)
    text = str(value).strip().lower()
    if text.isdigit():
        return _date_from_number(int(text))
    for pattern, parts in (
        (_ISO_DATE, lambda m: (int(m[1]), int(m[3]), int(m[4]))),
        (_NUMERIC_DATE, lambda m: (_full_year(m[4]), int(m[3]), int(m[1]))),
        (_NAMED_DATE, lambda m: (_full_year(m[3]), _MONTHS.get(m[2]), int(m[1]))),
    ):
        match = pattern.fullmatch(text[: _time_start(pattern, text)])
        if match:
            year, month, day = parts(match)
            try:
                return datetime.date(year, month or 0, day)
            except (TypeError, ValueError):
                raise _date_error(value) from None
    raise _date_error(value)


def _time_start(pattern: re.Pattern, text: str) -> int:
    """Where a trailing time of day (``T10:30``, `` 10:30:00``, ``kl. 10.30``) starts."""
    match = pattern.match(text)
    if match and _TIME_SUFFIX.fullmatch(text[match.end():]):
        return match.end()
    return len(text)


def _as_yyyymmdd(day: datetime.date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def _date_from_number(number) -> datetime.date:
    if isinstance(number, float) and not math.isfinite(number):
        raise _date_error(number)
    whole = int(number)
    if _SERIAL_MIN <= whole <= _SERIAL_MAX:
        return _EXCEL_EPOCH + datetime.timedelta(days=whole)
    if whole == number and _as_yyyymmdd(EARLIEST_DATE) <= whole <= _as_yyyymmdd(LATEST_DATE):
        try:
            return datetime.date(whole // 10000, whole // 100 % 100, whole % 100)
        except ValueError:
            pass
    raise _date_error(number)


# --- numbers -----------------------------------------------------------------------------

_CURRENCY = re.compile(r"^(?:dkk|kr\.?)\s*|\s*(?:dkk|kr\.?|,-|\.-)$", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_SCIENTIFIC = re.compile(r"\d+(?:\.\d+)?e[+-]?\d+")


def _amount_error(value) -> CellError:
    return CellError(
        _("Forventede et tal som 1.234,50, men fandt »%(value)s«.") % {"value": _shown(value)}
    )


def parse_decimal(value) -> Decimal | None:
    """A number from a number cell or Danish/English text (see module doc for the rules)."""
    if _is_empty(value):
        return None
    refuse_excel_error(value)
    if isinstance(value, bool):
        raise _amount_error(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _amount_error(value)
        # repr gives the shortest text that round-trips: 0.1 stays 0.1, not 0.1000000000000000055.
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _amount_error(value)
        return value
    if not isinstance(value, str):
        raise _amount_error(value)
    number = _text_to_decimal(value)
    if number is None:
        raise _amount_error(value)
    return number


def _text_to_decimal(value: str) -> Decimal | None:
    text = unicodedata.normalize("NFKC", value).strip().lower().replace("\u2212", "-")
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    # The sign may stand before or after the currency: "kr. -1.234,50", "-1.234 kr.".
    text = _strip_currency(text)
    if text[:1] in ("-", "+"):
        negative, text = negative or text[0] == "-", _strip_currency(text[1:])
    elif text.endswith("-") and not text.endswith(",-"):
        negative, text = True, text[:-1].strip()
    text = _SPACES.sub("", text)
    if not text:
        return None
    canonical = _canonical_number(text)
    if canonical is None:
        return None
    try:
        number = Decimal(canonical)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return -number if negative else number


def _strip_currency(text: str) -> str:
    """Without "kr.", "DKK" and ",-" before or after ("1.234,- kr." has two suffixes)."""
    while True:
        stripped = _CURRENCY.sub("", text).strip()
        if stripped == text:
            return text
        text = stripped


def _canonical_number(text: str) -> str | None:
    """``text`` (digits and separators only) in Python's form, or None when malformed."""
    if "e" in text:
        text = text.replace(",", ".")
        return text if _SCIENTIFIC.fullmatch(text) else None
    dot, comma = text.rfind("."), text.rfind(",")
    if dot >= 0 and comma >= 0:
        decimal_sep, thousands_sep = (".", ",") if dot > comma else (",", ".")
        whole, _sep, fraction = text.rpartition(decimal_sep)
        if not fraction.isdigit() or not _is_grouped(whole, thousands_sep):
            return None
        return whole.replace(thousands_sep, "") + "." + fraction
    separator = "." if dot >= 0 else "," if comma >= 0 else ""
    if not separator:
        return text if text.isdigit() else None
    if text.count(separator) > 1 or (_is_grouped(text, separator) and not text.startswith("0")):
        return text.replace(separator, "") if _is_grouped(text, separator) else None
    whole, _sep, fraction = text.partition(separator)
    if fraction.isdigit() and (whole.isdigit() or not whole):
        return (whole or "0") + "." + fraction
    return None


def _is_grouped(text: str, separator: str) -> bool:
    return bool(re.fullmatch(r"\d{1,3}(?:" + re.escape(separator) + r"\d{3})+", text))


def parse_int(value) -> int | None:
    """A whole number; ``1.234`` is 1234 (see the amount rules); ``12,5`` is an error."""
    refuse_excel_error(value)
    try:
        number = parse_decimal(value)
    except CellError:
        number = None
        if not _is_empty(value):
            raise _int_error(value) from None
    if number is None:
        return None
    if number != number.to_integral_value():
        raise _int_error(value)
    return int(number)


def _int_error(value) -> CellError:
    return CellError(
        _("Forventede et helt tal, men fandt »%(value)s«.") % {"value": _shown(value)}
    )


# --- yes / no ----------------------------------------------------------------------------

_TRUE = {"ja", "j", "yes", "y", "true", "sand", "1", "x", "✓", "✔", "sandt"}
_FALSE = {"nej", "n", "no", "false", "falsk", "0", "falsk.", "-"}


def parse_bool(value) -> bool | None:
    """Ja/Nej, J/N, yes/no, y/n, true/false, sand/falsk, 1/0 and x (case-insensitive)."""
    if _is_empty(value):
        return None
    refuse_excel_error(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(
        _("Forventede Ja eller Nej, men fandt »%(value)s«.") % {"value": _shown(value)}
    )


# --- choices -----------------------------------------------------------------------------


def _choice_key(text) -> str:
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", str(text))).strip().casefold()


def choice_pairs(choices) -> list[tuple[str, str]]:
    """``(code, label)`` pairs from a TextChoices class or a list of pairs, labels as text
    in the active language."""
    pairs = choices.choices if hasattr(choices, "choices") else choices
    return [(str(code), str(label)) for code, label in pairs]


def parse_choice(value, choices) -> str:
    """The code of the choice whose code, Danish label or English label matches ``value``
    (case- and whitespace-insensitive); ``""`` for an empty cell."""
    if _is_empty(value):
        return ""
    refuse_excel_error(value)
    wanted = _choice_key(parse_text(value))
    pairs = choices.choices if hasattr(choices, "choices") else list(choices)
    for code, _label in pairs:
        if wanted == _choice_key(code):
            return str(code)
    for language in (translation.get_language() or "da", "da", "en"):
        with translation.override(language):
            for code, label in pairs:
                if wanted == _choice_key(label):
                    return str(code)
    raise CellError(
        _("»%(value)s« er ikke en af de tilladte værdier: %(allowed)s.")
        % {"value": _shown(value), "allowed": ", ".join(label for _c, label in choice_pairs(pairs))}
    )


# --- identifiers -------------------------------------------------------------------------


def parse_email(value) -> str:
    """An e-mail address (``mailto:`` and surrounding ``<>`` removed); ``""`` when empty."""
    refuse_excel_error(value)
    text = parse_text(value)
    if not text:
        return ""
    text = text.removeprefix("mailto:").removeprefix("MAILTO:").strip().strip("<>").strip()
    try:
        validate_email(text)
    except ValidationError:
        raise CellError(
            _("Forventede en e-mailadresse som navn@kommune.dk, men fandt »%(value)s«.")
            % {"value": _shown(value)}
        ) from None
    return text


def parse_cvr(value) -> str:
    """A CVR number as 8 digits; spaces and a ``DK`` prefix are tolerated."""
    if _is_empty(value):
        return ""
    refuse_excel_error(value)
    text = parse_text(value).upper().removeprefix("DK").strip().lstrip("-:").strip()
    text = _SPACES.sub("", text).replace("-", "")
    if not (len(text) == 8 and text.isdigit()):
        raise CellError(
            _("Forventede et CVR-nummer med 8 cifre, men fandt »%(value)s«.")
            % {"value": _shown(value)}
        )
    return text


_url_validator = URLValidator(schemes=["http", "https"])


def parse_url(value) -> str:
    """A web address; ``www.kommune.dk`` becomes ``https://www.kommune.dk``."""
    refuse_excel_error(value)
    text = parse_text(value)
    if not text:
        return ""
    if "://" not in text:
        text = "https://" + text
    try:
        _url_validator(text)
    except ValidationError:
        raise CellError(
            _("Forventede en webadresse som https://www.kommune.dk, men fandt »%(value)s«.")
            % {"value": _shown(value)}
        ) from None
    return text

