"""`python -m bench [--quick] [--only NAME ...]`: run the cases, print figures and verdicts."""

from __future__ import annotations

import argparse
import os
import platform
import signal
import sys
import time
from importlib import import_module
from importlib.metadata import version

from bench.session import Bench

CASES = {  # name → module; run in this order
    "pdf": "bench.case_pdf",
    "docx": "bench.case_docx",
    "http": "bench.case_http",
    "served": "bench.case_served",
    "memory": "bench.case_memory",
    "chromium": "bench.case_chromium",
    "signing": "bench.case_signing",
    "profile": "bench.case_profile",
}


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="5 runs instead of 20")
    parser.add_argument("--only", action="append", metavar="NAME",
                        help=f"run only these cases (repeat or comma-separate): {', '.join(CASES)}")
    args = parser.parse_args(argv)
    names = [n.strip() for item in args.only or [] for n in item.split(",") if n.strip()]
    unknown = [n for n in names if n not in CASES]
    if unknown:
        parser.error(f"unknown case(s) {', '.join(unknown)}; choose from {', '.join(CASES)}")
    args.names = [n for n in CASES if n in names] if names else list(CASES)
    return args


def _stop_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)  # runs the cleanups in main's finally


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    bench = Bench(runs=5 if args.quick else 20, warmups=2, quick=args.quick)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    print(f"bench: {bench.runs} runs after {bench.warmups} warm-ups, medians and p95 "
          f"(time.perf_counter); Python {platform.python_version()}, WeasyPrint "
          f"{version('weasyprint')}, docxtpl {version('docxtpl')}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}", flush=True)
    start = time.perf_counter()
    errors = []
    try:
        for name in args.names:
            try:
                import_module(CASES[name]).run(bench)
            except Exception as exc:  # one broken case must not hide the others' figures
                errors.append(name)
                print(f"ERROR in case {name}: {type(exc).__name__}: {exc}", flush=True)
    finally:
        bench.close()
    print(f"\n== Summary ({time.perf_counter() - start:.0f} s) ==")
    for line in bench.verdicts.lines:
        print(line)
    for name in errors:
        print(f"ERROR  case {name} did not complete")
    return 1 if bench.verdicts.failed or errors else 0


if __name__ == "__main__":
    sys.exit(main())
