"""What a dossier still lacks, piece by piece and rule by rule: pure rules over a facts snapshot.

`facts(snapshot)` reads an application's loaded snapshot (service.applications.schemas
ApplicationSnapshotSchema: the call's rules and every section); each rule returns a Check that
says in French what is missing or wrong and why the rule exists (the call's own words where it
has them). The candidate reads it before submitting; the funders read the same result for the
snapshot that was submitted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from service.applications import budget as B
from service.applications import vocabulary as V
from service.rendering.formatting import date_fr, money, number
from service.timeutil import PARIS

OK, TODO, WRONG = "conforme", "a_completer", "a_corriger"
LABELS = {OK: "Conforme", TODO: "À compléter", WRONG: "À corriger"}


@dataclass(frozen=True)
class Check:
    key: str
    title: str
    status: str  # OK, TODO or WRONG
    problems: tuple[str, ...]  # what is missing or wrong, in French
    why: str  # why the rule exists
    details: tuple[str, ...] = ()  # figures worth seeing even when all is well
    piece: str | None = None  # the call's piece it is about, for the pieces' list

    @property
    def ok(self) -> bool:
        return self.status == OK

    @property
    def label(self) -> str:
        return LABELS[self.status]


@dataclass(frozen=True)
class Facts:
    deadline: date  # the last day, in Paris
    kind: str | None
    identity: Mapping
    members: tuple[Mapping, ...]
    team: tuple[Mapping, ...]
    note: Mapping
    conventions: Mapping
    budget: B.Budget
    expected_etp: Decimal
    encadrement_min: Decimal
    pieces: tuple[tuple[str, str], ...]  # (key, required) of the call
    uploaded: Mapping[str, int]  # piece key -> number of files
    territory: str = ""
    member_names: Mapping[str, str] = field(default_factory=dict)

    @property
    def grouped(self) -> bool:
        return self.kind == V.GROUPED


def facts(snapshot: Mapping) -> Facts:
    call = snapshot["call"]
    members = tuple(snapshot["groupement"].get("membres") or ())
    names = {V.CARRIER: snapshot["identite"].get("denomination") or snapshot["structure"],
             **{m["siret"]: m["denomination"] for m in members}}
    team = tuple(snapshot["equipe"].get("postes") or ())
    return Facts(
        deadline=call["deadline"].astimezone(PARIS).date(),
        kind=snapshot["groupement"].get("type"),
        identity=snapshot["identite"], members=members, team=team,
        note=snapshot["note"], conventions=snapshot.get("conventions") or {},
        budget=B.compute(call["envelope"], team, snapshot["budget"], names),
        expected_etp=Decimal(str(call["etp"])),
        encadrement_min=Decimal(str(call["encadrement_min"])),
        pieces=tuple((p["key"], p["required"]) for p in call["pieces"]),
        uploaded={p["key"]: len(p["files"]) for p in snapshot.get("pieces") or []},
        territory=call["territory"], member_names=names)


def _check(key, title, problems, why, *, details=(), piece=None, missing=False) -> Check:
    status = OK if not problems else (TODO if missing else WRONG)
    return Check(key, title, status, tuple(problems), why, tuple(details), piece)


IDENTITY_FIELDS = (
    ("denomination", "la dénomination"), ("forme_juridique", "la forme juridique"),
    ("siret", "le SIRET"), ("siege_adresse", "l'adresse du siège"),
    ("siege_code_postal", "le code postal du siège"), ("siege_commune", "la commune du siège"),
    ("representant_nom", "le nom du représentant légal"),
    ("representant_qualite", "la qualité du représentant légal"),
    ("contact_nom", "la personne chargée du dossier"),
    ("contact_courriel", "l'adresse électronique de la personne chargée du dossier"),
)


def identity(f: Facts) -> Check:
    missing = [label for key, label in IDENTITY_FIELDS if not f.identity.get(key)]
    problems = [f"Indiquez {', '.join(missing)}."] if missing else []
    return _check("identite", "Identité de la structure", problems,
                  "Les financeurs doivent pouvoir identifier la structure candidate, son "
                  "représentant légal et la personne à contacter (formulaire CERFA 12156*06, "
                  "rubrique « Identification »).", missing=True)


def agrement(f: Facts) -> Check:
    why = ("L'appel exige l'agrément d'intermédiation locative et de gestion locative sociale "
           "(ILGLS, article L365-4 du code de la construction et de l'habitation) : sans lui, "
           "la structure ne peut pas prendre à bail des logements sociaux pour les sous-louer "
           "(article L442-8-1).")
    found = [a for a in f.identity.get("agrements") or [] if a.get("type") == V.ILGLS]
    if not found:
        return _check("agrement_ilgls", "Agrément ILGLS", [
            "Aucun agrément ILGLS n'est indiqué dans l'identité de la structure."], why,
            missing=True)
    problems = []
    for item in found:
        end, start = item.get("valide_jusqu_au"), item.get("date")
        number_text = f" n° {item['numero']}" if item.get("numero") else ""
        if end is None:
            problems.append(f"Indiquez la fin de validité de l'agrément{number_text}.")
        elif end < f.deadline:
            problems.append(f"L'agrément{number_text} a expiré le {date_fr(end)}, avant la "
                            f"date limite de l'appel ({date_fr(f.deadline)}) : joignez "
                            "l'arrêté de renouvellement.")
        elif start is not None and start > f.deadline:
            problems.append(f"L'agrément{number_text} date du {date_fr(start)}, après la "
                            "date limite de l'appel.")
        else:
            return _check("agrement_ilgls", "Agrément ILGLS", [], why, details=(
                f"Agrément{number_text} valide jusqu'au {date_fr(end)}.",))
    return _check("agrement_ilgls", "Agrément ILGLS", problems, why)


def territory(f: Facts) -> Check:
    problems = [] if f.identity.get("intervient_metropole") else [
        f"Indiquez si la structure intervient sur le territoire : {f.territory}."]
    return _check("territoire", "Territoire d'intervention", problems,
                  f"Les structures candidates doivent intervenir sur le territoire : "
                  f"{f.territory} (appel à candidatures, « critères d'éligibilité »).",
                  missing=True)


def _etp(value) -> str:
    value = Decimal(str(value))
    text = number(value, 2)
    return (text[:-3] if text.endswith(",00") else text.rstrip("0")) + "\u00a0ETP"


def _is_lead(post: Mapping) -> bool:
    return post.get("fonction") == V.ENCADREMENT


def team_size(f: Facts) -> Check:
    total = sum((Decimal(str(p.get("etp") or 0)) for p in f.team), Decimal(0))
    why = (f"« Une obligation de moyens est attendue, avec une équipe composée de "
           f"{_etp(f.expected_etp)} » : les crédits financent une équipe complète pour "
           "l'accompagnement des ménages.")
    if not f.team:
        return _check("equipe_etp", "Équipe de professionnels", [
            "Le tableau des professionnels est vide."], why, missing=True)
    problems = [] if total >= f.expected_etp else [
        f"L'équipe compte {_etp(total)} : l'appel en attend {_etp(f.expected_etp)}."]
    return _check("equipe_etp", "Équipe de professionnels", problems, why,
                  details=(f"{len(f.team)} poste(s), {_etp(total)} au total.",))


def encadrement(f: Facts) -> Check:
    lead = sum((Decimal(str(p.get("etp") or 0)) for p in f.team if _is_lead(p)), Decimal(0))
    problems = [] if lead >= f.encadrement_min else [
        (f"Le poste d'encadrement compte {_etp(lead)} : il en faut au moins "
         f"{_etp(f.encadrement_min)}.") if lead else
        f"Aucun poste d'encadrement : il en faut un d'au moins {_etp(f.encadrement_min)}."]
    return _check("encadrement", "Poste d'encadrement", problems,
                  f"« Sur ces {_etp(f.expected_etp)}, un minimum de {_etp(f.encadrement_min)} "
                  "est attendu sur un poste d'encadrement de l'équipe » : la personne "
                  "encadrante coordonne l'équipe et garantit le respect de la charte "
                  "d'accompagnement.")


def _post_name(index: int, post: Mapping) -> str:
    label = post.get("intitule") or dict(V.FUNCTIONS).get(post.get("fonction") or "", "poste")
    return f"poste {index} ({label})"


def qualifications(f: Facts) -> Check:
    problems = []
    for index, post in enumerate(f.team, start=1):
        if _is_lead(post):
            continue
        if post.get("diplome") in V.QUALIFYING_DIPLOMAS:
            continue
        if post.get("profil_experimente") and post.get("justification"):
            continue
        problems.append(f"Le {_post_name(index, post)} n'a ni diplôme d'État du travail social "
                        "ou du soin, ni profil expérimenté justifié.")
    return _check("qualifications", "Qualifications des professionnels", problems,
                  "Les postes hors encadrement sont tenus par des professionnels du travail "
                  "social diplômés d'État (éducateur spécialisé, CESF, assistant de service "
                  "social) ou du soin (infirmier, psychologue) ; « des profils dotés d'une "
                  "expérience significative » peuvent être étudiés s'ils sont justifiés.")


def balance(f: Facts) -> Check:
    t = f.budget.totals
    problems = []
    if not f.budget.charges:
        return _check("budget_equilibre", "Équilibre du budget", [
            "Le budget ne compte encore aucune charge."],
            "Le budget d'un projet est présenté à l'équilibre (CERFA 12156*06).", missing=True)
    if not t.balanced:
        problems.append(f"Le total des charges ({money(t.charges)}) et celui des produits "
                        f"({money(t.produits)}) diffèrent de {money(abs(t.gap))}.")
    if not t.contributions_balanced:
        problems.append(f"Les emplois des contributions volontaires en nature (86 : "
                        f"{money(t.contributions_charges)}) et les contributions (87 : "
                        f"{money(t.contributions_produits)}) doivent être égaux.")
    return _check("budget_equilibre", "Équilibre du budget", problems,
                  "Le budget d'un projet est présenté à l'équilibre (CERFA 12156*06) : chaque "
                  "charge a sa ressource ; les contributions en nature (86 et 87) s'équilibrent "
                  "à part.",
                  details=(f"Total des charges : {money(t.charges)} ; total des produits : "
                           f"{money(t.produits)}.",))


def envelope(f: Facts) -> list[Check]:
    out = []
    for funder in f.budget.funders:
        if funder.expected is None:
            continue
        asked = f.budget.requested(funder.code)
        problems = [] if asked == funder.expected else [
            f"Le budget demande {money(asked)} à cette ligne ({funder.label}) : l'enveloppe est "
            f"de {money(funder.expected)}, soit un écart de {money(abs(asked - funder.expected))}."]
        out.append(_check(f"enveloppe_{funder.code}", funder.label, problems,
                          f"L'enveloppe de l'appel : {money(funder.expected)} de {funder.label} "
                          f"pour {funder.quantity} {funder.unit} sur {funder.months} mois.",
                          details=tuple(f"{r.label} : {money(r.value)}"
                                        for r in f.budget.ratios if funder.label in r.label)))
    return out


def dwellings(f: Facts) -> Check:
    expected = next((fu.quantity for fu in f.budget.funders if fu.unit == "logements"), None)
    why = (f"Les crédits de l'appel financent l'accompagnement de {expected} ménages dans "
           f"{expected} logements." if expected else "Le nombre de logements détermine les "
           "crédits de l'appel.")
    found = f.budget.logements
    if found is None:
        return _check("logements", "Nombre de logements", [
            "Indiquez dans le budget le nombre de logements."], why, missing=True)
    problems = [] if expected is None or found == expected else [
        f"Le budget porte sur {found} logements : l'appel en prévoit {expected}."]
    return _check("logements", "Nombre de logements", problems, why,
                  details=tuple(f"{r.label} : {money(r.value)}" for r in f.budget.ratios
                                if "Coût total" in r.label))


def lenders(f: Facts) -> list[str]:
    """The members that employ at least one post of the team: each lends staff."""
    employers = {p.get("employeur") for p in f.team}
    return [m["siret"] for m in f.members if m["siret"] in employers]


def conventions(f: Facts) -> Check:
    why = ("Dans une candidature groupée, les professionnels des membres sont mis à disposition "
           "de la structure porteuse : le prêt de main-d'œuvre à but non lucratif exige une "
           "convention entre la structure prêteuse et la structure utilisatrice, qui en fixe la "
           "durée, l'identité et la qualification des salariés et le mode de calcul de ce qui "
           "est refacturé (articles L8241-2 et R8241-2 du code du travail).")
    if not f.grouped:
        return _check("conventions", "Conventions de mise à disposition", [], why,
                      details=("Sans objet : une seule structure porte l'équipe.",),
                      piece="conventions")
    problems = [f"Il manque la convention de mise à disposition de "
                f"{f.member_names.get(siret, siret)}."
                for siret in lenders(f) if not f.conventions.get(siret)]
    unknown = {p.get("employeur") for p in f.team} - set(f.member_names)
    problems += [f"Un poste est rattaché à un employeur qui n'est pas membre du groupement "
                 f"({siret})." for siret in sorted(s for s in unknown if s)]
    return _check("conventions", "Conventions de mise à disposition", problems, why,
                  details=tuple(f"Convention avec {f.member_names.get(s, s)}"
                                for s in lenders(f) if f.conventions.get(s)),
                  piece="conventions", missing=True)


def note(f: Facts) -> Check:
    missing = [title for key, title, _ in V.NOTE_SECTIONS if not f.note.get(key)]
    return _check("note_intention", "Note d'intention",
                  [f"Rédigez : {', '.join(missing)}."] if missing else [],
                  "La note d'intention décrit la création de l'équipe Bail d'abord et la mise "
                  "en œuvre concrète du dispositif : c'est une pièce exigée par l'appel.",
                  piece="note_intention", missing=True)


def pieces(f: Facts) -> list[Check]:
    """One check per uploaded piece the call requires, in the call's order."""
    out = []
    for key, required in f.pieces:
        title, source = V.PIECES[key]
        if source != V.UPLOAD or (required == V.IF_GROUPED and not f.grouped):
            continue
        count = f.uploaded.get(key, 0)
        out.append(_check(f"piece_{key}", title, [] if count else [
            "Joignez ce document (PDF)."], "Pièce exigée par l'appel à candidatures.",
            details=(f"{count} fichier(s) joint(s).",) if count else (), piece=key,
            missing=True))
    return out


RULES: tuple[Callable[[Facts], Check | list[Check]], ...] = (
    identity, agrement, territory, team_size, encadrement, qualifications, conventions,
    balance, envelope, dwellings, note, pieces)


@dataclass(frozen=True)
class Checklist:
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def failing(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.ok)

    def get(self, key: str) -> Check:
        return next(c for c in self.checks if c.key == key)

    @property
    def summary(self) -> str:
        bad = len(self.failing)
        if not bad:
            return "Dossier complet : toutes les règles de l'appel sont respectées."
        return f"{bad} point{'s' if bad > 1 else ''} à reprendre avant le dépôt."


def evaluate(f: Facts) -> Checklist:
    found: list[Check] = []
    for rule in RULES:
        result = rule(f)
        found.extend(result if isinstance(result, list) else [result])
    return Checklist(tuple(found))
