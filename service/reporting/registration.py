"""The bilans' kinds join the catalogue from here (they read the database: not service/kinds)."""

from __future__ import annotations

from service import kinds
from service.reporting import bilan_activites, bilan_financier

KINDS = (bilan_activites.KIND, *bilan_financier.KINDS)


def register_kinds() -> None:
    for kind in KINDS:
        kinds.register(kind)
