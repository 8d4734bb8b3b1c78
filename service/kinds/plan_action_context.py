"""build_context for the plan d'action concerté: loaded data -> plain values and French labels."""

from __future__ import annotations

import re

from service.kinds import plan_action_vocabulary as C

label = C.label


def lines(value: str | None) -> list[str]:
    """One item per non-empty line (étapes, partenaires), as typed."""
    return [line.strip() for line in (value or "").split("\n") if line.strip()]


def lower_first(text: str) -> str:
    """'L'équipe' -> 'l'équipe' in the middle of a list; acronyms ('SMS', 'CAF') stay."""
    match = re.match(r"[^\s'’]*", text)  # always matches: the pattern may be empty
    first_word = match.group() if match else ""
    return text if len(first_word) > 1 and first_word.isupper() else text[:1].lower() + text[1:]


def joined_labels(choices, codes) -> str:
    """'La personne, le ou la référent·e': labels after the first lose their capital."""
    labels = [label(choices, code) for code in codes or []]
    return ", ".join([labels[0], *map(lower_first, labels[1:])]) if labels else ""


def _objectif(o: dict, numero: str) -> dict:
    return {
        "numero": numero,
        "souhait": o["souhait"],
        "objectif": o["objectif"],
        "etapes": lines(o["etapes"]),
        "qui_fait_quoi": o["qui_fait_quoi"],
        "acteurs": joined_labels(C.ROLES, o.get("acteurs")),
        "partenaires": o.get("partenaires") or "",
        "echeance": o.get("echeance"),
        "statut": label(C.STATUTS, o["statut"]),
        "date_mise_a_jour": o.get("date_mise_a_jour"),
        "commentaire_evaluation": o.get("commentaire_evaluation") or "",
        "points_appui": o.get("points_appui") or "",
    }


def _domaines(liste: list[dict]) -> list[dict]:
    return [
        {"numero": n, "code": d["code"], "titre": label(C.DOMAINES, d["code"]),
         "objectifs": [_objectif(o, f"{n}.{m}") for m, o in enumerate(d["objectifs"], start=1)]}
        for n, d in enumerate(liste, start=1)
    ]


def status_counts(liste: list[dict]) -> dict[str, int]:
    """Objectives per status code (every status, zeros included): what the bilans add up."""
    counts = {code: 0 for code, _ in C.STATUTS}
    for domaine in liste:
        for objectif in domaine["objectifs"]:
            counts[objectif["statut"]] += 1
    return counts


def _signature(s: dict) -> dict:
    return {"nom": s["nom"], "qualite": s["qualite"], "date": s.get("date"),
            "image": s.get("image"), "refus": s.get("refus") or None}


def context_from(data: dict) -> dict:
    e, liste, a = data["entete"], data["domaines"]["liste"], data["accord"]
    chosen = {d["code"] for d in liste}
    counts = status_counts(liste)
    return {
        "entete": {
            "personne": e["personne"],
            "date_elaboration": e["date_elaboration"],
            "date_revision": e["date_revision"],
            "referents": [r for r in (e["referent_1"], e.get("referent_2")) if r],
            "logement_adresse": e.get("logement_adresse") or "",
            "logement_date_entree": e.get("logement_date_entree"),
            "logement_statut_bail": (label(C.STATUTS_BAIL, e["logement_statut_bail"])
                                     if e.get("logement_statut_bail") else ""),
        },
        "domaines_proposes": [{"label": lab, "checked": code in chosen}
                              for code, lab in C.DOMAINES],
        "domaines": _domaines(liste),
        "bilan": {
            "par_statut": [{"code": code, "label": lab, "nombre": counts[code]}
                           for code, lab in C.STATUTS],
            "comptes": counts,
            "total": sum(counts.values()),
            "domaines": len(liste),
        },
        "accord": {
            "code": a["accord_personne"],
            "options": [{"label": lab, "checked": code == a["accord_personne"]}
                        for code, lab in C.ACCORDS],
            "points_refuses": a.get("points_refuses") or "",
            "commentaire_personne": a.get("commentaire_personne") or "",
            "lieu": a["lieu"],
            "date": a["date_accord"],
            "copie_remise": bool(a.get("copie_remise")),
            "copie_remise_date": a.get("copie_remise_date"),
        },
        # Added by the signing flow when the plan is signed (optional): who signed, how.
        "signatures": [_signature(s) for s in data.get("signatures") or []],
    }
