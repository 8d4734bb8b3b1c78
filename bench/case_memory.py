"""Case: RSS growth of one worker process over 120 renders (PDF + DOCX each)."""

from __future__ import annotations

import json
import subprocess
import sys

from bench import PROJECT_ROOT
from bench.session import Bench, heading

BUDGET_MB = 30
RENDERS = 120


def run(bench: Bench) -> None:
    renders = 24 if bench.quick else RENDERS
    heading(f"Memory: {renders} renders in one worker process")
    done = subprocess.run([sys.executable, "-m", "bench.memory_worker", str(renders)],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"memory worker failed:\n{done.stderr[-2000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    marks = result["marks_kb"]
    for label, kb in marks.items():
        print(f"  VmRSS {label:<28} {kb / 1024:7.1f} MB")
    print(f"  VmHWM (peak) {result['peak_kb'] / 1024:.1f} MB; "
          f"{result['seconds'] / renders * 1000:.0f} ms per render (PDF + DOCX)")
    growth = (marks[f"after {renders} renders"] - marks["after 2 warm-ups"]) / 1024
    print(f"  growth from import to the end (info): "
          f"{(marks[f'after {renders} renders'] - marks['service imported']) / 1024:.1f} MB")
    bench.record("memory", "rss_kb", marks)
    bench.record("memory", "peak_kb", result["peak_kb"])
    name = f"{renders} renders in one worker, RSS growth after warm-up"
    if bench.quick:
        name += f" (quick: {renders}, not {RENDERS})"
    bench.verdicts.check(name, growth, BUDGET_MB, unit=" MB")
