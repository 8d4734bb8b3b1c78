"""build_context for the fiche de lien: loaded data -> plain values and French labels."""

from __future__ import annotations

from decimal import Decimal

from service.kinds import fiche_de_lien_vocabulary as C

label = C.label
MISSING = "Non renseigné"


def _opt(choices, code) -> str:
    return label(choices, code) if code else MISSING


def _many(choices, codes) -> str:
    return ", ".join(label(choices, c) for c in codes) if codes else MISSING


def _person(p: dict, role: str) -> dict:
    return {
        "role": role,
        "nom": p["nom"],
        "nom_naissance": p.get("nom_naissance") or "",
        "prenom": p["prenom"],
        "sexe": label(C.SEXES, p["sexe"]),
        "date_naissance": p["date_naissance"],
        "nationalite": label(C.NATIONALITES, p["nationalite"]),
    }


def _animals(menage: dict) -> str:
    if menage.get("animaux") == "oui":
        kinds = _many(C.ANIMAUX, menage.get("animaux_types"))
        return "Oui" if kinds == MISSING else f"Oui ({kinds})"
    return _opt(C.OUI_NON, menage.get("animaux"))


def _self_assessment(ev: dict) -> list[dict]:
    rows = []
    for code, imperatif in C.IMPERATIFS:
        chosen = ev[code]
        rows.append({
            "code": code,
            "imperatif": imperatif,
            "choix": label(C.BESOINS, chosen),
            "options": [{"label": lab, "checked": c == chosen} for c, lab in C.BESOINS],
            "aide": ev.get(f"{code}_aide") or "",
        })
    return rows


def context_from(data: dict) -> dict:
    o, m, d = data["origine"], data["menage"], data["droits"]
    r, res, p = data["ressources"], data["residence"], data["projet"]
    a, ev, cons = data["accompagnements"], data["auto_evaluation"], data["consentement"]
    lignes = [
        {"type": label(C.RESSOURCES, line["type"]), "montant": line.get("montant_mensuel"),
         "date_fin": line.get("date_fin")}
        for line in r["lignes"]
    ]
    return {
        "origine": {
            "structure_nom": o["structure_nom"],
            "structure_type": label(C.STRUCTURE_TYPES, o["structure_type"]),
            "prescripteur_nom": o["prescripteur_nom"],
            "prescripteur_fonction": o["prescripteur_fonction"],
            "prescripteur_telephone": o["prescripteur_telephone"],
            "prescripteur_courriel": o["prescripteur_courriel"],
            "autre_referent": o.get("autre_referent") or "",
            "date_fiche": o["date_fiche"],
            "numero_siao": o.get("numero_siao") or "",
        },
        "personnes": [_person(m["demandeur"], "Demandeur ou demandeuse")]
        + [_person(c, "Co-demandeur ou co-demandeuse") for c in m.get("co_demandeurs", [])],
        "menage": {
            "typologie": label(C.TYPOLOGIES, m["typologie"]),
            "situation_matrimoniale": _opt(C.SITUATIONS_MATRIMONIALES,
                                           m.get("situation_matrimoniale")),
            "enfant_a_naitre_date": m.get("enfant_a_naitre_date"),
            "animaux": _animals(m),
            "regroupement_familial": _opt(C.REGROUPEMENT, m.get("regroupement_familial")),
        },
        "enfants": [
            {"prenom": e["prenom"], "age": e["age"], "sexe": _opt(C.SEXES_ENFANT, e.get("sexe")),
             "scolarite": e.get("scolarite") or "",
             "hebergement": _opt(C.HEBERGEMENT_ENFANT, e.get("hebergement"))}
            for e in m.get("enfants", [])
        ],
        "droits": {
            "droit_sejour": _opt(C.DROITS_SEJOUR, d.get("droit_sejour")),
            "titre_fin_validite": d.get("titre_fin_validite"),
            "domiciliation": _opt(C.OUI_NON, d.get("domiciliation")),
            "domiciliation_organisme": d.get("domiciliation_organisme") or "",
            "couverture_maladie": _many(C.COUVERTURES, d.get("couverture_maladie")),
        },
        "ressources": lignes,
        "total_ressources": sum((line["montant"] or Decimal(0) for line in lignes), Decimal(0)),
        "dettes": _many(C.DETTES, r.get("dettes")) if r.get("dettes") else "Aucune connue",
        "residence": {
            "lieu_de_vie": label(C.LIEUX_DE_VIE, res["lieu_de_vie"]),
            "duree_errance": _opt(C.DUREES_ERRANCE, res.get("duree_errance")),
            "motifs": _many(C.MOTIFS, res["motifs"]),
            "demande_logement_social": _opt(C.OUI_NON, res.get("demande_logement_social")),
            "numero_unique": res.get("numero_unique") or "",
            "date_demande_logement": res.get("date_demande_logement"),
            "dalo": _opt(C.DALO, res.get("dalo")),
            "syplo": _opt(C.SYPLO, res.get("syplo")),
            "experience_logement": _opt(C.OUI_NON, res.get("experience_logement")),
        },
        "projet": {
            "secteurs": [s.strip() for s in p["secteurs"].split("\n") if s.strip()],
            "typologie_souhaitee": _opt(C.TYPOLOGIES_LOGEMENT, p.get("typologie_souhaitee")),
            "accessibilite_pmr": _opt(C.OUI_NON, p.get("accessibilite_pmr")),
            "besoins_adaptation": p.get("besoins_adaptation") or "",
            "reste_a_charge": p.get("reste_a_charge"),
            "contraintes": p.get("contraintes") or "",
        },
        "accompagnements": {
            "mesures": _many(C.MESURES, a.get("mesures")) if a.get("mesures") else "Aucune",
            "mesures_precision": a.get("mesures_precision") or "",
            "partenaires_sante": a.get("partenaires_sante") or "",
        },
        "auto_evaluation": _self_assessment(ev),
        "consentement": {
            "accord_orientation": cons["accord_orientation"],
            "information_rgpd": cons["information_rgpd"],
            # The statements themselves, printed from the same source as the form's labels.
            "texte_accord_orientation": C.CONSENT_ORIENTATION,
            "texte_information_rgpd": C.CONSENT_INFORMATION,
            "date_consentement": cons["date_consentement"],
            "lieu": cons["lieu"],
        },
    }
