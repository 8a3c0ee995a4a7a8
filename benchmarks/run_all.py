"""`make bench`: every benchmark in turn, then one table of the figures they measured.

Each benchmark prints its own details and one ``RESULT | figure | measured | goal | holds
| detail`` line per figure (benchmarks/_timing.py). This runner collects those lines into
the table the README quotes. ``BENCH_RUNS=2`` runs the whole set twice in a row (the
goals are meant to hold on both); ``BENCH_ONLY=api,alerts`` picks scripts by name.

Figures, never assertions: the exit status says only whether every script ran.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# The table, in its order; then the older yardsticks that stay useful.
SCRIPTS = {
    "api": "bench_api_page.py",
    "alerts": "bench_alert_scan.py",
    "export": "bench_export.py",
    "import": "bench_import.py",
    "pages": "bench_pages.py",
    "excel_read": "bench_excel_read.py",
    "report": "bench_report_export.py",
}


def run(script: str) -> tuple[int, list[list[str]], float]:
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(HERE / script)], stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, cwd=HERE.parent,
    )
    results = []
    assert process.stdout is not None
    for line in process.stdout:
        print(line, end="", flush=True)
        if line.startswith("RESULT |"):
            results.append([cell.strip() for cell in line.split("|")[1:]])
    return process.wait(), results, time.perf_counter() - started


def main() -> int:
    only = {name for name in os.environ.get("BENCH_ONLY", "").split(",") if name}
    runs = int(os.environ.get("BENCH_RUNS", "1"))
    chosen = {name: script for name, script in SCRIPTS.items()
              if (not only or name in only) and (HERE / script).exists()}
    table, failures = [], []
    for run_number in range(1, runs + 1):
        for script in chosen.values():
            print(f"\n===== {script} (run {run_number} of {runs}) =====", flush=True)
            status, results, elapsed = run(script)
            print(f"----- {script}: {elapsed:.0f} s, exit {status}")
            if status:
                failures.append(f"{script} (run {run_number}) exited with {status}")
            table += [[str(run_number), *row] for row in results]
    print("\n===== make bench: figures (PostgreSQL; medians of interleaved repeats) =====")
    header = ["run", "figure", "measured", "goal", "holds", "detail"]
    widths = [max(len(row[i]) if i < len(row) else 0 for row in [header, *table])
              for i in range(len(header))]
    for row in [header, *table]:
        cells = [(row[i] if i < len(row) else "").ljust(widths[i]) for i in range(len(header))]
        print("| " + " | ".join(cells) + " |")
    held = sum(1 for row in table if len(row) > 4 and row[4] == "yes")
    print(f"\n{held} of {len(table)} figures meet their goal.")
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
