"""Every indicator of the bilan d'activités, in the order the document prints them."""

from __future__ import annotations

from service.reporting.activity import ACTIVITY
from service.reporting.framework import Indicator, Scope, compute_many
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
    """{code: figures} for one period: one statement per group of indicators, whose shared
    subqueries (the team's support periods, the household-months…) are computed once."""
    computed: dict[str, dict] = {}
    for letter in GROUPS:
        computed.update(compute_many([i for i in INDICATORS if i.group == letter], scope))
    results: dict[str, dict] = {}
    for indicator in INDICATORS:
        result = computed[indicator.code]
        if indicator.finish is not None:
            indicator.finish(result, results)
        results[indicator.code] = result
    return results
