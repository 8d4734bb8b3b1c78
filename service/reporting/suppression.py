"""Small-count suppression, in one place: what funders may not read, and what must be hidden
with it so that nothing hidden can be recomputed from the totals.

Every count under 5 (zero included, so that a hidden cell is never known to be at least 1) is
shown as « moins de 5 ». Then, while a hidden cell is determined by the sums the table prints
(a total and its parts, over the real numbers), or pinned by the bounds « moins de 5 » gives
(parts all hidden and summing to 0 or to 4 each), the smallest shown cell of one of its sums is
masked too. A rate, a mean or a median resting on fewer than 5 households, or on a hidden count,
is masked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction

from service.reporting.framework import COUNT, MEAN, MEDIAN, RATE, RATIO, Indicator

THRESHOLD = 5
SMALL, MASKED = "small", "masked"
LABELS = {SMALL: "moins de 5", MASKED: "masqué"}
NOTE = ("« moins de 5 » : effectif inférieur à 5, non diffusé ; « masqué » : valeur masquée "
        "pour qu'aucun petit effectif ne puisse être recalculé à partir des totaux ou des taux.")

Equation = tuple[str, tuple[str, ...]]  # (total cell, its parts)


def _rank(rows: list[list[Fraction]]) -> int:
    """Rank by Gaussian elimination over the rationals (exact)."""
    matrix = [row[:] for row in rows if any(row)]
    rank, column = 0, 0
    width = len(matrix[0]) if matrix else 0
    while rank < len(matrix) and column < width:
        pivot = next((r for r in range(rank, len(matrix)) if matrix[r][column]), None)
        if pivot is None:
            column += 1
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        for r in range(len(matrix)):
            if r != rank and matrix[r][column]:
                factor = matrix[r][column] / matrix[rank][column]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[rank], strict=True)]
        rank, column = rank + 1, column + 1
    return rank


def recoverable(hidden: Iterable[str], equations: Iterable[Equation]) -> set[str]:
    """The hidden cells whose value the printed sums determine (linear algebra: the cell's unit
    vector lies in the row space of the sums restricted to the hidden cells)."""
    unknowns = sorted(set(hidden))
    index = {cell: i for i, cell in enumerate(unknowns)}
    rows = []
    for total, parts in equations:
        row = [Fraction(0)] * len(unknowns)
        for cell, sign in ((total, 1), *((p, -1) for p in parts)):
            if cell in index:
                row[index[cell]] += sign
        if any(row):
            rows.append(row)
    if not rows:
        return set()
    base = _rank(rows)
    found = set()
    for cell, i in index.items():
        unit = [Fraction(int(j == i)) for j in range(len(unknowns))]
        if _rank([*rows, unit]) == base:
            found.add(cell)
    return found


def pinned(values: Mapping[str, int], hidden: Mapping[str, str],
            equations: Iterable[Equation]) -> set[str]:
    """Cells pinned by the bounds alone: parts all « moins de 5 » summing to 0 or to 4 each."""
    found = set()
    for total, parts in equations:
        if total in hidden:
            continue
        secret = [p for p in parts if p in hidden]
        if secret and all(hidden[p] == SMALL for p in secret):
            rest = values[total] - sum(values[p] for p in parts if p not in hidden)
            if rest in (0, (THRESHOLD - 1) * len(secret)):
                found.update(secret)
    return found


def protect(values: Mapping[str, int], equations: Iterable[Equation] = ()) -> dict[str, str]:
    """{cell: SMALL or MASKED} for the cells to hide; the other cells may be printed."""
    equations = [(t, tuple(p)) for t, p in equations]
    hidden = {cell: SMALL for cell, value in values.items() if value < THRESHOLD}
    while True:
        exposed = recoverable(hidden, equations) | pinned(values, hidden, equations)
        if not exposed:
            return hidden
        cell = min(exposed)
        shown = [c for total, parts in equations if cell in (total, *parts)
                 for c in (total, *parts) if c not in hidden]
        if not shown:  # determined through other sums: widen to every sum of the table
            shown = [c for total, parts in equations for c in (total, *parts)
                     if c not in hidden]
        if not shown:
            return hidden
        # Mask the smallest part rather than a total: the reader keeps the bigger picture.
        totals = {total for total, _ in equations}
        hidden[min(shown, key=lambda c: (c in totals, values[c], c))] = MASKED


def funders_view(indicator: Indicator, result: dict) -> dict[str, str]:
    """{line key or "total": SMALL or MASKED} for one period's figures of one indicator."""
    if not indicator.sensitive:
        return {}
    lines = {line["key"]: line for line in result["lines"]}
    counts = {key: line["value"] for key, line in lines.items() if line["measure"] == COUNT}
    equations: list[Equation] = list(indicator.equations)
    if result["total"] is not None:
        counts["total"] = result["total"]["value"]
        equations.append(("total", tuple(k for k, line in lines.items()
                                         if line["measure"] == COUNT and line["in_total"])))
    hidden = protect(counts, equations)
    for key, line in lines.items():
        if line["measure"] in (MEDIAN, MEAN) and line["n"] < THRESHOLD:
            hidden[key] = MASKED
        elif line["measure"] in (RATE, RATIO):
            needed = (*line["parts"], *(line["base"] or ("total",)))
            if any(k in hidden for k in needed) or line["n"] < THRESHOLD:
                hidden[key] = MASKED
    return hidden
