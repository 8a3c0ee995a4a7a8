"""Date arithmetic shared by contract deadlines and oversight intervals."""

from __future__ import annotations

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _

# Every date a person or a file gives kitos lies in this range. The deadline maths adds
# years of notice and options to a date: 9999-12-31 overflowed Python's date (year
# 10000) and answered 500; a year-1 start date is a typing error, not a contract.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2199, 12, 31)


def date_range_message() -> str:
    return _("Datoen skal ligge mellem %(earliest)s og %(latest)s.") % {
        "earliest": date_format(EARLIEST_DATE, "SHORT_DATE_FORMAT"),
        "latest": date_format(LATEST_DATE, "SHORT_DATE_FORMAT"),
    }


def is_sane(day: datetime.date) -> bool:
    if isinstance(day, datetime.datetime):
        day = day.date()
    return EARLIEST_DATE <= day <= LATEST_DATE


def check_date_ranges(instance: models.Model, exclude=None) -> None:
    """Raise a ValidationError naming each date field of ``instance`` outside the range.

    Called before anything else validates the object (``PublicIdModel.full_clean``),
    because the model's own ``clean`` does date arithmetic on these values. Timestamps
    kitos sets itself (``auto_now``) are not checked.
    """
    exclude = set(exclude or ())
    errors = {}
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.DateField) or field.name in exclude:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        value = getattr(instance, field.attname)
        if isinstance(value, datetime.date) and not is_sane(value):
            errors[field.name] = [ValidationError(date_range_message(), code="date_range")]
    if errors:
        raise ValidationError(errors)


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
