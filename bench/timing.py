"""Timing: `time.perf_counter` around a call, warm-ups first, median and p95 of the runs."""

from __future__ import annotations

import math
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Stats:
    """Wall-clock samples of one measured call, in seconds."""

    samples: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        """Nearest-rank 95th percentile (with 20 runs: the 19th fastest)."""
        ordered = sorted(self.samples)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    def line(self, label: str) -> str:
        return (f"  {label:<52} median {ms(self.median):>9}   p95 {ms(self.p95):>9}"
                f"   (n={len(self.samples)})")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    """One call: (seconds, result)."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def measure(fn: Callable[[], object], runs: int, warmups: int = 2) -> Stats:
    """`warmups` untimed calls, then `runs` timed ones."""
    return alternate({"only": fn}, runs, warmups)["only"]


def alternate(fns: dict[str, Callable[[], object]], runs: int, warmups: int = 2,
              every: dict[str, int] | None = None,
              before: Callable[[], object] | None = None) -> dict[str, Stats]:
    """Rounds in which every call runs once, so machine drift hits every engine alike.

    The order is shuffled in each round (fixed seed): Python's full garbage collections come
    every few renders, and in a fixed order they would fall on the same engine each round.
    `every[name] = k` times that call in one round out of k only (a slow peer engine), still
    interleaved with the others. `before`, if given, runs untimed before each timed call.
    """
    every = every or {}
    for _ in range(warmups):
        for fn in fns.values():
            fn()
    stats = {name: Stats() for name in fns}
    order = list(fns)
    shuffle = random.Random(13).shuffle
    for round_ in range(runs):
        shuffle(order)
        for name in order:
            if round_ % every.get(name, 1) == 0:
                if before is not None:
                    before()
                stats[name].samples.append(timed(fns[name])[0])
    return stats
