"""The compte rendu financier grid (CERFA 15059*02): forecast, actual, gap in euros and percent.

Pure functions over {account: amount} maps, on the chart of service.finance.accounts, so that the
forecast (a budget prévisionnel) and the actuals (the ledger) are read on the same rows. A gap
is significant above 15 % of the forecast, or when a line has no forecast and an actual: such a
line needs an explanation before the document is released (arrêté du 24 mai 2005).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from service.finance import accounts as A

THRESHOLD = Decimal("15")


@dataclass(frozen=True)
class GridRow:
    code: str
    label: str
    kind: str  # "group", "line" or "total"
    side: str
    forecast: Decimal
    actual: Decimal
    gap: Decimal  # actual − forecast
    percent: Decimal | None  # gap / forecast × 100; None without a forecast

    @property
    def significant(self) -> bool:
        """Above the threshold, or an actual with no forecast at all."""
        if self.kind != "line" and not (self.kind == "group" and not A.is_group(self.code)):
            return False
        if self.forecast == 0:
            return self.actual != 0
        return abs(self.gap) * 100 > THRESHOLD * abs(self.forecast)  # exact, not the rounded %


def gap_percent(forecast: Decimal, actual: Decimal) -> Decimal | None:
    """(actual − forecast) / forecast × 100, rounded to 0.01; None when nothing was forecast."""
    if forecast == 0:
        return None
    return A.share(actual - forecast, forecast)


def _row(code, label, kind, side, forecast, actual) -> GridRow:
    return GridRow(code, label, kind, side, forecast, actual, actual - forecast,
                   gap_percent(forecast, actual))


def grid(forecast: Mapping[str, Decimal], actual: Mapping[str, Decimal]) -> list[GridRow]:
    """Every row of both sides, in chart order, with each side's total and the 86/87 total."""
    planned, done = A.totals(forecast.items()), A.totals(actual.items())
    rows: list[GridRow] = []
    for side, total_label in ((A.CHARGE, "TOTAL DES CHARGES"), (A.PRODUIT, "TOTAL DES PRODUITS")):
        for contribution in (False, True):
            if contribution:
                rows.append(_row(f"TOTAL-{side}", total_label, "total", side,
                                 planned.charges if side == A.CHARGE else planned.produits,
                                 done.charges if side == A.CHARGE else done.produits))
            for entry in A.CHART:
                if entry.side != side or entry.contribution != contribution:
                    continue
                rows.append(_row(entry.code, entry.label, "line" if entry.parent else "group",
                                 side, planned.amount(entry.code), done.amount(entry.code)))
        extra_f = planned.contributions_charges if side == A.CHARGE else \
            planned.contributions_produits
        extra_a = done.contributions_charges if side == A.CHARGE else done.contributions_produits
        base_f = planned.charges if side == A.CHARGE else planned.produits
        base_a = done.charges if side == A.CHARGE else done.produits
        rows.append(_row(f"TOTAL-{side}-86-87", "TOTAL", "total", side, base_f + extra_f,
                         base_a + extra_a))
    return rows


def significant_gaps(rows: list[GridRow]) -> list[GridRow]:
    return [row for row in rows if row.significant]
