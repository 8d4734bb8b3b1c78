"""Fiche PDFs per second with one and with two warmed worker processes (one per core)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

from bench import PROJECT_ROOT
from bench.session import Bench, heading

BUDGET = 1.9
NAME = "fiche PDFs per second, 2 warmed workers / 1"


class Worker:
    """A bench.render_worker process; `go(n)` starts n renders, `wait()` returns their time."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "bench.render_worker"],
                                     cwd=PROJECT_ROOT, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, bufsize=1)
        self.note = ""

    def ready(self) -> None:
        """Block until the worker has warmed up."""
        self.note = self._read("ready")

    def _read(self, word: str) -> str:
        line = self.proc.stdout.readline()
        if not line.startswith(word):
            raise RuntimeError(f"render worker said {line!r} instead of {word!r}")
        return line[len(word):].strip()

    def go(self, count: int) -> None:
        self.proc.stdin.write(f"go {count}\n")
        self.proc.stdin.flush()

    def wait(self) -> float:
        return float(self._read("done").split()[1])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()  # end of input: the worker returns
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


def run(bench: Bench) -> None:
    heading("PDFs per second: 1 and 2 warmed worker processes (fiche, service render_pdf)")
    cores = len(os.sched_getaffinity(0))
    rounds, per_worker = (2, 3) if bench.quick else (4, 6)
    workers: list[Worker] = []
    try:
        for _ in range(2):  # both warm up at the same time
            workers.append(Worker())
            bench.on_close(workers[-1].stop)
        for w in workers:
            w.ready()
        print(f"  {cores} cores available; workers: {workers[0].note}")
        rates: dict[int, list[float]] = {1: [], 2: []}
        for _ in range(rounds):  # alternating 1, 2, 1, 2... so drift hits both alike
            for count in (1, 2):
                active = workers[:count]
                start = time.perf_counter()
                for w in active:
                    w.go(per_worker)
                for w in active:
                    w.wait()
                rates[count].append(count * per_worker / (time.perf_counter() - start))
    finally:
        for w in workers:
            w.stop()
    one, two = statistics.median(rates[1]), statistics.median(rates[2])
    for count, median in ((1, one), (2, two)):
        print(f"  {count} worker{'s' if count > 1 else ' '}: median {median:.2f} PDFs/s  ["
              + ", ".join(f"{r:.2f}" for r in rates[count])
              + f"]  ({per_worker} renders per worker per round)")
    bench.record("throughput", "pdfs_per_second", {"1": rates[1], "2": rates[2]})
    detail = f"{one:.2f} → {two:.2f} PDFs/s, medians of {rounds} alternating rounds"
    if cores < 2:
        detail += f"; only {cores} core available"
    bench.verdicts.check_min(NAME, two / one, BUDGET, detail=detail)
