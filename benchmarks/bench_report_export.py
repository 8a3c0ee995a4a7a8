"""Benchmark: the report export "as shown" of 100,000 contracts (the contract list's
default columns: name, supplier, status, next end, notice deadline, yearly cost, contract
owner) beside a minimal openpyxl write-only script writing the same cells from memory.

The gap is what the export's query, column values, formats and totals cost; the sheet
itself is written by the export's own streaming writer (kitos/excel/as_shown.py) and the
rows are read as plain values (kitos/report_rows.py). Target: at most 1.3x; measured
0.15x-0.6x on a busy two-core machine (it was 4.3x-5x with openpyxl's write-only writer and
a model instance per row). Figures, not assertions; PostgreSQL (``kitos_bench_report``).

    .venv/bin/python benchmarks/bench_report_export.py   # BENCH_REPORT_ROWS=100000
                                                         # BENCH_REPEAT=3
"""

from __future__ import annotations

import datetime
import io
import os
import random
import tempfile
import time
from decimal import Decimal

from _database import fresh_database, use_database  # first: the project on the path, the settings
from _timing import interleaved, ratio_result

use_database("report")

ROWS = int(os.environ.get("BENCH_REPORT_ROWS", "100000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))


def populate():
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from contracts.models import Contract
    from kitos.models import Membership, Organisation
    from portfolio.models import Supplier
    from roles.models import Person, RoleAssignment, RoleType
    from roles.reference import ensure_disciplines_and_role_types

    # A PostgreSQL flush empties what the data migrations created (the standard roles).
    ensure_disciplines_and_role_types(apps)
    rng = random.Random(42)
    today = datetime.date.today()
    organisation = Organisation.objects.create(name="Bench Kommune", slug="bench")
    user = get_user_model().objects.create_user("bench", password="x")
    Membership.objects.create(user=user, organisation=organisation, role="reader")
    suppliers = Supplier.objects.bulk_create(
        [Supplier(name=f"Leverandør {n} A/S", cvr=f"{40000000 + n}") for n in range(200)]
    )
    persons = Person.objects.bulk_create(
        [Person(organisation=organisation, name=f"Person {n}") for n in range(100)]
    )
    contracts = []
    for n in range(ROWS):
        start = today - datetime.timedelta(days=rng.randint(500, 3000))
        contract = Contract(
            organisation=organisation, name=f"Kontrakt {n:06d}", contract_number=f"K{n}",
            supplier=rng.choice(suppliers), start_date=start, renewal_months=12,
            expiry_date=start + datetime.timedelta(days=365), notice_months=3,
            yearly_cost=Decimal(rng.randint(5_000, 2_500_000)) / 100,
        )
        contract.apply_deadlines(today)
        contracts.append(contract)
    with transaction.atomic():
        Contract.objects.bulk_create(contracts, batch_size=2000)
    owner = RoleType.objects.get(organisation=None, applies_to="contract", code="kontraktejer")
    contract_type = ContentType.objects.get_for_model(Contract)
    with transaction.atomic():
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(organisation=organisation, person=rng.choice(persons),
                               role_type=owner, content_type=contract_type, object_id=pk)
                for pk in Contract.objects.values_list("pk", flat=True)
                if pk % 3
            ],
            batch_size=2000,
        )
    return user


def minimal(rows) -> int:
    """openpyxl write-only, the same cells, nothing else."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Kontrakter")
    for row in rows:
        sheet.append(row)
    with tempfile.TemporaryFile() as target:
        workbook.save(target)
        return target.tell()


def main():
    fresh_database()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    started = time.perf_counter()
    user = populate()
    print(f"report export: {ROWS:,} contracts in {time.perf_counter() - started:.1f} s "
          f"({connection.vendor})")

    client = Client()
    client.force_login(user)
    client.get("/kontrakter/")  # warm up (the list's options, templates)

    def export() -> bytes:
        response = client.get("/kontrakter/", {"format": "report"})
        assert response.status_code == 200
        return b"".join(response.streaming_content)

    import openpyxl

    content = export()
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    print(f"  as shown: {len(content) / 1e6:.1f} MB")
    timings = interleaved({"as shown (query + values + xlsx)": export,
                           "openpyxl write_only, same cells": lambda: minimal(cells)}, REPEAT)
    ratio_result(f"report export of {ROWS:,} contracts vs openpyxl write_only", timings,
                 "as shown (query + values + xlsx)", "openpyxl write_only, same cells",
                 limit=1.3, repeat=REPEAT, rows=ROWS)

    started = time.perf_counter()
    response = client.get("/kontrakter/", {"format": "csv"})
    size = sum(len(chunk) for chunk in response.streaming_content)
    csv_seconds = time.perf_counter() - started
    print(f"  CSV as shown:                     {csv_seconds:6.2f} s "
          f"{ROWS / csv_seconds:9,.0f} rows/s  {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
