"""The catalogue of document kinds: one module per kind, one line here each.

Kinds built from the records of a higher layer (the bilans) are registered by their package with
`register`, so this catalogue imports nothing but pure kind modules.
"""

from service.kinds.base import DocumentKind
from service.kinds.fiche_de_lien import KIND as FICHE_DE_LIEN
from service.kinds.plan_action import KIND as PLAN_ACTION
from service.kinds.protocole_crise import KIND as PROTOCOLE_CRISE

CATALOGUE: dict[str, DocumentKind] = {
    kind.key: kind for kind in (FICHE_DE_LIEN, PLAN_ACTION, PROTOCOLE_CRISE)
}


def get(key: str) -> DocumentKind:
    return CATALOGUE[key]


def find(key: str) -> DocumentKind | None:
    return CATALOGUE.get(key)


def register(kind: DocumentKind) -> None:
    """Add a kind; registering the same declaration again is harmless."""
    if CATALOGUE.get(kind.key, kind) is not kind:
        raise ValueError(f"another kind is already registered as {kind.key}")
    CATALOGUE[kind.key] = kind


def unregister(key: str) -> None:
    CATALOGUE.pop(key, None)


def with_subject(subject: str) -> list[DocumentKind]:
    """Every kind about this type of subject, in catalogue order."""
    return [kind for kind in CATALOGUE.values() if kind.subject == subject]
