"""Side-by-side timing for the benchmarks: medians of interleaved repeats, and the one
summary line per figure that `make bench` collects into its table.

Interleaving (A, B, A, B, …) rather than timing A ten times and then B ten times keeps a
noisy neighbour (another process, a CPU frequency change) from landing on one side only.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def interleaved(functions: dict[str, Callable[[], object]], repeat: int,
                *, setup: Callable[[], object] | None = None) -> dict[str, float]:
    """Median seconds of each function, run in turn ``repeat`` times (``setup`` runs
    untimed before every call, e.g. to reset state a run changed)."""
    timings: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(repeat):
        for name, function in functions.items():
            if setup is not None:
                setup()
            started = time.perf_counter()
            function()
            timings[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in timings.items()}


def result(figure: str, measured: float, goal: str, *, holds: bool, detail: str = "",
           unit: str = "×") -> None:
    """Print one figure as a line `make bench` gathers: ``RESULT | figure | measured |
    goal | holds | detail``. ``measured`` is usually a ratio (printed as 1.84×); with
    another `unit` it is a count or an amount (printed as ``12 queries``)."""
    mark = "yes" if holds else "NO"
    shown = f"{measured:.2f}×" if unit == "×" else f"{measured:g}{unit}"
    print(f"RESULT | {figure} | {shown} | {goal} | {mark} | {detail}", flush=True)


def ratio_result(figure: str, timings: dict[str, float], ours: str, theirs: str, *,
                 limit: float, repeat: int, rows: int, detail: str = "") -> float:
    """Print both sides' medians with their rows per second, then the figure ``ours /
    theirs`` against the goal ``≤ limit×``; returns the ratio."""
    width = max(len(ours), len(theirs)) + 1
    for name in (ours, theirs):
        print(f"  {name + ':':<{width}} {timings[name]:6.2f} s {rows / timings[name]:9,.0f} rows/s")
    ratio = timings[ours] / timings[theirs]
    result(figure, ratio, f"≤ {limit:g}×", holds=ratio <= limit,
           detail=f"{timings[ours]:.2f} s vs {timings[theirs]:.2f} s, medians of {repeat} "
                  f"interleaved" + (f"; {detail}" if detail else ""))
    return ratio
