"""Small-count suppression: no hidden cell can be recovered from what the funders' version
prints (its totals, its other cells, and the bounds « moins de 5 » gives)."""

from __future__ import annotations

import itertools
import random
from datetime import date

import pytest

from service.reporting.catalogue import BY_CODE, compute_all
from service.reporting.framework import Scope
from service.reporting.suppression import (
    MASKED,
    SMALL,
    funders_view,
    pinned,
    protect,
    recoverable,
)
from tests.reporting.history import build


def grid(rows: list[list[int]]) -> tuple[dict[str, int], list]:
    """A table with its row totals, column totals and grand total, and the sums they obey."""
    values, equations = {}, []
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            values[f"{i},{j}"] = v
        values[f"{i},T"] = sum(row)
        equations.append((f"{i},T", tuple(f"{i},{j}" for j in range(len(row)))))
    for j in range(len(rows[0])):
        values[f"T,{j}"] = sum(row[j] for row in rows)
        equations.append((f"T,{j}", tuple(f"{i},{j}" for i in range(len(rows)))))
    values["T,T"] = sum(map(sum, rows))
    equations.append(("T,T", tuple(f"{i},T" for i in range(len(rows)))))
    equations.append(("T,T", tuple(f"T,{j}" for j in range(len(rows[0])))))
    return values, equations


def solutions(values, equations, hidden) -> dict[str, set[int]]:
    """Every value each hidden cell can take, given what is printed: brute force over the
    hidden cells (« moins de 5 »: 0 to 4; « masqué »: 5 up to the grand total)."""
    cells = sorted(hidden)

    def ceiling(cell: str) -> int:
        """A part never exceeds a printed total it belongs to."""
        printed = [values[t] for t, parts in equations if cell in parts and t not in hidden]
        return min(printed, default=max(values.values()))

    ranges = [range(0, 5) if hidden[c] == SMALL else range(5, ceiling(c) + 1) for c in cells]
    possible: dict[str, set[int]] = {c: set() for c in cells}
    for guess in itertools.product(*ranges):
        trial = {**values, **dict(zip(cells, guess, strict=True))}
        if all(trial[t] == sum(trial[p] for p in parts) for t, parts in equations):
            for c, v in zip(cells, guess, strict=True):
                possible[c].add(v)
    return possible


def test_a_single_small_cell_takes_a_complement_with_it():
    values, equations = grid([[12, 3, 20], [15, 9, 31]])
    hidden = protect(values, equations)
    assert hidden["0,1"] == SMALL
    assert MASKED in hidden.values()
    assert recoverable(hidden, equations) == set()
    assert all(len(v) > 1 for v in solutions(values, equations, hidden).values())


def test_parts_under_five_that_sum_to_the_total_are_not_pinned():
    # 4 + 4 = 8: both « moins de 5 » would give 4 and 4 away; 0 + 0 would give 0 and 0.
    for row in ([[4, 4, 30]], [[0, 0, 30]]):
        values, equations = grid([*row, [10, 12, 14]])
        hidden = protect(values, equations)
        assert {"0,0", "0,1"} <= set(hidden) and MASKED in hidden.values()
        assert recoverable(hidden, equations) == set()
        assert pinned(values, hidden, equations) == set()


@pytest.mark.parametrize("seed", range(12))
def test_random_tables_leave_nothing_recoverable(seed):
    rng = random.Random(seed)
    rows = [[rng.choice([0, 1, 2, 3, 4, 6, 7, 9, 12, 15]) for _ in range(3)] for _ in range(3)]
    values, equations = grid(rows)
    hidden = protect(values, equations)
    assert {c for c, v in values.items() if v < 5} <= set(hidden)
    assert recoverable(hidden, equations) == set()
    if len(hidden) <= 5:  # brute force stays quick
        for cell, possible in solutions(values, equations, hidden).items():
            assert len(possible) > 1, (rows, cell, possible)


def test_the_funders_view_of_the_history(app, accounts):
    history = build(accounts)
    year = Scope(history.team, date(2026, 1, 1), date(2026, 12, 31))
    figures = compute_all(year)
    # 4 households, 5 persons of whom 1 child: the child would be 5 − 4 if adults were shown.
    b1 = funders_view(BY_CODE["B1"], figures["B1"])
    assert b1["menages"] == SMALL and b1["enfants"] == SMALL
    assert "adultes" in b1  # 4 < 5 anyway
    # Exits: every class is under 5, the rate rests on them.
    d3 = funders_view(BY_CODE["D3"], figures["D3"])
    assert d3["total"] == SMALL and d3["taux"] == MASKED
    # Not about households: contacts, ETP and collective actions are printed as they are.
    assert funders_view(BY_CODE["B7"], figures["B7"]) == {}
    assert funders_view(BY_CODE["B6"], figures["B6"]) == {}
    # Months with at least two contacts: 25 of 29 is shown, the 3 and the 1 are hidden, and
    # so is the rate's complement when the hidden cells could be recomputed.
    b7i = funders_view(BY_CODE["B7I"], figures["B7I"])
    assert b7i["un"] == SMALL and b7i["aucun"] == SMALL
    assert "deux_ou_plus" not in b7i and "total" not in b7i
