"""Case 3: fiche de lien DOCX render through the service's docxtpl renderer."""

from __future__ import annotations

from bench import engines
from bench.session import Bench, heading
from bench.timing import measure


def run(bench: Bench) -> None:
    heading("3. Fiche de lien DOCX (docxtpl)")
    size = len(engines.service_docx())
    stats = measure(engines.service_docx, bench.runs, bench.warmups)
    print(stats.line(f"render_docx (template load incl., {size / 1024:.0f} KB)"))
    print("  no budget in PERFORMANCE.md (reference: 0.08 s warm)")
