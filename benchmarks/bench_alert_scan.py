"""Benchmark: the daily alert scan over 150,000 contracts.

Prints the scan's query count and time beside one full scan of the contracts table (the
floor for anything that looks at every contract), plus the nightly deadline refresh.
Figures, not assertions: machines are noisy.

    make bench                         # SQLite file in /tmp
    DATABASE_URL=postgres://... make bench
"""

from __future__ import annotations

import datetime
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kitos.settings.local")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/kitos-bench.sqlite3")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

from _database import fresh_database  # noqa: E402 - after the environment is set

CONTRACTS = int(os.environ.get("BENCH_CONTRACTS", "150000"))
TODAY = datetime.date(2026, 11, 21)


def populate():
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

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


def timed(label, function):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        started = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - started
    return label, elapsed, len(context.captured_queries), result


def main():
    fresh_database()
    started = time.perf_counter()
    populate()
    print(f"populated {CONTRACTS:,} contracts in {time.perf_counter() - started:.1f} s")

    from alerts import services as alerts
    from contracts.models import Contract
    from contracts.services import refresh_deadlines

    alerts.ensure_default_rules()
    rows = [
        timed(
            "full scan of the contracts table",
            lambda: len(list(Contract.objects.values_list(
                "pk", "organisation_id", "name", "status", "notice_deadline",
                "retender_start", "next_end",
            ))),
        ),
        timed("alert scan, dry run (collect_due)", lambda: len(alerts.collect_due(today=TODAY))),
        timed("alert scan, first run (records)", lambda: alerts.scan(today=TODAY).recorded),
        timed("alert scan, second run (no-op)", lambda: alerts.scan(today=TODAY).recorded),
        timed("nightly deadline refresh (next day)",
              lambda: refresh_deadlines(today=TODAY + datetime.timedelta(days=1))),
    ]
    floor = rows[0][1]
    print(f"\n{'step':<40} {'seconds':>9} {'queries':>8} {'× full scan':>12} {'result':>9}")
    for label, elapsed, queries, result in rows:
        print(f"{label:<40} {elapsed:>9.3f} {queries:>8} {elapsed / floor:>12.2f} {result:>9,}")


if __name__ == "__main__":
    main()
