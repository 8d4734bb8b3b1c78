"""Case: the fiche de lien through gunicorn over HTTP (first request, warm submissions)."""

from __future__ import annotations

import json
import subprocess
import sys

from bench import PROJECT_ROOT, engines, sample
from bench.client import Client
from bench.server import EMAIL, GunicornServer
from bench.session import Bench, heading
from bench.timing import Stats, alternate, ms, timed

PASSWORD = "demo-logement-2026"
BUDGET_RAW = 1.5
BUDGET_FIRST = 1.5
FRESH_WORKERS = {False: 3, True: 1}  # first requests sampled, each on a newly booted worker
INCLUDED = ("JSON validation, PDF + DOCX render, sha256, 2 blob writes with fsync, "
            "registry/audit/referral rows, SQLite commit (WAL, synchronous=FULL), HTTP")


def measure(bench: Bench) -> dict:
    """Shared by cases 2 and 4: one server, every HTTP call alternated with in-process renders."""
    return bench.once("http", lambda: _measure(bench))


def _measure(bench: Bench) -> dict:
    server = GunicornServer()
    bench.on_close(server.stop)
    server.prepare()
    server.start()
    client = Client(server.url(), server.token)
    body = sample.api_body()
    first_seconds, first = timed(lambda: client.submit(body, key="bench-first"))
    entry_id = first["latest"]["id"]
    firsts = [first_seconds]
    for _ in range(FRESH_WORKERS[bench.quick] - 1):
        server.restart_worker()
        firsts.append(timed(lambda: client.submit(body))[0])
    client.login(EMAIL, PASSWORD)
    pdf = client.download_pdf(entry_id)
    rss_before = server.worker_memory()
    stats = alternate({
        "submit": lambda: client.submit(body),
        "raw": engines.raw_pdf,
        "service": engines.service_pdf,
        "docx": engines.service_docx,
        "download": lambda: client.download_pdf(entry_id),
        "replay": lambda: client.submit(body, key="bench-first"),
    }, bench.runs, bench.warmups)
    return {"stats": stats, "first": Stats(firsts), "boot": server.boot_seconds,
            "pdf_size": len(pdf), "port": server.port, "rendered": bench.runs + bench.warmups,
            "rss_before": rss_before, "rss_after": server.worker_memory(),
            "log_problems": server.log_problems(), "cold": _cold_start()}


def _cold_start() -> dict[str, float]:
    """First-use costs in a fresh process (bench.cold_start), to explain the first request."""
    done = subprocess.run([sys.executable, "-m", "bench.cold_start"], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        return {f"cold_start failed: {done.stderr.strip().splitlines()[-1:]}": 0.0}
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(bench: Bench) -> None:
    heading("Fiche de lien through HTTP (gunicorn, 1 worker, 127.0.0.1)")
    m = measure(bench)
    s = m["stats"]
    print(f"  gunicorn on 127.0.0.1:{m['port']}, last worker ready {m['boot']:.2f} s after "
          "launch/SIGHUP")
    first = m["first"]
    print(first.line("first request after start (API submission)")
          + "  [" + ", ".join(ms(s) for s in first.samples) + "]")
    print("  (each sample on a fresh worker: gunicorn start, then SIGHUP to the master)")
    for step, seconds in m["cold"].items():
        print(f"    fresh process, {step:<40} {ms(seconds):>9}")
    print(s["submit"].line("POST /api/v1/fiches, new Idempotency-Key"))
    print(s["raw"].line("raw WeasyPrint in-process (same rounds)"))
    print(s["service"].line("service render_pdf in-process (same rounds)"))
    print(s["docx"].line("service render_docx in-process (same rounds)"))
    print(s["download"].line(f"GET stored PDF ({m['pdf_size'] / 1024:.0f} KB, web session)"))
    print(f"  submission includes: {INCLUDED}")
    pdf_part = (s["submit"].median - s["docx"].median) / s["raw"].median
    print(f"  (submission − in-process DOCX median) / raw (info, ≈ PDF part): {pdf_part:.2f}×")
    before, after = m["rss_before"], m["rss_after"]
    print(f"  worker RSS {before['VmRSS'] / 1024:.0f} → {after['VmRSS'] / 1024:.0f} MB over "
          f"{m['rendered']} more submissions + as many replays "
          f"(peak {after['VmHWM'] / 1024:.0f} MB)")
    problems = m["log_problems"]
    print(f"  server log: {len(problems)} warning/error lines"
          + (f", first: {problems[0][:160]}" if problems else ""))
    for name in ("submit", "raw", "service", "docx", "download"):
        bench.record("http", name, s[name])
    bench.record("http", "first_request", first)
    bench.record("http", "worker_rss_kb", {"before": before, "after": after})
    bench.verdicts.check("fiche through HTTP, submission / raw WeasyPrint",
                         s["submit"].median / s["raw"].median, BUDGET_RAW,
                         detail="whole submission incl. DOCX + registry")
    bench.verdicts.check("first request after start / warm (API submission)",
                         first.median / s["submit"].median, BUDGET_FIRST,
                         detail=f"median of {len(first.samples)} fresh workers")
