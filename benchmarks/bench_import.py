"""Benchmark: importing a 100,000-row contract inventory into PostgreSQL.

Creates an organisation with 300 units, 300 suppliers and 300 system usages, writes a
100,000-row "Kontrakter" sheet that refers to them (11 columns: name, number, supplier by
CVR or name, responsible unit, dates as real dates and as Danish text, notice period,
yearly cost as Danish text, type, procurement form, covered system), then times:

* openpyxl's read-only mode iterating every value (the yardstick),
* python-calamine iterating every value, and kitos' reader (safety checks + calamine),
* the preview (read, validate; nothing written),
* the commit (read, validate, bulk insert contracts, coverages and audit entries),
* a re-import of the same file (everything unchanged, nothing written).

Figures, not assertions: machines are noisy. The target is a whole import within 1.5x the
time openpyxl needs just to read the file.

    createdb -h 127.0.0.1 -U postgres kitos_bench_import
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kitos_bench_import \\
        .venv/bin/python benchmarks/bench_import.py      # BENCH_IMPORT_ROWS=100000
"""

from __future__ import annotations

import cProfile
import datetime
import io
import os
import pstats
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kitos.settings.local")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kitos_bench_import")
os.environ.setdefault("DJANGO_DEBUG", "0")  # no query log: it would hold every statement
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
# BENCH_IMPORT_PROFILE=commit (or preview, reimport): cProfile that phase, print the top.
PROFILE = os.environ.get("BENCH_IMPORT_PROFILE", "")
REFERENCED = 300
HEADERS = [
    "Kontraktnavn", "Kontraktnummer", "Leverandør", "Ansvarlig enhed", "Startdato",
    "Udløbsdato", "Opsigelsesvarsel (måneder)", "Årlig driftsudgift", "Kontrakttype",
    "Udbudsform", "Systemer",
]
CONTRACT_TYPES = ["Hovedkontrakt", "Serviceaftale", "Licens", "Drift", "main"]
PROCUREMENT = ["SKI-aftale", "EU-udbud", "Direkte tildeling", "ski", ""]


def setup_database():
    import django
    from django.core.management import call_command
    from django.db import OperationalError, connection

    django.setup()
    if connection.vendor != "postgresql":
        sys.exit("bench_import measures PostgreSQL: set DATABASE_URL=postgres://...")
    try:
        connection.ensure_connection()
    except OperationalError as error:
        # `make bench` runs every benchmark: without the database this one says so.
        reason = str(error).strip().splitlines()[-1]
        print(f"bench_import skipped: no database at {os.environ['DATABASE_URL']}: {reason}")
        sys.exit(0)
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    # flush empties the reference tables the data migrations filled.
    from django.apps import apps

    from gdpr.reference import ensure_data_categories
    from roles.reference import ensure_disciplines_and_role_types

    ensure_disciplines_and_role_types(apps)
    ensure_data_categories(apps)


def populate():
    """The organisation, its editor and what the rows refer to."""
    from django.contrib.auth import get_user_model

    from kitos.models import Membership, Organisation
    from portfolio.models import ItSystem, Supplier, SystemUsage
    from roles.models import OrganisationUnit

    org = Organisation.objects.create(name="Bench Kommune", slug="bench", cvr="29189897")
    user = get_user_model().objects.create_user("bench", password="bench-password-123")
    Membership.objects.create(user=user, organisation=org, role="editor")
    units = OrganisationUnit.objects.bulk_create(
        OrganisationUnit(organisation=org, name=f"Enhed {n:03d}") for n in range(REFERENCED)
    )
    for unit in units:
        unit.path, unit.depth = f"/{unit.pk}/", 0
    OrganisationUnit.objects.bulk_update(units, ["path", "depth"])
    suppliers = Supplier.objects.bulk_create(
        Supplier(name=f"Leverandør {n:03d} A/S", cvr=str(20_000_000 + n))
        for n in range(REFERENCED)
    )
    systems = ItSystem.objects.bulk_create(
        ItSystem(name=f"System {n:03d}", rights_holder=suppliers[n]) for n in range(REFERENCED)
    )
    SystemUsage.objects.bulk_create(
        SystemUsage(organisation=org, system=system, lifecycle="operational")
        for system in systems
    )
    return org, user


def build_inventory(rows: int) -> bytes:
    import openpyxl

    rng = random.Random(42)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Kontrakter")
    sheet.append(["Kontraktoversigt 2026"])
    sheet.append([])
    sheet.append(HEADERS)
    first = datetime.date(2018, 1, 1)
    for number in range(rows):
        start = first + datetime.timedelta(days=rng.randrange(2500))
        expiry = start + datetime.timedelta(days=365 * rng.randrange(2, 9))
        supplier = rng.randrange(REFERENCED)
        sheet.append([
            f"Kontrakt {number:06d}",
            f"K-{number:06d}",
            # By CVR (a number cell) or by name, as people write it.
            20_000_000 + supplier if number % 2 else f"Leverandør {supplier:03d} A/S",
            f"Enhed {rng.randrange(REFERENCED):03d}",
            start if number % 3 else start.strftime("%d-%m-%Y"),
            expiry if number % 3 else expiry.strftime("%d.%m.%Y"),
            rng.choice([1, 3, 6, 12]),
            f"{rng.randrange(5_000, 2_500_000):,}".replace(",", ".") + ",50",
            rng.choice(CONTRACT_TYPES),
            rng.choice(PROCUREMENT),
            f"System {rng.randrange(REFERENCED):03d}",
        ])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_openpyxl(data: bytes) -> int:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    count = 0
    for row in workbook["Kontrakter"].iter_rows(values_only=True):
        for _value in row:
            pass
        count += 1
    workbook.close()
    return count - 3


def read_calamine(data: bytes) -> int:
    import python_calamine

    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    count = 0
    for row in workbook.get_sheet_by_name("Kontrakter").iter_rows():
        for _value in row:
            pass
        count += 1
    return count - 3


def read_kitos(data: bytes) -> int:
    from kitos.excel.reader import read_workbook

    return len(read_workbook(data)[0].rows) - 2


def run_import(org, user, data, *, commit: bool, label: str) -> int:
    from kitos.excel.engine import run_import_file

    profiler = cProfile.Profile() if PROFILE == label else None
    if profiler:
        profiler.enable()
    report = run_import_file(actor=user, organisation=org, content=data,
                             filename="kontrakter.xlsx", commit=commit)
    if profiler:
        profiler.disable()
        order = os.environ.get("BENCH_IMPORT_SORT", "cumulative")  # or tottime
        pstats.Stats(profiler).sort_stats(order).print_stats(35)
    if not report.ok:
        sys.exit(f"{label}: {report.error_count} errors, first {report.errors[:3]}")
    counts = report.counts
    print(f"    {label}: {counts['create']} created, {counts['update']} updated, "
          f"{counts['unchanged']} unchanged")
    return counts["create"] + counts["update"] + counts["unchanged"]


def timed(label: str, function) -> float:
    began = time.perf_counter()
    rows = function()
    seconds = time.perf_counter() - began
    print(f"{label:<36} {rows:>8} rows {seconds:7.2f} s {rows / seconds:>10,.0f} rows/s")
    return seconds


def main() -> None:
    setup_database()
    from django.db import connection

    from contracts.models import Contract, ContractCoverage
    from kitos.models import AuditEntry

    org, user = populate()
    began = time.perf_counter()
    data = build_inventory(ROWS)
    print(f"wrote {ROWS:,} x {len(HEADERS)} workbook: {len(data) / 1e6:.1f} MB in "
          f"{time.perf_counter() - began:.1f} s; PostgreSQL {connection.pg_version}")
    openpyxl_s = timed("openpyxl read-only (every value)", lambda: read_openpyxl(data))
    timed("python-calamine (every value)", lambda: read_calamine(data))
    timed("kitos reader (safety + calamine)", lambda: read_kitos(data))
    preview_s = timed("preview (read + validate)",
                      lambda: run_import(org, user, data, commit=False, label="preview"))
    commit_s = timed("commit (creates, audited)",
                     lambda: run_import(org, user, data, commit=True, label="commit"))
    written = (Contract.objects.filter(organisation=org).count(),
               ContractCoverage.objects.filter(organisation=org).count(),
               AuditEntry.objects.filter(source="import").count())
    print(f"    written: {written[0]} contracts, {written[1]} coverages, "
          f"{written[2]} audit entries")
    reimport_s = timed("re-import (all unchanged)",
                       lambda: run_import(org, user, data, commit=True, label="reimport"))
    print("time / openpyxl read-only read: "
          f"preview {preview_s / openpyxl_s:.2f}x, commit {commit_s / openpyxl_s:.2f}x, "
          f"re-import {reimport_s / openpyxl_s:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
