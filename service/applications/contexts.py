"""The rendering contexts of the generated pieces, from an application's loaded snapshot.

Plain dicts of French strings (amounts, dates and labels already formatted), under one key `c`
so that the dossier's template can include every piece's body with its own context. Keys that
start with `_` are not printed (preflight does not look for them).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from service.applications import budget as B
from service.applications import vocabulary as V
from service.finance import accounts as A
from service.rendering.formatting import date_fr, datetime_fr, money, number, percent
from service.timeutil import PARIS

NBSP = "\u00a0"
# Looked up with answers that may be missing (None): they read as no label.
LABELS: dict[str, Mapping[Any, str]] = {
    "forme": dict(V.LEGAL_FORMS), "agrement": dict(V.AGREMENT_TYPES),
    "fonction": dict(V.FUNCTIONS), "diplome": dict(V.DIPLOMAS),
    "connaissance": dict(V.KNOWLEDGE), "statut": dict(V.POST_STATUSES),
    "financement": dict(V.FUNDING_STATUSES),
}


def siret_text(value: str | None) -> str:
    """78234567800018 -> « 782 345 678 00018 » (no-break spaces: it never wraps)."""
    if not value:
        return ""
    return NBSP.join((value[:3], value[3:6], value[6:9], value[9:]))


def paragraphs(text: str | None) -> list[str]:
    """A typed text as printed paragraphs: one per line, blank lines dropped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def etp_text(value) -> str:
    text = number(Decimal(str(value or 0)), 2)
    text = text[:-3] if text.endswith(",00") else text.rstrip("0")
    return f"{text}{NBSP}ETP"


def call_context(call: Mapping) -> dict:
    return {"titre": call["title"], "reference": call["reference"],
            "territoire": call["territory"],
            "date_limite": datetime_fr(call["deadline"]),
            "financeurs": ", ".join(f["name"] for f in call["funders"])}


def identity_context(snapshot: Mapping) -> dict:
    ident = snapshot["identite"]
    siege = " ".join(p for p in (ident.get("siege_adresse"), ident.get("siege_code_postal"),
                                 ident.get("siege_commune")) if p)
    return {
        "denomination": ident.get("denomination") or snapshot["structure"],
        "sigle": ident.get("sigle") or "",
        "forme": LABELS["forme"].get(ident.get("forme_juridique"), ""),
        "siret": siret_text(ident.get("siret")), "rna": ident.get("rna") or "",
        "siege": siege, "objet": ident.get("objet") or "",
        "representant": ", ".join(p for p in (ident.get("representant_nom"),
                                              ident.get("representant_qualite")) if p),
        "contact": ", ".join(p for p in (ident.get("contact_nom"), ident.get("contact_fonction"),
                                         ident.get("contact_courriel"),
                                         ident.get("contact_telephone")) if p),
        "agrements": [{
            "type": LABELS["agrement"].get(a.get("type"), a.get("type") or ""),
            "numero": a.get("numero") or "", "date": date_fr(a.get("date")),
            "autorite": a.get("autorite") or "",
            "validite": date_fr(a.get("valide_jusqu_au"))} for a in ident.get("agrements") or []],
        "territoire": ident.get("territoire") or "",
        "federation": ident.get("federation") or "",
    }


def brief(snapshot: Mapping, *keys: str) -> dict:
    """The identity fields a piece prints, and only those (preflight looks for each)."""
    full = identity_context(snapshot)
    return {key: full[key] for key in keys}


def call_brief(call: Mapping) -> dict:
    return {"titre": call["title"], "reference": call["reference"]}


def employer_names(snapshot: Mapping) -> dict[str, str]:
    members = snapshot["groupement"].get("membres") or []
    return {V.CARRIER: snapshot["identite"].get("denomination") or snapshot["structure"],
            **{m["siret"]: m["denomination"] for m in members}}


def grouping_context(snapshot: Mapping) -> dict:
    grouping = snapshot["groupement"]
    members = grouping.get("membres") or [] if grouping.get("type") == V.GROUPED else []
    return {"type": V.APPLICATION_KIND_SHORT.get(grouping.get("type"), ""),
            "groupee": grouping.get("type") == V.GROUPED,
            "membres": [{"denomination": m["denomination"], "siret": siret_text(m["siret"]),
                         "representant": m.get("representant") or "",
                         "adresse": m.get("adresse") or ""} for m in members]}


def note_context(snapshot: Mapping) -> dict:
    sections = [{"numero": str(i), "titre": title,
                 "paragraphes": paragraphs(snapshot["note"].get(key))}
                for i, (key, title, _) in enumerate(V.NOTE_SECTIONS, start=1)]
    grouping = grouping_context(snapshot)
    return {"c": {"appel": call_brief(snapshot["call"]),
                  "structure": brief(snapshot, "denomination", "sigle", "siret"),
                  "groupement": {"type": grouping["type"], "groupee": grouping["groupee"],
                                 "membres": [{"denomination": m["denomination"],
                                              "siret": m["siret"]}
                                             for m in grouping["membres"]]},
                  "sections": sections}}


def _post_row(index: int, post: Mapping, names: Mapping[str, str],
              funders: Mapping[str, str]) -> dict:
    diploma = LABELS["diplome"].get(post.get("diplome"), "")
    if post.get("diplome") == "autre" and post.get("diplome_autre"):
        diploma = post["diplome_autre"]
    years = post.get("experience_annees")
    return {
        "numero": str(index),
        "fonction": LABELS["fonction"].get(post.get("fonction"), ""),
        "intitule": post.get("intitule") or "",
        "nom": post.get("nom") or ("Poste à pourvoir" if post.get("statut") == "a_recruter"
                                   else ""),
        "employeur": names.get(post.get("employeur") or "", post.get("employeur") or ""),
        "diplome": diploma,
        "experience": "" if years is None else f"{years}{NBSP}an{'s' if years > 1 else ''}",
        "connaissance": LABELS["connaissance"].get(post.get("connaissance_lda"), ""),
        "etp": etp_text(post.get("etp")),
        "statut": LABELS["statut"].get(post.get("statut"), ""),
        "_cout": money(post.get("cout_annuel_charge")),
        "_financement": funders.get(post.get("financement") or "", ""),
        "experimente": bool(post.get("profil_experimente")),
        "justification": post.get("justification") or "",
    }


def funder_short(call: Mapping) -> dict[str, str]:
    """« Crédits IML – DDETS… » -> « IML » for narrow columns; « Autres » for the rest."""
    return {**{line["code"]: line["credits"] for line in call["envelope"]},
            V.OTHER_FUNDING: "Autres"}


def team_context(snapshot: Mapping) -> dict:
    posts = snapshot["equipe"].get("postes") or []
    names, short = employer_names(snapshot), funder_short(snapshot["call"])
    rows = [_post_row(i, p, names, short) for i, p in enumerate(posts, start=1)]
    total = sum((Decimal(str(p.get("etp") or 0)) for p in posts), Decimal(0))
    lead = sum((Decimal(str(p.get("etp") or 0)) for p in posts
                if p.get("fonction") == V.ENCADREMENT), Decimal(0))
    by_diploma: dict[str, Decimal] = {}
    for post in posts:
        label = LABELS["diplome"].get(post.get("diplome"), "Non renseigné")
        by_diploma[label] = by_diploma.get(label, Decimal(0)) + Decimal(str(post.get("etp") or 0))
    by_employer: dict[str, Decimal] = {}
    for post in posts:
        name = names.get(post.get("employeur") or "", "")
        by_employer[name] = by_employer.get(name, Decimal(0)) + Decimal(str(post.get("etp") or 0))
    return {"c": {
        "structure": brief(snapshot, "denomination"),
        "groupee": grouping_context(snapshot)["groupee"], "postes": rows,
        "total_etp": etp_text(total), "encadrement_etp": etp_text(lead),
        "par_diplome": [{"libelle": k, "etp": etp_text(v)} for k, v in by_diploma.items()],
        "par_employeur": [{"libelle": k, "etp": etp_text(v)} for k, v in by_employer.items()],
        "experimentes": [r for r in rows if r["experimente"]],
    }}


def budget_of(snapshot: Mapping) -> B.Budget:
    return B.compute(snapshot["call"]["envelope"], snapshot["equipe"].get("postes") or [],
                     snapshot["budget"], employer_names(snapshot))


def _grid(result: B.Budget, side: str) -> list[dict]:
    rows = []
    for row in A.rows(result.totals, side):
        rows.append({"numero": row.number, "libelle": row.label, "_type": row.kind,
                     "montant": row.text})
    return rows


def budget_context(snapshot: Mapping) -> dict:
    result = budget_of(snapshot)
    call = snapshot["call"]
    short = funder_short(call)
    columns = [{"code": f.code, "libelle": short[f.code], "nom": f.label}
               for f in result.funders]
    charges = [{"compte": line.account, "libelle": line.label, "detail": line.detail,
                "montants": [money(line.split.get(f.code, 0)) if line.split.get(f.code)
                             else "" for f in result.funders],
                "_repartition": " ; ".join(f"{short[f.code]} : {money(line.split[f.code])}"
                                          for f in result.funders if line.split.get(f.code)),
                "total": money(line.total)} for line in result.charges]
    produits = [{"compte": p.account, "libelle": p.label, "detail": p.detail,
                 "statut": LABELS["financement"].get(p.status, ""), "montant": money(p.amount)}
                for p in result.produits]
    contributions = [{"compte": account, "libelle": A.account(account).label,
                      "detail": detail, "montant": money(value)}
                     for account, detail, value in result.contributions]
    personnel = [{"poste": dict(V.FUNCTIONS).get(row.function, "") if not row.title
                  else row.title, "employeur": row.employer, "etp": etp_text(row.etp),
                  "brut": money(row.gross), "charges": money(row.charges),
                  "cout": money(row.loaded), "financement": short.get(row.funder, "")}
                 for row in result.personnel]
    envelope = [{"libelle": f.label, "attendu": money(f.expected),
                 "demande": money(result.requested(f.code)),
                 "part": percent(A.share(result.requested(f.code), result.totals.produits), 2),
                 "conforme": result.requested(f.code) == f.expected}
                for f in result.funders if f.expected is not None]
    t = result.totals
    return {"c": {
        "appel": call_brief(call), "structure": brief(snapshot, "denomination"),
        "logements": str(result.logements or ""), "duree": str(result.months or ""),
        "grille_charges": _grid(result, A.CHARGE), "grille_produits": _grid(result, A.PRODUIT),
        "financeurs": columns, "charges": charges,
        "totaux_financeurs": [money(result.by_funder.get(f.code, 0)) for f in result.funders],
        "_totaux_texte": " ; ".join(f"{short[f.code]} : {money(result.by_funder.get(f.code, 0))}"
                                   for f in result.funders),
        "produits": produits, "contributions": contributions, "personnel": personnel,
        "personnel_total": money(sum((r.loaded for r in result.personnel), Decimal(0))),
        "personnel_etp": etp_text(result.etp),
        "total_charges": money(t.charges), "total_produits": money(t.produits),
        "total_86": money(t.contributions_charges), "total_87": money(t.contributions_produits),
        "equilibre": t.balanced and t.contributions_balanced,
        "ecart": money(abs(t.gap)),
        "parts": [s.sentence for s in result.shares],
        "enveloppe": envelope,
        "ratios": [{"libelle": r.label, "valeur": money(r.value)} for r in result.ratios],
    }}


def budget_totals(context: dict) -> dict:
    """What the budget prints in its data-total cells, recomputed (preflight compares)."""
    return {"total_charges": context["c"]["total_charges"],
            "total_produits": context["c"]["total_produits"]}


def convention_context(snapshot: Mapping, member_siret: str) -> dict:
    member = next(m for m in snapshot["groupement"].get("membres") or []
                  if m["siret"] == member_siret)
    terms = (snapshot.get("conventions") or {}).get(member_siret) or {}
    names, short = employer_names(snapshot), funder_short(snapshot["call"])
    posts = [p for p in snapshot["equipe"].get("postes") or []
             if p.get("employeur") == member_siret]
    rows = [{key: row[key] for key in ("numero", "nom", "intitule", "fonction", "diplome",
                                       "etp", "statut")}
            for row in (_post_row(i, p, names, short) for i, p in enumerate(posts, start=1))]
    cost = sum((Decimal(str(p.get("cout_annuel_charge") or 0)) for p in posts), Decimal(0))
    etp = sum((Decimal(str(p.get("etp") or 0)) for p in posts), Decimal(0))
    return {"c": {
        "appel": call_brief(snapshot["call"]),
        "preteuse": {"denomination": member["denomination"], "siret": siret_text(member_siret),
                     "representant": member.get("representant") or "",
                     "adresse": member.get("adresse") or ""},
        "utilisatrice": brief(snapshot, "denomination", "siret", "siege", "representant"),
        "salaries": rows, "total_etp": etp_text(etp), "cout_annuel": money(cost),
        "debut": date_fr(terms.get("date_debut")), "fin": date_fr(terms.get("date_fin")),
        "finalite": terms.get("finalite") or "", "missions": terms.get("missions") or "",
        "lieu": terms.get("lieu") or "", "horaires": terms.get("horaires") or "",
        "refacturation": terms.get("refacturation") or "",
        "fin_anticipee": terms.get("fin_anticipee") or "",
        "convention_collective": terms.get("convention_collective") or "",
    }}


def receipt_context(data: Mapping) -> dict:
    deposit = data["depose_le"].astimezone(PARIS)
    return {"c": {
        "structure": data["structure"], "siret": siret_text(data.get("siret")),
        "candidature": data["reference"],
        "appel": {"titre": data["appel_titre"], "reference": data["appel_reference"],
                  "date_limite": datetime_fr(data["date_limite"]),
                  "financeurs": data["financeurs"]},
        "depose_le": datetime_fr(deposit),
        "dossier": {"reference": data["dossier"]["reference"],
                    "version": str(data["dossier"]["version"]),
                    "code": data["dossier"]["code"], "sha256": data["dossier"]["sha256"],
                    "pages": str(data["dossier"]["pages"]),
                    "archive_sha256": data["dossier"]["archive_sha256"]},
        "pieces": [{"numero": str(p["numero"]), "titre": p["titre"], "fichier": p["fichier"],
                    "pages": str(p["pages"]) if p["pages"] else "—", "sha256": p["sha256"]}
                   for p in data["pieces"]],
        "controles": data.get("controles") or "",
    }}
