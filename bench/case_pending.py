"""Case: the PERFORMANCE.md budgets whose case does not exist yet, one SKIP line each."""

from __future__ import annotations

from bench.session import Bench, heading

PENDING = [
]


def run(bench: Bench) -> None:
    heading("Budgets without a case yet")
    for name, reason in PENDING:
        bench.verdicts.skip(name, reason)
