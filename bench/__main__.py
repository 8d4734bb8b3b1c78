"""`python -m bench [--quick] [--only NAME ...]`: run the cases, print and save the verdicts."""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import signal
import subprocess
import sys
import time
from importlib import import_module
from importlib.metadata import version

from bench import PROJECT_ROOT, RESULTS_JSON, worker
from bench.session import Bench

CASES = {  # name → module; run in this order
    "pdf": "bench.case_pdf",
    "docx": "bench.case_docx",
    "tagged": "bench.case_tagged",
    "http": "bench.case_http",
    "served": "bench.case_served",
    "throughput": "bench.case_throughput",
    "memory": "bench.case_memory",
    "signing": "bench.case_signing",
    "burst": "bench.case_burst",
    "profile": "bench.case_profile",
    "queue": "bench.case_queue",
    "bilans": "bench.case_bilans",
    "dossier": "bench.case_dossier",
    "lists": "bench.case_lists",
    "pending": "bench.case_pending",
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


def _commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT,
                          capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else "unknown"


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    bench = Bench(runs=5 if args.quick else 20, warmups=2, quick=args.quick)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    meta = {"started": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "commit": _commit(), "python": platform.python_version(),
            "weasyprint": version("weasyprint"), "docxtpl": version("docxtpl"),
            "cpus": os.cpu_count(), "load_average_start": os.getloadavg()[0],
            "runs": bench.runs, "warmups": bench.warmups, "cases": args.names}
    print(f"bench: {bench.runs} runs after {bench.warmups} warm-ups, medians and p95 "
          f"(time.perf_counter); Python {meta['python']}, WeasyPrint {meta['weasyprint']}, "
          f"docxtpl {meta['docxtpl']}, {meta['cpus']} CPUs, load average "
          f"{meta['load_average_start']:.2f}", flush=True)
    start = time.perf_counter()
    errors = []
    try:
        meta["warm_up"] = worker.warm()
        print(f"  {meta['warm_up']}", flush=True)
        meta["case_seconds"] = {}
        for name in args.names:
            case_start = time.perf_counter()
            try:
                import_module(CASES[name]).run(bench)
            except Exception as exc:  # one broken case must not hide the others' figures
                errors.append(name)
                print(f"ERROR in case {name}: {type(exc).__name__}: {exc}", flush=True)
            meta["case_seconds"][name] = round(time.perf_counter() - case_start, 1)
            print(f"  (case {name}: {meta['case_seconds'][name]:.0f} s)", flush=True)
    finally:
        bench.close()
    elapsed = time.perf_counter() - start
    print(f"\n== Summary ({elapsed:.0f} s) ==")
    for line in bench.verdicts.lines:
        print(line)
    for name in errors:
        print(f"ERROR  case {name} did not complete")
    meta.update(seconds=round(elapsed, 1), load_average_end=os.getloadavg()[0], errors=errors)
    bench.write_results(RESULTS_JSON, meta)
    print(f"results: {RESULTS_JSON.relative_to(PROJECT_ROOT)}")
    return 1 if bench.verdicts.failed or errors else 0


if __name__ == "__main__":
    sys.exit(main())
