"""Case 1: fiche de lien PDF in-process, service path vs raw WeasyPrint on the same HTML."""

from __future__ import annotations

from bench import engines, pdfinfo
from bench.session import Bench, heading
from bench.timing import alternate

BUDGET = 1.25


def run(bench: Bench) -> None:
    heading("1. Fiche de lien PDF in-process: service vs raw WeasyPrint")
    print(f"  service (render_pdf)      → {pdfinfo.describe(engines.service_pdf())}")
    print(f"  raw, fonts given to CSS() → {pdfinfo.describe(engines.raw_pdf())}")
    print(f"  raw, CSS() verbatim       → {pdfinfo.describe(engines.raw_pdf_literal())}")
    stats = alternate({
        "service": engines.service_pdf,
        "raw": engines.raw_pdf,
    }, bench.runs, bench.warmups)
    print(stats["service"].line("service render_pdf (cached CSS + fonts, Jinja incl.)"))
    print(stats["raw"].line("raw WeasyPrint, fresh CSS + FontConfiguration"))
    print("  (raw is timed with the fonts given to CSS(): verbatim, WeasyPrint drops @font-face)")
    bench.verdicts.check("fiche PDF in-process, service / raw WeasyPrint",
                         stats["service"].median / stats["raw"].median, BUDGET,
                         detail="medians, alternating rounds")
