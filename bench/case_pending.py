"""Case: the PERFORMANCE.md budgets whose case does not exist yet, one SKIP line each."""

from __future__ import annotations

from bench.session import Bench, heading

PENDING = [
    ("dossier assembly with 300 pages of uploads, peak memory (budget < 500 MB)",
     "the dossier is not built"),
    ("dossier merge, pypdf vs qpdf on the same pieces (aim ≤ 3×)", "the dossier is not built"),
    ("list pages and household page with 10 000 households (budget ≤ 150 ms median)",
     "no synthetic département data set yet (`flask demo-data` option)"),
]


def run(bench: Bench) -> None:
    heading("Budgets without a case yet")
    for name, reason in PENDING:
        bench.verdicts.skip(name, reason)
