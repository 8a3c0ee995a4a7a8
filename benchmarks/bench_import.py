"""Benchmark: importing a 20,000-row contracts sheet into PostgreSQL, beside
django-import-export and beside openpyxl merely reading the file.

Creates an organisation with 300 units, 300 suppliers and 300 system usages, writes a
20,000-row "Kontrakter" sheet that refers to them (two title rows, then 11 columns:
name, number, supplier by CVR or by name, responsible unit, dates as real dates and as
Danish text, notice period, yearly cost as Danish text, type, procurement form, covered
system), then times side by side (medians of interleaved repeats; the database is reset
untimed before each run):

* openpyxl's read-only mode iterating every value of the file (the floor: any Python
  import reads the file at least this way),
* the kitos import's commit: read (safety checks + calamine), validate, insert the
  contracts, their coverage rows and one audit entry per contract, all in one
  transaction: the engine call ``imports.services.import_execute`` makes to commit.

And once (it takes minutes; a median would take too long), the yardstick:

* django-import-export 4.4 (a dev dependency, never imported by the portal) on the same
  file: its XLSX format's own reading (openpyxl read-only; here from the header row,
  as the file has a title above it), then ``ModelResource.import_data(dry_run=False)``
  with its defaults (one transaction, a diff and a result per row, instances saved one
  by one with ``save()``). The resource maps the same columns to the same fields:
  supplier and unit through ``ForeignKeyWidget`` (the supplier by CVR or by name, as the
  file has both), dates through ``DateWidget`` with the file's Danish formats, amounts
  through ``DecimalWidget`` with Danish separators, the choices by label, and the
  covered system through ``ManyToManyWidget``. It writes no audit entries (it has
  none) and validates less than kitos (``clean_model_instances`` is off by default):
  kitos does more work per row.

Prints the two figures as RESULT lines, plus the preview and a re-import of the same
file (all unchanged, nothing written) for information. Figures, not assertions: machines
are noisy. ``BENCH_IMPORT_ROWS`` changes the size; ``BENCH_IMPORT_PROFILE=commit`` (or
``preview``, ``reimport``) prints a cProfile of that step (``BENCH_IMPORT_SORT=tottime``).
``BENCH_IMPORT_YARDSTICK=0`` skips django-import-export;
``BENCH_IMPORT_YARDSTICK_ROWS=2000`` runs it on the first 2,000 rows and extrapolates
linearly (its time per row grows a little with the table, so this flatters it). On a
2-core machine django-import-export alone takes minutes on 20,000 rows.

    .venv/bin/python benchmarks/bench_import.py     # creates kitos_bench_import
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

os.environ.setdefault("DJANGO_DEBUG", "0")  # no query log: it would hold every statement

from _database import fresh_database, use_database  # first: the project on the path, the settings
from _timing import interleaved, ratio_result, result

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "20000"))
REPEAT = int(os.environ.get("BENCH_IMPORT_REPEAT", "3"))
PROFILE = os.environ.get("BENCH_IMPORT_PROFILE", "")
YARDSTICK = os.environ.get("BENCH_IMPORT_YARDSTICK", "1") != "0"
# django-import-export on fewer rows, its time extrapolated linearly (default: all rows).
YARDSTICK_ROWS = int(os.environ.get("BENCH_IMPORT_YARDSTICK_ROWS", str(ROWS)))
REFERENCED = 300
TITLE_ROWS = 2
HEADERS = [
    "Kontraktnavn", "Kontraktnummer", "Leverandør", "Ansvarlig enhed", "Startdato",
    "Udløbsdato", "Opsigelsesvarsel (måneder)", "Årlig driftsudgift", "Kontrakttype",
    "Udbudsform", "Systemer",
]
CONTRACT_TYPES = ["Hovedkontrakt", "Serviceaftale", "Licens", "Drift", "main"]
PROCUREMENT = ["SKI-aftale", "EU-udbud", "Direkte tildeling", "ski", ""]


def setup_database() -> None:
    from django.apps import apps

    from gdpr.reference import ensure_data_categories
    from roles.reference import ensure_disciplines_and_role_types

    fresh_database()
    # flush empties the reference tables the data migrations filled.
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
    return count - TITLE_ROWS - 1


def run_import(org, user, data, *, commit: bool, label: str, quiet: bool = False) -> int:
    from kitos.excel.engine import run_import_file

    profiler = cProfile.Profile() if PROFILE and PROFILE == label else None
    if profiler:
        profiler.enable()
    report = run_import_file(actor=user, organisation=org, content=data,
                             filename="kontrakter.xlsx", commit=commit)
    if profiler:
        profiler.disable()
        order = os.environ.get("BENCH_IMPORT_SORT", "cumulative")
        pstats.Stats(profiler).sort_stats(order).print_stats(35)
    if not report.ok:
        sys.exit(f"{label}: {report.error_count} errors, first {report.errors[:3]}")
    counts = report.counts
    if not quiet:
        print(f"    {label}: {counts['create']} created, {counts['update']} updated, "
              f"{counts['unchanged']} unchanged")
    return counts["create"] + counts["update"] + counts["unchanged"]


def reset(org) -> None:
    """Remove what an import wrote (contracts, their coverage, the audit log), untimed."""
    from django.db import connection

    from contracts.models import Contract, ContractCoverage
    from kitos.models import AuditEntry

    tables = [connection.ops.quote_name(model._meta.db_table)
              for model in (ContractCoverage, Contract, AuditEntry)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # As empty as before the first run (a DELETE would leave dead rows behind).
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")


def written(org) -> tuple[int, int, int]:
    from contracts.models import Contract, ContractCoverage
    from kitos.models import AuditEntry

    return (Contract.objects.filter(organisation=org).count(),
            ContractCoverage.objects.filter(organisation=org).count(),
            AuditEntry.objects.filter(source="import").count())


# --- the yardstick: django-import-export ------------------------------------------------


def contract_resource(org):
    """A django-import-export ModelResource for the sheet's columns, with its stock
    widgets; only what the stock ones cannot read (a supplier by CVR or name, a choice by
    its label, the through model's organisation) is a small subclass."""
    from django.db.models import Q
    from django.db.models.functions import Lower
    from import_export import fields, resources, widgets

    from contracts import choices
    from contracts.models import Contract
    from portfolio.models import Supplier, SystemUsage
    from roles.models import OrganisationUnit

    class SupplierWidget(widgets.ForeignKeyWidget):
        def clean(self, value, row=None, **kwargs):
            if value in (None, ""):
                return None
            return self.get_queryset(value, row).get(Q(cvr=str(value)) | Q(name=value))

    class ChoiceWidget(widgets.CharWidget):
        def __init__(self, choice_class):
            super().__init__()
            self.by_text = {str(label).casefold(): value
                            for value, label in choice_class.choices}
            self.by_text.update({value.casefold(): value for value in choice_class.values})

        def clean(self, value, row=None, **kwargs):
            return self.by_text.get(str(value or "").casefold(), "")

    class SystemsWidget(widgets.ManyToManyWidget):
        # Read by the system's name; the diff renders the same text.
        def render(self, value, obj=None, **kwargs):
            if value is None:
                return ""
            return self.separator.join(usage.system.name
                                       for usage in value.select_related("system"))

    class DateWidget(widgets.DateWidget):
        # openpyxl gives a date cell as a datetime, which DateWidget passes through.
        def clean(self, value, row=None, **kwargs):
            value = super().clean(value, row, **kwargs)
            return value.date() if isinstance(value, datetime.datetime) else value

    class CoverageField(fields.Field):
        # The through model carries the organisation: .set() needs it as a default.
        def save(self, instance, row, is_m2m=False, **kwargs):
            instance.usages.set(self.clean(row, **kwargs),
                                through_defaults={"organisation_id": org.pk})

    def column(attribute, header, widget=None):
        return fields.Field(attribute=attribute, column_name=header, widget=widget)

    class ContractResource(resources.ModelResource):
        name = column("name", "Kontraktnavn")
        contract_number = column("contract_number", "Kontraktnummer")
        supplier = column("supplier", "Leverandør", SupplierWidget(Supplier))
        responsible_unit = column("responsible_unit", "Ansvarlig enhed",
                                  widgets.ForeignKeyWidget(OrganisationUnit, "name"))
        start_date = column("start_date", "Startdato", DateWidget("%d-%m-%Y"))
        expiry_date = column("expiry_date", "Udløbsdato", DateWidget("%d.%m.%Y"))
        notice_months = column("notice_months", "Opsigelsesvarsel (måneder)",
                               widgets.IntegerWidget())
        yearly_cost = column("yearly_cost", "Årlig driftsudgift", widgets.DecimalWidget())
        contract_type = column("contract_type", "Kontrakttype",
                               ChoiceWidget(choices.ContractType))
        procurement_form = column("procurement_form", "Udbudsform",
                                  ChoiceWidget(choices.ProcurementForm))
        usages = CoverageField(attribute="usages", column_name="Systemer",
                               widget=SystemsWidget(SystemUsage, ",", "system__name"))

        class Meta:
            model = Contract
            fields = ("name", "contract_number", "supplier", "responsible_unit", "start_date",
                      "expiry_date", "notice_months", "yearly_cost", "contract_type",
                      "procurement_form", "usages")
            # Matched by name, as kitos matches a row without an id (there is no id column),
            # see get_instance.
            import_id_fields = ("name",)

        def get_instance(self, instance_loader, row):
            # What ModelInstanceLoader does, through the organisation's unique index on
            # the lower-cased name (a plain name= lookup would scan the table per row).
            name = self.fields["name"].clean(row)
            return (Contract.objects.alias(lower_name=Lower("name"))
                    .filter(organisation=org, lower_name=name.lower()).first())

        def before_save_instance(self, instance, row, **kwargs):
            instance.organisation = org

    return ContractResource()


def import_export_dataset(data: bytes):
    """What django-import-export's XLSX format does (``create_dataset``), from the header
    row below the file's title instead of the first row."""
    import openpyxl
    import tablib

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = workbook.active.rows
    for _title in range(TITLE_ROWS):
        next(rows)
    dataset = tablib.Dataset()
    dataset.headers = [cell.value for cell in next(rows)]
    for row in rows:
        dataset.append([cell.value for cell in row])
    workbook.close()
    return dataset


def run_import_export(org, data: bytes) -> int:
    from django.test.utils import override_settings

    # Danish amounts ("1.234,50"): DecimalWidget reads them with the active locale's
    # separators when thousand separators are on.
    with override_settings(USE_THOUSAND_SEPARATOR=True):
        dataset = import_export_dataset(data)
        outcome = contract_resource(org).import_data(dataset, dry_run=False)
    if outcome.has_errors() or outcome.has_validation_errors():
        errors = outcome.row_errors()[:1] or outcome.invalid_rows[:1]
        sys.exit(f"django-import-export failed: {errors}")
    return outcome.totals["new"] + outcome.totals["update"]


# --- the run ------------------------------------------------------------------------------


def timed(label: str, function) -> float:
    began = time.perf_counter()
    rows = function()
    seconds = time.perf_counter() - began
    print(f"{label:<44} {rows:>8} rows {seconds:7.2f} s {rows / seconds:>10,.0f} rows/s")
    return seconds


def main() -> None:
    use_database("import")
    setup_database()
    from django.db import connection
    from django.utils import translation

    translation.activate("da")
    org, user = populate()
    with connection.cursor() as cursor:
        # As autovacuum would have, after the bulk load (this server runs without it).
        # Without statistics PostgreSQL plans the foreign-key checks of the same-
        # organisation keys (a contract's unit, a coverage row's usage) through the
        # organisation's index: every check then reads all 300 units or usages, which
        # made those checks more than ten times slower than with the statistics any
        # running database has.
        cursor.execute("ANALYZE")
    began = time.perf_counter()
    data = build_inventory(ROWS)
    print(f"wrote {ROWS:,} x {len(HEADERS)} workbook: {len(data) / 1e6:.1f} MB in "
          f"{time.perf_counter() - began:.1f} s; {connection.vendor} "
          f"{getattr(connection, 'pg_version', '')}")

    # Once each, for information (and a check that the import does what it should).
    timed("preview (read + validate)",
          lambda: run_import(org, user, data, commit=False, label="preview"))
    timed("commit (creates, audited)",
          lambda: run_import(org, user, data, commit=True, label="commit"))
    contracts, coverages, entries = written(org)
    print(f"    written: {contracts} contracts, {coverages} coverages, {entries} audit entries")
    if (contracts, coverages, entries) != (ROWS, ROWS, ROWS):
        sys.exit("the import did not write one contract, coverage and entry per row")
    timed("re-import (all unchanged)",
          lambda: run_import(org, user, data, commit=True, label="reimport"))
    if written(org) != (ROWS, ROWS, ROWS):
        sys.exit("the re-import changed something")

    medians = interleaved({
        "openpyxl": lambda: read_openpyxl(data),
        "kitos": lambda: run_import(org, user, data, commit=True, label="", quiet=True),
    }, REPEAT, setup=lambda: reset(org))

    if YARDSTICK:
        reset(org)
        # The first rows of a smaller file are the same rows (same seed, same order).
        sample = data if YARDSTICK_ROWS >= ROWS else build_inventory(YARDSTICK_ROWS)
        measured = timed("django-import-export 4.4 (once)",
                         lambda: run_import_export(org, sample))
        rows = min(YARDSTICK_ROWS, ROWS)
        contracts, coverages, _entries = written(org)
        print(f"    written: {contracts} contracts, {coverages} coverages")
        if (contracts, coverages) != (rows, rows):
            sys.exit("django-import-export did not write one contract and coverage per row")
        yardstick = measured * ROWS / rows
        how = "one run" if rows == ROWS else (
            f"one run of {rows:,} rows, {measured:.1f} s, extrapolated linearly")
        speedup = yardstick / medians["kitos"]
        result(f"import of {ROWS:,} contracts: django-import-export / kitos", speedup,
               "≥ 30× faster", holds=speedup >= 30,
               detail=f"{yardstick:.1f} s ({how}) / {medians['kitos']:.2f} s (median of "
                      f"{REPEAT}); kitos also audits every row")
    ratio_result(f"import of {ROWS:,} contracts vs openpyxl read-only parse", medians,
                 "kitos", "openpyxl", limit=1.2, repeat=REPEAT, rows=ROWS,
                 detail="kitos reads, validates, writes and audits every row; openpyxl "
                        "reads every value")


if __name__ == "__main__":
    main()
