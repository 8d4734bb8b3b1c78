"""The PDFs-per-second budget: PERFORMANCE.md's 1.9× on two whole cores, 95 % of what the
machine gives two processes where it gives less (a virtual machine's shared second core)."""

from __future__ import annotations

import pytest

from bench.case_throughput import budget_for


@pytest.mark.parametrize(("ceiling", "budget"), [(2.0, 1.9), (2.4, 1.9), (1.67, 1.5865),
                                                 (1.0, 0.95)])
def test_the_budget_is_95_percent_of_the_machines_two_process_ceiling(ceiling, budget):
    assert budget_for(ceiling) == pytest.approx(budget)
