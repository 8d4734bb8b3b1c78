"""Case: the bilans for 64, 1 000 and 10 000 households: indicators, PDF, DOCX and XLSX.

Each size runs in a fresh process (`python -m bench.case_bilans N`) on its own SQLite database:
migrate, seed the demo accounts, draw the synthetic history (`flask demo-data --households N`'s
generator), then time the indicators of the last full year and of the year before (the bilan's
`collect`) and each output of the bilan d'activités, with the process's peak memory (VmHWM)
after each step. The parent prints one line per size and keeps the figures for results.json.

Entry points: `run(bench)` for the bench runner; `python -m bench.case_bilans 64 1000` alone.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = (64, 1000, 10_000)
LINEARITY_FACTOR = 10  # PERFORMANCE.md: 10x the pages in at most 12x the time
LINEARITY_BUDGET = 12.0
ROOT = Path(__file__).resolve().parent.parent


def _peak_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def measure(households: int, folder: str) -> dict:
    """In this process: build the history, then time each step (seconds, peak KB)."""
    from datetime import date

    from flask_migrate import upgrade

    from service import kinds
    from service.app import create_app
    from service.demo import seed_accounts
    from service.documents.produce import full_context, provenance_meta
    from service.documents.subjects import Period, period_subject
    from service.extensions import db
    from service.registry.codes import new_code
    from service.rendering.docx import render_docx
    from service.rendering.pdf import html_to_pdf, render_html
    from service.reporting import synthetic
    from service.timeutil import today_paris, utcnow

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
                      "BLOB_ROOT": f"{folder}/objects", "SECRET_KEY": "bench"})
    out: dict = {"households": households}
    with app.app_context():
        upgrade()
        users, _ = seed_accounts()
        today = today_paris()
        started = time.perf_counter()
        counts = synthetic.generate(households, synthetic.demo_setting(
            users, date(today.year - 2, 1, 1), today))
        out["generate_s"], out["rows"] = time.perf_counter() - started, counts
        out["peak_kb_history"] = _peak_kb()
        kind = kinds.get("bilan_activites")
        year = today.year - 1
        subject = period_subject(Period(date(year, 1, 1), date(year, 12, 31)),
                                 users["encadrant@demo.example"].structure_id)
        started = time.perf_counter()
        data = kind.schema().load(kind.collect(subject, {}))
        out["indicators_s"] = time.perf_counter() - started
        out["peak_kb_indicators"] = _peak_kb()
        meta = {**provenance_meta(kind, new_code()), "title": kind.title,
                "reference": "BAC-BENCH001", "version": 1,
                "issued_at": utcnow().replace(microsecond=0),
                "author_structure": "Équipe Bail d'abord", "author_name": "Banc d'essai",
                "registry_id": "bench", "snapshot_sha256": "0" * 64,
                "organisation": app.config["ORGANISATION_NAME"], "household_reference": "",
                "supersedes_version": None}
        templates = app.config["DOC_TEMPLATES"]
        started = time.perf_counter()
        context = full_context(kind, data, meta)
        out["context_and_charts_s"] = time.perf_counter() - started
        started = time.perf_counter()
        html = render_html(templates, "bilan_activites.html", context)
        pdf = html_to_pdf(templates, html, app.config["PDF_VARIANT"])
        out["pdf_s"], out["pdf_kb"] = time.perf_counter() - started, len(pdf) // 1024
        if households == SIZES[0]:
            out["linearity"] = _linearity(templates, html, app.config["PDF_VARIANT"])
        started = time.perf_counter()
        docx = render_docx(templates, "bilan_activites.docx", context)
        out["docx_s"], out["docx_kb"] = time.perf_counter() - started, len(docx) // 1024
        started = time.perf_counter()
        xlsx = kind.output("xlsx").build(context)
        out["xlsx_s"], out["xlsx_kb"] = time.perf_counter() - started, len(xlsx) // 1024
        out["peak_kb"] = _peak_kb()
        db.session.remove()
        db.engine.dispose()
    return out


def _repeated(html: str, times: int) -> str:
    """The bilan with the sections of its <main> given `times` times (anchors only once): a
    document whose pages grow, made of the bilan's own tables, charts and running elements."""
    head, rest = html.split("<main>", 1)
    sections, tail = rest.split("</main>", 1)
    copy = re.sub(r'\sid="[^"]*"', "", sections)
    return f"{head}<main>{sections}{copy * (times - 1)}</main>{tail}"


def _linearity(templates: str, html: str, variant: str | None) -> dict:
    """PDF time and pages of the bilan once and with its sections 10 times, best of two each."""
    from pypdf import PdfReader

    from service.rendering.pdf import html_to_pdf

    figures = {}
    for times in (1, LINEARITY_FACTOR):
        source = _repeated(html, times)
        best, pages = float("inf"), 0
        for _ in range(2):
            started = time.perf_counter()
            pdf = html_to_pdf(templates, source, variant)
            best = min(best, time.perf_counter() - started)
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
        figures[str(times)] = {"pdf_s": best, "pages": pages}
    return figures


def _child(households: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="lda-bench-bilans-") as folder:
        done = subprocess.run([sys.executable, "-m", "bench.case_bilans", "--child",
                               str(households), folder], cwd=ROOT, capture_output=True,
                              text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
                              timeout=3600)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"bench.case_bilans {households} failed:\n{done.stderr[-3000:]}")
    return json.loads(lines[-1])


def line(figures: dict) -> str:
    return (f"  {figures['households']:>6} households ({figures['rows']['contacts']:>7} contacts)"
            f": history {figures['generate_s']:6.1f} s · indicators "
            f"{figures['indicators_s']:6.2f} s · charts {figures['context_and_charts_s']:5.2f} s"
            f" · PDF {figures['pdf_s']:5.2f} s · DOCX {figures['docx_s']:5.2f} s · XLSX "
            f"{figures['xlsx_s']:5.2f} s · peak {figures['peak_kb'] / 1024:6.0f} MB")


def run(bench, sizes=SIZES) -> None:
    """The bench runner's entry point (bench.session.Bench)."""
    from bench.session import heading

    heading("Bilan d'activités: indicators, PDF, DOCX, XLSX by number of households")
    measured = {}
    for households in sizes[:2] if bench.quick else sizes:
        figures = _child(households)
        print(line(figures), flush=True)
        bench.record("bilans", str(households), figures)
        measured[households] = figures
    if 10_000 in measured:
        bench.verdicts.check("indicators of a bilan for 10 000 households",
                             measured[10_000]["indicators_s"], 2.0, unit=" s")
    else:
        bench.verdicts.skip("indicators of a bilan for 10 000 households", "quick run")
    # The bilan's pages do not grow with the households (tables of figures): linearity is
    # measured on the bilan with its sections given 10 times, pages counted in both PDFs.
    linearity = measured[sizes[0]].get("linearity")
    name = "bilan rendering, 10× the pages: time / time of 1×"
    if not linearity:
        bench.verdicts.skip(name, "not measured")
        return
    one, many = linearity["1"], linearity[str(LINEARITY_FACTOR)]
    page_factor = many["pages"] / one["pages"]
    print(f"  linearity: {one['pages']} pages in {one['pdf_s']:.2f} s, {many['pages']} pages "
          f"in {many['pdf_s']:.2f} s (sections given {LINEARITY_FACTOR} times; best of two)")
    bench.verdicts.check(name, many["pdf_s"] / one["pdf_s"], LINEARITY_BUDGET * page_factor
                         / LINEARITY_FACTOR,
                         detail=f"{page_factor:.1f}× the pages ({one['pages']} → "
                                f"{many['pages']}), budget {LINEARITY_BUDGET:g}× the time for "
                                f"{LINEARITY_FACTOR}× the pages")


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--child":
        print(json.dumps(measure(int(argv[1]), argv[2]), default=str))
        return
    for households in [int(a) for a in argv] or SIZES:
        print(line(_child(households)), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
