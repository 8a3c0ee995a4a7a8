"""Benchmark: reading a 100,000-row, 10-column inventory workbook.

Writes a realistic workbook with openpyxl (write-only, like the export), then reads it with
openpyxl's read-only mode and with python-calamine, and prints rows/s for each and the
ratio; then the full kitos reader (safety checks + calamine + value conversion). The import
reads with the faster one (kitos/excel/reader.py). Figures, not assertions.

    .venv/bin/python benchmarks/bench_excel_read.py      # BENCH_EXCEL_ROWS=100000
"""

from __future__ import annotations

import datetime
import io
import os
import random
import time
import zipfile

import _database  # noqa: F401 - the project on the path and the settings, before Django

ROWS = int(os.environ.get("BENCH_EXCEL_ROWS", "100000"))
HEADERS = [
    "System", "Leverandør", "CVR", "Kontraktnummer", "Startdato", "Slutdato",
    "Årlig pris (kr.)", "Aktiv", "Forvaltning", "Bemærkning",
]


def build_inventory(rows: int) -> bytes:
    import openpyxl

    rng = random.Random(42)
    suppliers = [f"Leverandør {number} A/S" for number in range(400)]
    units = ["Børn og Unge", "Teknik og Miljø", "Social og Sundhed", "Økonomi", "HR", "IT"]
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Systemer")
    sheet.append(HEADERS)
    start = datetime.date(2015, 1, 1)
    for number in range(rows):
        began = start + datetime.timedelta(days=rng.randrange(3650))
        sheet.append([
            f"System {number:06d} {rng.choice(['ESDH', 'Løn', 'Booking', 'GIS', 'CRM'])}",
            rng.choice(suppliers),
            10_000_000 + rng.randrange(89_999_999),
            f"K-{number:06d}",
            began,
            began + datetime.timedelta(days=365 * rng.randrange(1, 8)),
            round(rng.uniform(5_000, 2_500_000), 2),
            rng.random() < 0.9,
            rng.choice(units),
            rng.choice(["", "Genudbud planlagt", "Option på 2 x 12 måneder", ""]),
        ])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_openpyxl(data: bytes) -> int:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    count = sum(1 for _row in workbook["Systemer"].iter_rows(values_only=True))
    workbook.close()
    return count


def read_calamine(data: bytes) -> int:
    import python_calamine

    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    return sum(1 for _row in workbook.get_sheet_by_name("Systemer").iter_rows())


def read_kitos(data: bytes) -> int:
    from kitos.excel.reader import read_workbook

    return len(read_workbook(data, max_rows=ROWS + 1)[0].rows)


def timed(label: str, function, data: bytes) -> float:
    began = time.perf_counter()
    rows = function(data)
    seconds = time.perf_counter() - began
    print(f"{label:<34} {rows:>8} rows {seconds:7.2f} s {rows / seconds:>10,.0f} rows/s")
    return rows / seconds


def main() -> None:
    import django

    django.setup()
    began = time.perf_counter()
    data = build_inventory(ROWS)
    print(f"wrote {ROWS:,} x {len(HEADERS)} workbook: {len(data) / 1e6:.1f} MB "
          f"in {time.perf_counter() - began:.1f} s (openpyxl write-only)")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        unpacked = sum(member.file_size for member in members)
        ratio = max(member.file_size / max(member.compress_size, 1) for member in members)
    print(f"unpacked {unpacked / 1e6:.1f} MB, highest compression ratio {ratio:.1f}")
    openpyxl_speed = timed("openpyxl read-only (values_only)", read_openpyxl, data)
    calamine_speed = timed("python-calamine iter_rows", read_calamine, data)
    kitos_speed = timed("kitos read_workbook (calamine)", read_kitos, data)
    print(f"calamine / openpyxl: {calamine_speed / openpyxl_speed:.1f}x; "
          f"kitos reader / openpyxl: {kitos_speed / openpyxl_speed:.1f}x")


if __name__ == "__main__":
    main()
