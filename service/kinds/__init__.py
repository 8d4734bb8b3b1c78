"""The catalogue of document kinds: one module per kind, one line here each."""

from service.kinds.base import DocumentKind
from service.kinds.fiche_de_lien import KIND as FICHE_DE_LIEN
from service.kinds.plan_action import KIND as PLAN_ACTION
from service.kinds.protocole_crise import KIND as PROTOCOLE_CRISE

CATALOGUE: dict[str, DocumentKind] = {
    kind.key: kind for kind in (FICHE_DE_LIEN, PLAN_ACTION, PROTOCOLE_CRISE)
}


def get(key: str) -> DocumentKind:
    return CATALOGUE[key]
