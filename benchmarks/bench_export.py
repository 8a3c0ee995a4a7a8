"""Benchmark: the import-format Excel export of 20,000 contracts (what the contract list's
Excel download and ``export_workbook`` write: the "Kontrakter" sheet with its Id, names,
choices, dates, amounts, supplier, unit, covered systems, main contract for ...) beside a
minimal openpyxl write-only script writing exactly the same cells.

The yardstick is fair: it also reads the data, in one ``values()`` query that joins the
supplier and unit names and aggregates the covered systems, maps choice codes to labels
and appends plain values (no formula-injection guard, no column widths, dropdowns or
header style). kitos does all of that, and reads references the way the import resolves
them back (by the first unique name). Before timing, both workbooks are read back and
compared cell by cell. Target: at most 1.3x. Figures, not assertions; PostgreSQL.

    .venv/bin/python benchmarks/bench_export.py   # BENCH_EXPORT_ROWS=20000 BENCH_REPEAT=5
"""

from __future__ import annotations

import datetime
import io
import os
import random
import time
from decimal import Decimal

from _database import fresh_database, use_database  # first: the project on the path, the settings
from _timing import interleaved, ratio_result

use_database("export")

ROWS = int(os.environ.get("BENCH_EXPORT_ROWS", "20000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
UNITS, SUPPLIERS, SYSTEMS = 60, 400, 1500
# Notes a user may well type, some of which Excel would take as a formula.
NOTES = ["", "", "", "Genforhandles i 2027", "-25 % rabat ved forlængelse",
         "+ option på support", "Aftale om databehandling vedlagt", "@drift: se bilag 3",
         "Bemærk: prisregulering pr. 1. januar"]


def populate():
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from contracts import choices
    from contracts.models import Contract, ContractCoverage
    from kitos.models import Membership, Organisation
    from portfolio.choices import Criticality
    from portfolio.models import ItSystem, Supplier, SystemUsage
    from roles.models import OrganisationUnit

    rng = random.Random(42)
    today = datetime.date.today()
    organisation = Organisation.objects.create(name="Bench Kommune", slug="bench")
    user = get_user_model().objects.create_user("bench", password="x")
    Membership.objects.create(user=user, organisation=organisation, role="reader")
    with transaction.atomic():
        root = OrganisationUnit.objects.create(organisation=organisation, name="Bench Kommune")
        root.path = f"/{root.pk}/"
        root.save(update_fields=["path"])
        units = [root]
        for n in range(UNITS - 1):
            unit = OrganisationUnit.objects.create(
                organisation=organisation, name=f"Afdeling {n:03d}", parent=root)
            unit.path = f"{root.path}{unit.pk}/"
            unit.depth = 1
            unit.save(update_fields=["path", "depth"])
            units.append(unit)
        suppliers = Supplier.objects.bulk_create(
            [Supplier(name=f"Leverandør {n:04d} A/S", cvr=f"{40000000 + n}")
             for n in range(SUPPLIERS)])
        systems = ItSystem.objects.bulk_create(
            [ItSystem(name=f"System {n:04d}", rights_holder=rng.choice(suppliers))
             for n in range(SYSTEMS)])
        usages = SystemUsage.objects.bulk_create(
            [SystemUsage(organisation=organisation, system=system, lifecycle="operational",
                         responsible_unit=rng.choice(units)) for system in systems])
        contracts = []
        for n in range(ROWS):
            start = today - datetime.timedelta(days=rng.randint(100, 3000))
            contract = Contract(
                organisation=organisation, name=f"Kontrakt {n:06d}",
                contract_number=f"K-{n:06d}",
                contract_type=rng.choice(choices.ContractType.values),
                supplier=rng.choice(suppliers), responsible_unit=rng.choice(units),
                procurement_form=rng.choice(["", *choices.ProcurementForm.values]),
                criticality=rng.choice(["", *Criticality.values]),
                concluded_on=start - datetime.timedelta(days=rng.randint(10, 90)),
                start_date=start,
                expiry_date=start + datetime.timedelta(days=365 * rng.randint(1, 6)),
                irrevocable_until=rng.choice([None, start + datetime.timedelta(days=730)]),
                notice_months=rng.choice([0, 3, 6, 12]),
                notice_to_end_of=rng.choice(["", *choices.NoticeToEndOf.values]),
                renewal_months=rng.choice([None, 12]),
                lead_months=rng.choice([0, 6, 9]),
                acquisition_cost=rng.choice([None, Decimal(rng.randint(10_000, 9_000_000)) / 100]),
                yearly_cost=Decimal(rng.randint(5_000, 2_500_000)) / 100,
                notes=rng.choice(NOTES), external_reference=rng.choice(["", f"KITOS-{n}"]),
            )
            if rng.random() < 0.4:
                contract.extension_months = rng.choice([12, 24])
                contract.extensions_total = rng.randint(1, 3)
            contract.apply_deadlines(today)
            contracts.append(contract)
        Contract.objects.bulk_create(contracts, batch_size=2000)
        coverage, main_taken = [], set()
        for contract in contracts:
            for usage in rng.sample(usages, rng.randint(0, 3)):
                is_main = usage.pk not in main_taken and rng.random() < 0.3
                if is_main:
                    main_taken.add(usage.pk)
                coverage.append(ContractCoverage(contract=contract, usage=usage,
                                                 organisation=organisation, is_main=is_main))
        ContractCoverage.objects.bulk_create(coverage, batch_size=5000)
    return user, organisation


def kitos_export(user, organisation) -> bytes:
    """What the contract list's Excel download does (ListView.export)."""
    from contracts.models import Contract
    from kitos.excel.exporter import export_queryset

    queryset = Contract.objects.visible_to(user).for_list().order_by("name", "pk")
    target = io.BytesIO(export_queryset(entity="contracts", queryset=queryset,
                                        organisation=organisation))
    return target.getvalue()


def minimal(user) -> bytes:
    """One values() query, choice labels mapped, openpyxl write-only: the same cells."""
    import openpyxl
    from django.contrib.postgres.aggregates import StringAgg
    from django.db.models import OuterRef, Q, Subquery

    from contracts import choices
    from contracts.importers import CONTRACTS
    from contracts.models import Contract
    from portfolio.choices import Criticality

    system = "coverage__usage__system__name"
    elements = (
        Contract.agreement_elements.through.objects.filter(contract=OuterRef("pk"))
        .order_by().values("contract")
        .annotate(names=StringAgg("option__name", "; ", ordering="option__name"))
        .values("names")
    )
    rows = (
        Contract.objects.visible_to(user).order_by("name", "pk")
        .annotate(systems=StringAgg(system, "; ", ordering=system),
                  main=StringAgg(system, "; ", filter=Q(coverage__is_main=True),
                                 ordering=system),
                  elements=Subquery(elements))
        .values_list(
            "uuid", "name", "contract_number", "contract_type", "supplier__name",
            "responsible_unit__name", "procurement_form", "criticality", "concluded_on",
            "start_date", "expiry_date", "irrevocable_until", "notice_months",
            "notice_to_end_of", "extension_months", "extensions_total", "extensions_used",
            "renewal_months", "terminated_on", "lead_months", "acquisition_cost",
            "yearly_cost", "currency", "contract_template__name", "elements",
            "customer_signed_by", "customer_signed_on", "supplier_signed_by",
            "supplier_signed_on", "procurement_strategy__name", "procurement_plan_year",
            "procurement_plan_quarter", "payment_model__name", "payment_frequency__name",
            "price_regulation__name", "systems", "main", "notes", "external_reference",
        )
    )
    labels = [{code: str(label) for code, label in c.choices}
              for c in (choices.ContractType, choices.ProcurementForm, Criticality,
                        choices.NoticeToEndOf)]
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Kontrakter")
    sheet.append([column.header for column in CONTRACTS.export_columns()])
    for row in rows:
        row = list(row)
        row[0] = str(row[0])
        for index, label in zip((3, 6, 7, 13), labels, strict=True):
            row[index] = label.get(row[index], "")
        for index in (23, 24, 29, 32, 33, 34, 35, 36):  # names of references, lists
            row[index] = row[index] or ""
        sheet.append(row)
    target = io.BytesIO()
    workbook.save(target)
    return target.getvalue()


def _cells(content: bytes) -> list[list]:
    """The cells as the import reads them (its own reader), empty text as no value."""
    from kitos.excel.reader import read_workbook

    sheet = read_workbook(content)[0]
    rows = []
    for row in sheet.rows:
        values = [None if value == "" else value for value in row.values]
        while values and values[-1] is None:
            values.pop()
        rows.append(values)
    return rows


def main():
    fresh_database()
    from django.db import connection

    started = time.perf_counter()
    user, organisation = populate()
    print(f"export: {ROWS:,} contracts in {time.perf_counter() - started:.1f} s "
          f"({connection.vendor})")

    ours, theirs = kitos_export(user, organisation), minimal(user)
    same = _cells(ours) == _cells(theirs)
    print(f"  same cells: {same}; sizes {len(ours) / 1e6:.1f} MB vs {len(theirs) / 1e6:.1f} MB")
    timings = interleaved({"kitos export (query + cells + xlsx)":
                           lambda: kitos_export(user, organisation),
                           "openpyxl write_only, same cells": lambda: minimal(user)}, REPEAT)
    ratio_result(f"export of {ROWS:,} contracts vs minimal openpyxl write_only", timings,
                 "kitos export (query + cells + xlsx)", "openpyxl write_only, same cells",
                 limit=1.3, repeat=REPEAT, rows=ROWS, detail=f"same cells: {same}")

if __name__ == "__main__":
    main()
