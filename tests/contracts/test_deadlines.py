"""The deadline rules of DEADLINES.md, hand-worked case by case.

Each row: (case, terms, today, next_end, notice_deadline, retender_start, status). The
comment above each row is the reasoning. Month arithmetic: `d − n` keeps the day of month
clamped to the target month, and a month's last day maps to the target month's last day.
"""

from __future__ import annotations

import datetime

import pytest

from contracts.deadlines import ContractTerms, Deadlines, compute_deadlines
from kitos.dates import add_months

D = datetime.date
TODAY = D(2026, 11, 21)

CASES = [
    # --- Worked examples of DEADLINES.md (today 2026-11-21) ---------------------------
    # Fixed term, one unused option: act by expiry − 3 = 31 Mar (30 Jun is a month end,
    # so the result is a month end); re-tender 6 months before that = 30 Sep 2026 (late).
    ("spec fixed term with option",
     dict(expiry=D(2027, 6, 30), notice_months=3, extension_months=12, extensions_total=1,
          lead_months=6),
     TODAY, D(2027, 6, 30), D(2027, 3, 31), D(2026, 9, 30), "active"),
    # Open-ended, 6 months to a quarter end: 31 Mar 2027 − 6 = 30 Sep 2026 < today, so
    # 30 Jun 2027 (− 6 = 31 Dec 2026 ≥ today).
    ("spec open-ended quarter",
     dict(notice_months=6, notice_to_end_of="quarter"),
     TODAY, D(2027, 6, 30), D(2026, 12, 31), D(2026, 12, 31), "active"),
    # Yearly renewal from 31 Dec 2026 with 3 months: 30 Sep 2026 has passed → 2027.
    ("spec tacit renewal",
     dict(expiry=D(2026, 12, 31), renewal_months=12, notice_months=3),
     TODAY, D(2027, 12, 31), D(2027, 9, 30), D(2027, 9, 30), "active"),

    # --- Fixed term -------------------------------------------------------------------
    # No options: nothing to decide, the contract just ends; re-tender keys off the end.
    ("fixed no options",
     dict(expiry=D(2027, 6, 30), notice_months=3),
     TODAY, D(2027, 6, 30), None, D(2027, 6, 30), "active"),
    # Options used up (2 of 2): no notice deadline; re-tender 12 months before the end.
    ("fixed options used up",
     dict(expiry=D(2027, 6, 30), notice_months=3, extension_months=12, extensions_total=2,
          extensions_used=2, lead_months=12),
     TODAY, D(2027, 6, 30), None, D(2026, 6, 30), "active"),
    # One of two options used: one left, so the option must be decided by expiry − 3.
    ("fixed one option left",
     dict(expiry=D(2027, 6, 30), notice_months=3, extension_months=12, extensions_total=2,
          extensions_used=1),
     TODAY, D(2027, 6, 30), D(2027, 3, 31), D(2027, 3, 31), "active"),
    # Expired yesterday: every date None.
    ("fixed expired yesterday",
     dict(expiry=D(2026, 11, 20), notice_months=3, extension_months=12, extensions_total=1),
     TODAY, None, None, None, "expired"),
    # Expires today: still active (expired only once today > expiry).
    ("fixed expires today",
     dict(expiry=D(2026, 11, 21)),
     TODAY, D(2026, 11, 21), None, D(2026, 11, 21), "active"),
    # Option deadline already passed but not yet expired: still reported (red in the UI).
    ("fixed option deadline passed",
     dict(expiry=D(2026, 12, 31), notice_months=3, extension_months=12, extensions_total=1),
     TODAY, D(2026, 12, 31), D(2026, 9, 30), D(2026, 9, 30), "active"),
    # Leap year: 29 Feb 2028 is a month end → 31 Jan 2028.
    ("fixed leap day month end",
     dict(expiry=D(2028, 2, 29), notice_months=1, extension_months=12, extensions_total=1),
     TODAY, D(2028, 2, 29), D(2028, 1, 31), D(2028, 1, 31), "active"),
    # 30 May is not a month end: 30 Feb does not exist → clamped to 28 Feb (2027).
    ("fixed clamp to february",
     dict(expiry=D(2027, 5, 30), notice_months=3, extension_months=12, extensions_total=1),
     TODAY, D(2027, 5, 30), D(2027, 2, 28), D(2027, 2, 28), "active"),
    # Same in a leap year: clamped to 29 Feb 2028.
    ("fixed clamp to leap february",
     dict(expiry=D(2028, 5, 30), notice_months=3, extension_months=12, extensions_total=1),
     TODAY, D(2028, 5, 30), D(2028, 2, 29), D(2028, 2, 29), "active"),
    # Not started yet: status future, dates as usual (31 Dec 2029 − 6 = 30 Jun 2029).
    ("fixed future start",
     dict(start=D(2027, 1, 1), expiry=D(2029, 12, 31), notice_months=6, extension_months=24,
          extensions_total=1),
     TODAY, D(2029, 12, 31), D(2029, 6, 30), D(2029, 6, 30), "future"),

    # --- Terminated (rule 1 beats everything) ------------------------------------------
    ("terminated later",
     dict(expiry=D(2028, 12, 31), notice_months=3, terminated_on=D(2027, 1, 31),
          lead_months=6),
     TODAY, D(2027, 1, 31), None, None, "in_notice"),
    # Ends today: still in notice until the day is over.
    ("terminated today",
     dict(terminated_on=D(2026, 11, 21)),
     TODAY, D(2026, 11, 21), None, None, "in_notice"),
    ("terminated past",
     dict(terminated_on=D(2026, 10, 31), notice_to_end_of="month"),
     TODAY, D(2026, 10, 31), None, None, "terminated"),
    # A renewing contract that was given notice ends on the termination date.
    ("terminated beats renewal",
     dict(expiry=D(2027, 12, 31), renewal_months=12, notice_months=3,
          terminated_on=D(2027, 3, 31)),
     TODAY, D(2027, 3, 31), None, None, "in_notice"),

    # --- Tacit renewal -----------------------------------------------------------------
    # Renewing since 2010: 31 Mar 2026 is past; 31 Mar 2027 − 3 = 31 Dec 2026 ≥ today.
    ("renewal from long ago",
     dict(expiry=D(2010, 3, 31), renewal_months=12, notice_months=3),
     TODAY, D(2027, 3, 31), D(2026, 12, 31), D(2026, 12, 31), "active"),
    # Monthly renewal since 1999 on the 15th: 15 Dec − 1 = 15 Nov < today; 15 Jan 2027
    # − 1 = 15 Dec 2026 ≥ today.
    ("renewal monthly since 1999",
     dict(expiry=D(1999, 1, 15), renewal_months=1, notice_months=1),
     TODAY, D(2027, 1, 15), D(2026, 12, 15), D(2026, 12, 15), "active"),
    # 28 Feb 2020 is not a month end (leap year), so candidates stay on the 28th; but
    # 28 Feb 2027 is a month end, so − 3 gives 30 Nov 2026 (month-end rule).
    ("renewal on 28 february",
     dict(expiry=D(2020, 2, 28), renewal_months=12, notice_months=3),
     TODAY, D(2027, 2, 28), D(2026, 11, 30), D(2026, 11, 30), "active"),
    # Notice day exactly today still counts ("not before today").
    ("renewal notice due today",
     dict(expiry=D(2026, 2, 21), renewal_months=12, notice_months=3),
     TODAY, D(2027, 2, 21), D(2026, 11, 21), D(2026, 11, 21), "active"),
    # Notice day was yesterday: this year's end is lost, the next renewal is the target.
    ("renewal notice missed yesterday",
     dict(expiry=D(2026, 2, 20), renewal_months=12, notice_months=3),
     TODAY, D(2028, 2, 20), D(2027, 11, 20), D(2027, 11, 20), "active"),
    # Irrevocable until mid-2028: 31 Dec 2027 is too early, 31 Dec 2028 is the first.
    ("renewal irrevocable",
     dict(expiry=D(2025, 12, 31), renewal_months=12, notice_months=3,
          irrevocable_until=D(2028, 6, 30)),
     TODAY, D(2028, 12, 31), D(2028, 9, 30), D(2028, 9, 30), "active"),
    # Half-yearly from 30 Jun: 31 Dec 2026 − 3 = 30 Sep < today → 30 Jun 2027.
    ("renewal half-yearly month ends",
     dict(expiry=D(2026, 6, 30), renewal_months=6, notice_months=3, lead_months=9),
     TODAY, D(2027, 6, 30), D(2027, 3, 31), D(2026, 6, 30), "active"),
    ("renewal future start",
     dict(start=D(2027, 1, 1), expiry=D(2027, 12, 31), renewal_months=12, notice_months=3),
     TODAY, D(2027, 12, 31), D(2027, 9, 30), D(2027, 9, 30), "future"),

    # --- Open-ended --------------------------------------------------------------------
    # Any day, 3 months: 21 Feb − 3 = 21 Nov = today; 20 Feb would give 20 Nov.
    ("open any day",
     dict(notice_months=3),
     TODAY, D(2027, 2, 21), D(2026, 11, 21), D(2026, 11, 21), "active"),
    # An irrevocable date in the past changes nothing.
    ("open irrevocable past",
     dict(notice_months=3, irrevocable_until=D(2020, 1, 1)),
     TODAY, D(2027, 2, 21), D(2026, 11, 21), D(2026, 11, 21), "active"),
    # No notice at all: can end today.
    ("open no notice",
     dict(),
     TODAY, TODAY, TODAY, TODAY, "active"),
    # Running month, 1 month: 30 Nov − 1 = 31 Oct < today; 31 Dec − 1 = 30 Nov.
    ("open running month",
     dict(notice_months=1, notice_to_end_of="month"),
     TODAY, D(2026, 12, 31), D(2026, 11, 30), D(2026, 11, 30), "active"),
    # From a month end: 28 Feb 2027 is a month end → − 3 = 30 Nov 2026 = today.
    ("open month from month end",
     dict(notice_months=3, notice_to_end_of="month"),
     D(2026, 11, 30), D(2027, 2, 28), D(2026, 11, 30), D(2026, 11, 30), "active"),
    # Year end, 6 months: 31 Dec 2026 − 6 = 30 Jun 2026 passed → 31 Dec 2027.
    ("open year end",
     dict(notice_months=6, notice_to_end_of="year"),
     TODAY, D(2027, 12, 31), D(2027, 6, 30), D(2027, 6, 30), "active"),
    # Year end seen on the very last day to give notice.
    ("open year end deadline today",
     dict(notice_months=6, notice_to_end_of="year"),
     D(2026, 6, 30), D(2026, 12, 31), D(2026, 6, 30), D(2026, 6, 30), "active"),
    # One day later the year is lost.
    ("open year end deadline missed",
     dict(notice_months=6, notice_to_end_of="year"),
     D(2026, 7, 1), D(2027, 12, 31), D(2027, 6, 30), D(2027, 6, 30), "active"),
    # Irrevocable to 15 Aug 2027: first quarter end on or after it is 30 Sep 2027.
    ("open quarter irrevocable",
     dict(notice_months=3, notice_to_end_of="quarter", irrevocable_until=D(2027, 8, 15)),
     TODAY, D(2027, 9, 30), D(2027, 6, 30), D(2027, 6, 30), "active"),
    # Quarter, 6 months, seen 31 Aug 2027: 30 Sep and 31 Dec are too close; 31 Mar 2028
    # (leap year, month end) − 6 = 30 Sep 2027.
    ("open quarter across leap year",
     dict(notice_months=6, notice_to_end_of="quarter"),
     D(2027, 8, 31), D(2028, 3, 31), D(2027, 9, 30), D(2027, 9, 30), "active"),
    # Any day from 28 Feb 2027 (a month end), 1 month: 28 Mar − 1 = 28 Feb works, so the
    # answer is 28 Mar even though 28 Feb + 1 month (month-end rule) is 31 Mar.
    ("open any day from february end",
     dict(notice_months=1),
     D(2027, 2, 28), D(2027, 3, 28), D(2027, 2, 28), D(2027, 2, 28), "active"),
    # Irrevocable on a leap day, not started: E = 29 Feb 2028, − 3 = 30 Nov 2027.
    ("open future start irrevocable leap day",
     dict(start=D(2027, 3, 1), notice_months=3, irrevocable_until=D(2028, 2, 29)),
     TODAY, D(2028, 2, 29), D(2027, 11, 30), D(2027, 11, 30), "future"),
    # Lead time pushes the re-tender start a year before today's notice day.
    ("open lead time in the past",
     dict(notice_months=3, lead_months=12),
     TODAY, D(2027, 2, 21), D(2026, 11, 21), D(2025, 11, 21), "active"),
]


@pytest.mark.parametrize(
    "terms, today, next_end, notice_deadline, retender_start, status",
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_deadlines(terms, today, next_end, notice_deadline, retender_start, status):
    result = compute_deadlines(ContractTerms(**terms), today=today)
    assert result == Deadlines(next_end, notice_deadline, retender_start, status)


def test_there_are_at_least_thirty_cases():
    assert len(CASES) >= 30
    assert len({case[0] for case in CASES}) == len(CASES)


def test_open_ended_answer_is_the_earliest_possible_day():
    """Brute force over a year of `today`s: no earlier day would also satisfy the rule."""
    for offset in range(0, 366, 7):
        today = D(2026, 1, 1) + datetime.timedelta(days=offset)
        for notice in (0, 1, 3, 6):
            result = compute_deadlines(ContractTerms(notice_months=notice), today=today)
            earlier = result.next_end - datetime.timedelta(days=1)
            assert add_months(result.next_end, -notice) >= today
            assert earlier < today or add_months(earlier, -notice) < today
