"""Contract deadlines: when a contract can end, the last day to act, and when to start a
re-tender. The rules are those of ../shared/design/DEADLINES.md, in its order of
precedence; this module is the only place they are computed.

Pure functions on plain dates, so that the table-driven tests, the nightly refresh and a
benchmark over 150,000 contracts all exercise exactly the same code.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from kitos.dates import add_months, is_sane

FUTURE, ACTIVE, IN_NOTICE, EXPIRED, TERMINATED = (
    "future",
    "active",
    "in_notice",
    "expired",
    "terminated",
)
MONTH, QUARTER, YEAR = "month", "quarter", "year"


@dataclass(frozen=True, kw_only=True)
class ContractTerms:
    """The terms of a contract that decide its deadlines (see DEADLINES.md)."""

    start: datetime.date | None = None
    expiry: datetime.date | None = None
    irrevocable_until: datetime.date | None = None
    notice_months: int = 0
    notice_to_end_of: str | None = None
    renewal_months: int | None = None
    extension_months: int | None = None
    extensions_total: int = 0
    extensions_used: int = 0
    terminated_on: datetime.date | None = None
    lead_months: int = 0


@dataclass(frozen=True)
class Deadlines:
    next_end: datetime.date | None
    notice_deadline: datetime.date | None
    retender_start: datetime.date | None
    status: str


def _is_period_end(day: datetime.date, period: str | None) -> bool:
    if period is None:
        return True
    last_of_month = (day + datetime.timedelta(days=1)).day == 1
    if period == MONTH:
        return last_of_month
    if period == QUARTER:
        return last_of_month and day.month in (3, 6, 9, 12)
    if period == YEAR:
        return day.month == 12 and day.day == 31
    raise ValueError(f"unknown period {period!r}")


def _month_end(day: datetime.date) -> datetime.date:
    return add_months(day.replace(day=1), 1) - datetime.timedelta(days=1)


def _next_period_end(day: datetime.date, period: str | None) -> datetime.date:
    """The first period end on or after `day` (any day when there is no period)."""
    if period is None:
        return day
    candidate = _month_end(day)
    while not _is_period_end(candidate, period):  # at most 11 steps (to 31 Dec)
        candidate = _month_end(candidate + datetime.timedelta(days=1))
    return candidate


def _following_period_end(day: datetime.date, period: str | None) -> datetime.date:
    return _next_period_end(day + datetime.timedelta(days=1), period)


def _earliest_open_ended_end(terms: ContractTerms, today: datetime.date) -> datetime.date:
    """The earliest period end E with E >= irrevocable_until and E - notice >= today.

    `E - notice` never decreases as E grows (month arithmetic clamps, it does not jump
    back), so the first E that satisfies both is found by walking forward from a point
    just before the answer."""
    notice = terms.notice_months
    lower = add_months(today, notice) - datetime.timedelta(days=4)
    if terms.irrevocable_until and terms.irrevocable_until > lower:
        lower = terms.irrevocable_until
    lower = max(lower, today)
    candidate = _next_period_end(lower, terms.notice_to_end_of)
    while add_months(candidate, -notice) < today or (
        terms.irrevocable_until and candidate < terms.irrevocable_until
    ):
        candidate = _following_period_end(candidate, terms.notice_to_end_of)
    return candidate


def _renewal_end(terms: ContractTerms, today: datetime.date) -> datetime.date:
    """The first renewal candidate (expiry + k × renewal) that is not before
    irrevocable_until and whose notice day is not before today."""
    expiry, renewal, notice = terms.expiry, terms.renewal_months, terms.notice_months
    # Skip the periods that are certainly over (a contract renewing monthly since 1995
    # need not walk 370 candidates); the loop then takes the last few steps.
    months_past = (today.year - expiry.year) * 12 + today.month - expiry.month
    k = max(0, months_past // renewal - 1)
    while True:
        candidate = add_months(expiry, k * renewal)
        if add_months(candidate, -notice) >= today and (
            terms.irrevocable_until is None or candidate >= terms.irrevocable_until
        ):
            return candidate
        k += 1


def compute_deadlines(terms: ContractTerms, *, today: datetime.date) -> Deadlines:
    """The deadlines of a contract on `today` (DEADLINES.md, rules 1–5)."""
    # Dates outside kitos's range cannot be entered any more, but a row stored before
    # the check may hold one: it gets no deadlines rather than an overflow (year 10000)
    # that would stop the nightly refresh for every contract.
    for day in (terms.start, terms.expiry, terms.irrevocable_until, terms.terminated_on):
        if day is not None and not is_sane(day):
            return Deadlines(None, None, None, ACTIVE)
    # 1. Terminated: notice has been given; nothing left to decide.
    if terms.terminated_on is not None:
        status = IN_NOTICE if today <= terms.terminated_on else TERMINATED
        return Deadlines(terms.terminated_on, None, None, status)

    # 2. Not started: the dates below still apply.
    running = FUTURE if terms.start is not None and terms.start > today else ACTIVE

    if terms.expiry is not None and terms.renewal_months:
        # 3. Tacit renewal: the contract never expires by itself.
        next_end = _renewal_end(terms, today)
        notice_deadline = add_months(next_end, -terms.notice_months)
        status = running
    elif terms.expiry is None:
        # 4. Open-ended.
        next_end = _earliest_open_ended_end(terms, today)
        notice_deadline = add_months(next_end, -terms.notice_months)
        status = running
    else:
        # 5. Fixed term.
        if today > terms.expiry:
            return Deadlines(None, None, None, EXPIRED)
        next_end = terms.expiry
        options_left = terms.extensions_used < terms.extensions_total
        notice_deadline = (
            add_months(terms.expiry, -terms.notice_months) if options_left else None
        )
        status = running

    base = notice_deadline or next_end
    retender_start = add_months(base, -terms.lead_months) if base else None
    return Deadlines(next_end, notice_deadline, retender_start, status)
