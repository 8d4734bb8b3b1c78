"""The catalogue of document kinds: one module per kind, one line here each."""

from service.kinds.base import DocumentKind
from service.kinds.fiche_de_lien import KIND as FICHE_DE_LIEN

CATALOGUE: dict[str, DocumentKind] = {kind.key: kind for kind in (FICHE_DE_LIEN,)}


def get(key: str) -> DocumentKind:
    return CATALOGUE[key]
