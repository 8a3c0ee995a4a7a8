"""English date formats for the English UI: the same shapes as the Danish ones (the data
is Danish municipal data): "2 Dec 2026" in text, "02-12-2026" in tables, the same inputs.
Numbers keep Django's English separators."""

from kitos.formats.da.formats import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS  # noqa: F401

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i"
SHORT_DATE_FORMAT = "d-m-Y"
SHORT_DATETIME_FORMAT = "d-m-Y H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1
