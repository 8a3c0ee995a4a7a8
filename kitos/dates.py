"""Date arithmetic shared by contract deadlines and oversight intervals."""

from __future__ import annotations

import calendar
import datetime


def is_month_end(day: datetime.date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` plus (or minus) whole months. The day of month is kept, clamped to the
    target month's length (31 May - 3 = 28/29 Feb); a month's last day maps to the target
    month's last day (30 Jun - 3 = 31 Mar), as notice "to the end of a month" requires."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    if is_month_end(day):
        return datetime.date(year, month, last)
    return datetime.date(year, month, min(day.day, last))
