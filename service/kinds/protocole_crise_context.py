"""build_context for the protocole de crise: loaded data -> plain values and French labels.

`signatures` comes from the signing flow (absent before anyone signs): a list of
{nom, qualite, date (aware datetime), image (Markup <img>/<svg> or None), refus (str or None)}.
"""

from __future__ import annotations

from service.kinds import protocole_crise_vocabulary as C
from service.kinds.plan_action_context import joined_labels, lower_first

label = C.label
ALL_SITUATIONS = "Toutes les situations"


def _role(p: dict) -> str:
    role = label(C.ROLES, p["role"])
    return f"{role} ({p['role_precision']})" if p.get("role_precision") else role


def _concerned(p: dict, code: str) -> bool:
    return not p.get("scenarios") or code in p["scenarios"]


def _names(personnes: list[dict], code: str, prevenir: str) -> str:
    return ", ".join(p["nom"] for p in personnes
                     if p["prevenir"] == prevenir and _concerned(p, code))


def _scenario(s: dict, numero: int, personnes: list[dict]) -> dict:
    avant, pendant, apres = s["avant"], s["pendant"], s["apres"]
    custom = s["code"] == "autre"
    return {
        "numero": numero,
        "code": s["code"],
        "titre": s["titre"] if custom else label(C.SCENARIOS, s["code"]),
        "precision": "" if custom else (s.get("titre") or ""),
        "avant": {
            "signes_personne": avant.get("signes_personne") or "",
            "signes_entourage": avant.get("signes_entourage") or "",
            "declencheurs": avant.get("declencheurs") or "",
            "ce_que_je_fais": avant.get("ce_que_je_fais") or "",
            "ce_que_fait_equipe": avant["ce_que_fait_equipe"],
            "delai_inquietude_jours": avant.get("delai_inquietude_jours"),
            "canaux": joined_labels(C.CANAUX, avant.get("canaux")),
        },
        "pendant": {
            "ce_qui_aide": pendant["ce_qui_aide"],
            "ce_qui_naide_pas": pendant.get("ce_qui_naide_pas") or "",
            "soins_preferes": pendant.get("soins_preferes") or "",
            "soins_a_eviter": pendant.get("soins_a_eviter") or "",
            "a_prevenir": _names(personnes, s["code"], "a_prevenir"),
            "ne_pas_prevenir": _names(personnes, s["code"], "ne_pas_prevenir"),
        },
        "apres": {
            "signes_fin": apres.get("signes_fin") or "",
            "reprise_contact": apres["reprise_contact"],
            "debriefing": apres.get("debriefing") or "",
        },
    }


def _situations(p: dict, scenarios: list[dict]) -> str:
    """Short names in the protocol's order; « autre » situations by their own titles."""
    if not p.get("scenarios"):
        return ALL_SITUATIONS
    names = [s["titre"] if s["code"] == "autre" else label(C.SCENARIOS_COURTS, s["code"])
             for s in scenarios if s["code"] in p["scenarios"]]
    names = list(dict.fromkeys(names)) or [label(C.SCENARIOS_COURTS, code)
                                            for code in p["scenarios"]]
    return ", ".join([names[0], *map(lower_first, names[1:])])


def _personne(p: dict, scenarios: list[dict]) -> dict:
    return {
        "nom": p["nom"],
        "role": _role(p),
        "coordonnees": p.get("coordonnees") or "",
        "scenarios": _situations(p, scenarios),
        "informations_partagees": p.get("informations_partagees") or "",
        "consentement": bool(p.get("consentement")),
        "date_consentement": p.get("date_consentement"),
    }


def _signature(s: dict) -> dict:
    return {"nom": s["nom"], "qualite": s["qualite"], "date": s.get("date"),
            "image": s.get("image"), "refus": s.get("refus") or None}


def context_from(data: dict) -> dict:
    e, b, lg, val = data["entete"], data["bien_etre"], data["logement"], data["validite"]
    personnes = data["personnes"]["liste"]
    scenarios = [_scenario(s, n, personnes)
                 for n, s in enumerate(data["scenarios"]["liste"], start=1)]
    return {
        "entete": {
            "personne": e["personne"],
            "date": e["date_protocole"],
            "referent": e["referent"],
            "redige_avec": e.get("redige_avec") or "",
            "date_revision": e["date_revision"],
        },
        "bien_etre": {
            "quand_je_vais_bien": b["quand_je_vais_bien"],
            "mes_habitudes": b.get("mes_habitudes") or "",
            "ce_qui_me_fait_du_bien": b.get("ce_qui_me_fait_du_bien") or "",
        },
        "scenarios": scenarios,
        "sante_renseignee": any(s["pendant"]["soins_preferes"] or s["pendant"]["soins_a_eviter"]
                                for s in scenarios),
        "personnes_a_prevenir": [_personne(p, scenarios) for p in personnes
                                 if p["prevenir"] == "a_prevenir"],
        "personnes_a_ne_pas_prevenir": [_personne(p, scenarios) for p in personnes
                                        if p["prevenir"] == "ne_pas_prevenir"],
        "logement": {
            "cles": lg.get("cles") or "",
            "animaux": lg.get("animaux") or "",
            "courrier": lg.get("courrier") or "",
            "loyer": lg.get("loyer") or "",
            "information_bailleur": lg["information_bailleur"] == "oui",
            "information_bailleur_contenu": lg.get("information_bailleur_contenu") or "",
            "acces_autorise": lg["acces_autorise"] == "oui",
            "acces_conditions": lg.get("acces_conditions") or "",
        },
        "validite": {
            "modification_acceptee": bool(val["modification_acceptee"]),
            "texte_modification": C.MODIFICATION,  # the same words as the form's label
            "date_effet": val["date_effet"],
            "lieu": val["lieu"],
        },
        "signatures": [_signature(s) for s in data.get("signatures") or []],
    }
