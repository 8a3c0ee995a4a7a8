"""Benchmark: the next day's alert scan over 50,000 contracts.

The scan is incremental (alerts.services.scan): it remembers the day it ran for and
looks only at what can be new since — thresholds crossed, contracts and recipients
changed, organisations whose rules changed. This measures the scan of the day after a
first scan (D+1: some thresholds are crossed, their alerts recorded) side by side with
one full scan of the contracts table (the floor for anything that reads every
contract), in interleaved medians; each timed scan runs in a transaction rolled back
afterwards, so every repeat is genuinely the next day's first scan. Also the second
scan of the same day (nothing new) and the first, full scan, for scale.

Figures, not assertions: machines are noisy.

    python benchmarks/bench_alert_scan.py     # PostgreSQL: kitos_bench_alerts
"""

from __future__ import annotations

import datetime
import os
import random
import time

from _database import fresh_database, use_database  # first: the project on the path, the settings
from _timing import interleaved, result

use_database("alerts")

CONTRACTS = int(os.environ.get("BENCH_CONTRACTS", "50000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))
TODAY = datetime.date(2026, 11, 21)
NEXT_DAY = TODAY + datetime.timedelta(days=1)


def populate():
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils import timezone

    from contracts.models import Contract
    from kitos.models import Organisation
    from roles.models import Person, RoleAssignment, RoleType

    rng = random.Random(42)
    organisations = [
        Organisation.objects.create(name=f"Kommune {n}", slug=f"k{n}") for n in range(98)
    ]
    persons = Person.objects.bulk_create(
        [
            Person(organisation=org, name=f"Person {org.pk}-{n}", email=f"p{n}@k{org.pk}.dk")
            for org in organisations
            for n in range(10)
        ]
    )
    by_org = {}
    for person in persons:
        by_org.setdefault(person.organisation_id, []).append(person)
    contracts = []
    for n in range(CONTRACTS):
        org = organisations[n % len(organisations)]
        start = TODAY - datetime.timedelta(days=rng.randint(500, 3000))
        kind = n % 4
        contract = Contract(
            organisation=org, name=f"Kontrakt {n}", contract_number=f"K{n}",
            start_date=start, notice_months=rng.choice([1, 3, 6]),
            lead_months=rng.choice([0, 6, 12]),
        )
        if kind == 0:
            contract.expiry_date = TODAY + datetime.timedelta(days=rng.randint(-400, 1500))
            contract.extension_months, contract.extensions_total = 12, 1
        elif kind == 1:
            contract.expiry_date = start + datetime.timedelta(days=365)
            contract.renewal_months = 12
        elif kind == 2:
            contract.notice_to_end_of = "quarter"
        else:
            contract.expiry_date = TODAY + datetime.timedelta(days=rng.randint(-400, 1500))
        contract.apply_deadlines(TODAY)
        contracts.append(contract)
    with transaction.atomic():
        Contract.objects.bulk_create(contracts, batch_size=2000)
    owner = RoleType.objects.get(organisation=None, applies_to="contract", code="kontraktejer")
    contract_type = ContentType.objects.get_for_model(Contract)
    ids = list(Contract.objects.values_list("pk", "organisation_id"))
    with transaction.atomic():
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(
                    organisation_id=org_id, person=rng.choice(by_org[org_id]),
                    role_type=owner, content_type=contract_type, object_id=pk,
                )
                for pk, org_id in ids
                if pk % 3
            ],
            batch_size=2000,
        )
    # The register was entered long before the scans (not in the last hour, which the
    # scan looks at again to be safe about transactions still open while it ran).
    earlier = timezone.now() - datetime.timedelta(days=2)
    for model in (Contract, RoleAssignment, Person):
        model.objects.update(updated_at=earlier)


# Not queries: the transaction around the scan (and the benchmark's rollback of it).
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def counted(function):
    """(seconds, queries, result) of one call (transaction control left out)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        started = time.perf_counter()
        value = function()
        elapsed = time.perf_counter() - started
    statements = [
        q for q in context.captured_queries
        if not q["sql"].upper().startswith(TRANSACTION_CONTROL)
    ]
    return elapsed, len(statements), value


def send_the_digests():
    """Day D's digests went out after its scan (untimed, without mail): the next day
    starts with nothing waiting, as in production."""
    from django.db.models import OuterRef, Subquery
    from django.utils import timezone

    from alerts.models import AlertDelivery, AlertDigest

    emails = set(AlertDelivery.objects.values_list("email", flat=True))
    AlertDigest.objects.bulk_create(
        AlertDigest(email=email, sent_on=TODAY, sent_at=timezone.now()) for email in emails
    )
    AlertDelivery.objects.update(digest=Subquery(
        AlertDigest.objects.filter(email=OuterRef("email"), sent_on=TODAY).values("pk")[:1]
    ))


class _Rollback(Exception):
    pass


def rolled_back(function):
    """Run `function` in a transaction that is rolled back: what it recorded is gone,
    so the next repeat finds the same day to scan."""
    from django.db import transaction

    def run():
        try:
            with transaction.atomic():
                run.value = function()
                raise _Rollback
        except _Rollback:
            pass
        return run.value

    return run


def main():
    fresh_database()
    # A flushed PostgreSQL database has lost the reference data its migrations wrote
    # (the standard role types): put it back.
    from django.apps import apps

    from roles.reference import ensure_disciplines_and_role_types

    ensure_disciplines_and_role_types(apps)
    started = time.perf_counter()
    populate()
    print(f"populated {CONTRACTS:,} contracts in {time.perf_counter() - started:.1f} s")

    from django.db import connection

    from alerts import services as alerts
    from contracts.models import Contract

    def full_table_scan():
        return len(list(Contract.objects.values_list(
            "pk", "organisation_id", "name", "status", "notice_deadline",
            "retender_start", "next_end",
        )))

    first_seconds, first_queries, first = counted(lambda: alerts.scan(today=TODAY))
    print(f"first scan (day D, full): {first_seconds:.2f} s, {first_queries} queries, "
          f"{first.recorded:,} recorded")
    send_the_digests()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would have, after the bulk load

    next_day = rolled_back(lambda: alerts.scan(today=NEXT_DAY))
    same_day = rolled_back(lambda: alerts.scan(today=TODAY))
    next_day()  # once untimed: the process caches the content types the scan names
    _seconds, next_queries, next_result = counted(next_day)
    _seconds, same_queries, same_result = counted(same_day)
    timings = interleaved(
        {"full scan of the contracts table": full_table_scan,
         "next day's alert scan (D+1)": next_day,
         "second scan, same day (D)": same_day},
        REPEAT,
    )
    floor = timings["full scan of the contracts table"]
    print(f"\n{'step':<36} {'median s':>9} {'× full scan':>12}")
    for label, seconds in timings.items():
        print(f"{label:<36} {seconds:>9.4f} {seconds / floor:>12.2f}")
    ratio = timings["next day's alert scan (D+1)"] / floor
    result(
        "next day's alert scan over 50,000 contracts vs one full scan", ratio,
        "≤ 3×, ≤ 10 queries", holds=ratio <= 3 and next_queries <= 10,
        detail=f"{next_queries} queries, {next_result.recorded} new",
    )
    same_ratio = timings["second scan, same day (D)"] / floor
    result(
        "second alert scan on an unchanged day vs one full scan", same_ratio,
        "≤ 3×, ≤ 10 queries", holds=same_ratio <= 3 and same_queries <= 10,
        detail=f"{same_queries} queries, {same_result.recorded} new",
    )


if __name__ == "__main__":
    main()
