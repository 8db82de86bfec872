"""Timing for the benchmark scripts: the best of several runs (least disturbed by other load)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def best_of(fn: Callable[[], Any], repeats: int) -> float:
    """Fastest wall time of `repeats` calls of fn, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)
