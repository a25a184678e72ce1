"""Timing shared by the benchmarks."""

from __future__ import annotations

import statistics
import time


def timed(fn, runs: int = 5, clock=time.perf_counter) -> tuple[float, object]:
    """Median time of `runs` calls of `fn` (wall time; `clock=time.process_time`: this process's
    CPU time, steadier on a shared machine), and the last call's result."""
    times, result = [], None
    for _ in range(runs):
        start = clock()
        result = fn()
        times.append(clock() - start)
    return statistics.median(times), result
