"""Danish date formats: one way to write a date in running text ("2. dec. 2026": the
Danish month abbreviations with their period, "maj" and "juni" unabbreviated), one in
tables ("02-12-2026", as in the spreadsheets municipalities keep), and every way people
type one. The API writes ISO 8601 (REST framework's default, untouched by these)."""

DATE_FORMAT = "j. N Y"
DATETIME_FORMAT = "j. N Y H:i"
SHORT_DATE_FORMAT = "d-m-Y"
SHORT_DATETIME_FORMAT = "d-m-Y H:i"
MONTH_DAY_FORMAT = "j. F"
YEAR_MONTH_FORMAT = "F Y"
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1

# What a date field accepts; the first is what it shows.
DATE_INPUT_FORMATS = [
    "%d-%m-%Y",  # 02-12-2026
    "%Y-%m-%d",  # 2026-12-02 (ISO; the browser's date picker)
    "%d.%m.%Y",  # 02.12.2026
    "%d/%m/%Y",  # 02/12/2026
    "%d-%m-%y",  # 02-12-26
    "%d.%m.%y",  # 02.12.26
]
DATETIME_INPUT_FORMATS = [
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d-%m-%Y",
    "%Y-%m-%d",
    "%d.%m.%Y",
]
