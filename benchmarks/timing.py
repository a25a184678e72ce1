"""Timing shared by the benchmarks."""

from __future__ import annotations

import statistics
import time


def timed(fn, runs: int = 5) -> tuple[float, object]:
    """Median wall time of `runs` calls of `fn`, and the last call's result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result
