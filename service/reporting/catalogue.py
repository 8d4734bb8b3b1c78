"""Every indicator of the bilan d'activités, in the order the document prints them."""

from __future__ import annotations

from service.reporting.activity import ACTIVITY
from service.reporting.framework import Indicator, Scope, compute
from service.reporting.orientation import ORIENTATION
from service.reporting.outcomes import OUTCOMES
from service.reporting.team import TEAM

GROUPS = {
    "A": "Orientation et admission",
    "B": "Activité de l'équipe",
    "C": "Profil des ménages à l'entrée",
    "D": "Résultats",
}
INDICATORS: tuple[Indicator, ...] = (*ORIENTATION[:-1], *ACTIVITY, *TEAM, ORIENTATION[-1],
                                     *OUTCOMES)
BY_CODE = {indicator.code: indicator for indicator in INDICATORS}


def compute_all(scope: Scope) -> dict[str, dict]:
    """{code: figures} for one period; each indicator is one or two SQL queries."""
    results: dict[str, dict] = {}
    for indicator in INDICATORS:
        result = compute(indicator, scope)
        if indicator.finish is not None:
            indicator.finish(result, results)
        results[indicator.code] = result
    return results
