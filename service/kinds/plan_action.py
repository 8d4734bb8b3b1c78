"""Plan d'action concerté: the co-built action plan of a household (DOMAIN.md §2, charter art. 2).

Logement d'abord principle: the plan is never a condition of access to, or of keeping, the
dwelling. No field links an objective's outcome to the tenancy; the dwelling's address and lease
status are printed for information only.
"""

from __future__ import annotations

import datetime as dt

from marshmallow import Schema, ValidationError, fields, validates_schema

from service.auth import roles as R
from service.kinds import plan_action_vocabulary as C
from service.kinds.base import (
    HOUSEHOLD,
    Access,
    CompareSpec,
    DocumentKind,
    PrefillSource,
    Section,
    household_wording,
    standard_outputs,
)
from service.kinds.fields import (
    LONG,
    MESSAGES,
    as_day,
    choice,
    choices,
    date_field,
    nested_list,
    text,
)
from service.kinds.plan_action_context import context_from
from service.rendering.formatting import date_fr


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day `months` later; the 29 February of a leap year becomes the 28th."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=last)
        except ValueError:
            continue
    raise ValueError(day)


class EnteteSchema(Schema):
    personne = text(required=True)
    date_elaboration = date_field(required=True)
    date_revision = date_field(required=True)
    referent_1 = text(required=True)
    referent_2 = text()
    logement_adresse = text(max_length=400)
    logement_date_entree = date_field()
    logement_statut_bail = choice(C.STATUTS_BAIL)

    @validates_schema
    def _revision(self, data, **kw):
        start, review = data.get("date_elaboration"), data.get("date_revision")
        if not (start and review):
            return
        if review <= start:
            raise ValidationError("La révision doit suivre la date d'élaboration.",
                                  "date_revision")
        if review > add_months(start, C.MAX_MOIS_REVISION):
            raise ValidationError(
                f"La révision doit avoir lieu au plus tard 12 mois après l'élaboration, "
                f"soit le {date_fr(add_months(start, C.MAX_MOIS_REVISION))}.", "date_revision")


class ObjectifSchema(Schema):
    souhait = text(required=True, max_length=LONG)
    objectif = text(required=True, max_length=LONG)
    etapes = text(required=True, max_length=LONG)
    qui_fait_quoi = text(required=True, max_length=LONG)
    acteurs = choices(C.ROLES)
    partenaires = text(max_length=LONG)
    echeance = date_field()
    statut = choice(C.STATUTS, required=True)
    date_mise_a_jour = date_field()
    commentaire_evaluation = text(max_length=LONG)
    points_appui = text(max_length=LONG)


class DomaineSchema(Schema):
    code = choice(C.DOMAINES, required=True)
    objectifs = nested_list(ObjectifSchema, required=True, min_items=1,
                            max_items=C.MAX_OBJECTIFS)


class DomainesSchema(Schema):
    liste = nested_list(DomaineSchema, required=True, min_items=1, max_items=C.MAX_DOMAINES)

    @validates_schema
    def _each_domain_once(self, data, **kw):
        seen, errors = set(), {}
        for index, domaine in enumerate(data.get("liste") or []):
            code = domaine.get("code")
            if code in seen:
                errors[index] = {"code": ["Ce domaine figure déjà dans le plan : ajoutez-y "
                                          "plutôt un objectif."]}
            seen.add(code)
        if errors:
            raise ValidationError({"liste": errors})


class AccordSchema(Schema):
    accord_personne = choice(C.ACCORDS, required=True)
    points_refuses = text(max_length=LONG)
    commentaire_personne = text(max_length=LONG)
    lieu = text(required=True, max_length=100)
    date_accord = date_field(required=True)
    copie_remise = fields.Boolean(load_default=False, error_messages=MESSAGES)
    copie_remise_date = date_field()

    @validates_schema
    def _consistent(self, data, **kw):
        errors = {}
        partial = data.get("accord_personne") == "accord_partiel"
        if partial and not data.get("points_refuses"):
            errors["points_refuses"] = ["Indiquez les points que la personne refuse."]
        if data.get("points_refuses") and not partial:
            errors["points_refuses"] = ["Ce champ ne concerne qu'un accord partiel."]
        if data.get("copie_remise") and not data.get("copie_remise_date"):
            errors["copie_remise_date"] = ["Indiquez la date de remise de la copie."]
        if data.get("copie_remise_date") and not data.get("copie_remise"):
            errors["copie_remise_date"] = ["Cochez d'abord « Une copie de ce plan a été "
                                           "remise à la personne »."]
        if errors:
            raise ValidationError(errors)


SECTIONS = (
    Section("entete", "A", "Informations générales", EnteteSchema),
    Section("domaines", "B", "Domaines et objectifs", DomainesSchema),
    Section("accord", "C", "Accord de la personne", AccordSchema),
)


class PlanActionSchema(Schema):
    """The whole plan: one nested schema per section; the web form and the API load it."""

    entete = fields.Nested(EnteteSchema, required=True, error_messages=MESSAGES)
    domaines = fields.Nested(DomainesSchema, required=True, error_messages=MESSAGES)
    accord = fields.Nested(AccordSchema, required=True, error_messages=MESSAGES)

    @validates_schema(skip_on_field_errors=False)
    def _cross_sections(self, data, **kw):
        errors = cross_section_errors(data)
        if errors:
            raise ValidationError(errors)


def cross_section_errors(data: dict) -> dict:
    """The agreement and the copy cannot precede the plan; also run on raw drafts."""
    entete, accord = data.get("entete"), data.get("accord")
    if not isinstance(entete, dict) or not isinstance(accord, dict):
        return {}
    start = as_day(entete.get("date_elaboration"))
    if start is None:
        return {}
    errors = {}
    for name in ("date_accord", "copie_remise_date"):
        day = as_day(accord.get(name))
        if day is not None and day < start:
            errors[name] = [f"Cette date précède l'élaboration du plan ({date_fr(start)})."]
    return {"accord": errors} if errors else {}


def _describe(data: dict) -> str:
    entete = data["entete"]
    return f"{entete['personne']} – plan du {date_fr(entete['date_elaboration'])}"


def build_context(data: dict) -> dict:
    """Plain values and French labels for both templates; `data` is the loaded schema output."""
    return context_from(data)


_OBJECTIFS = "domaines.liste.objectifs"
COMPARE = CompareSpec(
    names={f"{_OBJECTIFS}.statut": "statut", f"{_OBJECTIFS}.souhait": "souhait",
           f"{_OBJECTIFS}.echeance": "échéance", f"{_OBJECTIFS}.acteurs": "qui agit",
           f"{_OBJECTIFS}.partenaires": "partenaires mobilisés",
           f"{_OBJECTIFS}.date_mise_a_jour": "date de mise à jour",
           f"{_OBJECTIFS}.commentaire_evaluation": "commentaire d'évaluation",
           f"{_OBJECTIFS}.points_appui": "points d'appui",
           f"{_OBJECTIFS}.objectif": "objectif", f"{_OBJECTIFS}.etapes": "étapes",
           f"{_OBJECTIFS}.qui_fait_quoi": "qui fait quoi",
           "accord.accord_personne": "Accord de la personne"},
    keys={"domaines.liste": "code"},
    summaries={_OBJECTIFS: "objectif"},
    hidden=frozenset({"domaines", "domaines.liste"}),
)

# The household's team writes its documents. The plan's content is the team's and the
# person's: the Plateforme follows the path through the charter alerts (an agreed plan or
# not) without reading it, gestion locative neither (social content, DOMAIN.md §8.5).
TEAM_WRITERS = (R.ACCOMPAGNANT, R.INFIRMIER, R.ENCADRANT)

def adults(source: PrefillSource) -> str:
    """« Thị Hương Nguyễn et Jérôme Lefèvre »: the household's applicants, as the records
    name them."""
    names = [" ".join(p for p in (m.prenom, m.nom) if p) for m in source.members
             if m.role != "enfant"]
    return " et ".join(n for n in names if n)


def referents(source: PrefillSource) -> list[str]:
    """« Nom Prénom, structure » of the household's referents, the coordinator first; the
    author when nobody is named yet."""
    people = [user for user, coordinating in sorted(source.team, key=lambda m: not m[1])]
    if not people and source.user is not None:
        people = [source.user]
    return [f"{u.full_name}, {u.structure.name}" if u.structure else u.full_name
            for u in people]


def prefill(source: PrefillSource) -> dict:
    """What the records hold: the persons, the referents, the dwelling; everything editable."""
    if source.household is None:
        return {}
    named = referents(source)
    entete = {"personne": adults(source), "referent_1": named[0] if named else "",
              "referent_2": named[1] if len(named) > 1 else ""}
    tenancy = source.tenancy
    if tenancy is not None:
        entete.update(
            logement_adresse=tenancy.address or "",
            logement_date_entree=tenancy.entry_date.isoformat() if tenancy.entry_date else "",
            logement_statut_bail=tenancy.contract if tenancy.contract in dict(C.STATUTS_BAIL)
            else "")
    return {"entete": entete}


def agreement(snapshot: dict) -> str:
    """« Accord partiel de la personne, le 3 mars 2027 (points refusés : …) »."""
    accord = snapshot.get("accord") or {}
    words = {"accord": "Accord de la personne", "accord_partiel": "Accord partiel de la personne",
             "desaccord": "Désaccord de la personne"}.get(accord.get("accord_personne") or "",
                                                         "Accord non renseigné")
    day = as_day(accord.get("date_accord"))
    return f"{words}, le {date_fr(day)}" if day else words


def charter_facts(snapshot: dict, status: str) -> dict:
    """The charter asks for a plan the person agreed to (wholly or in part)."""
    agreed = (snapshot.get("accord") or {}).get("accord_personne") in ("accord", "accord_partiel")
    return {"has_agreed_plan": agreed}


KIND = DocumentKind(
    key="plan_action",
    title="Plan d'action concerté",
    schema=PlanActionSchema,
    subject=HOUSEHOLD,
    reference_prefix="PA",
    access=Access(create=TEAM_WRITERS, read=(*TEAM_WRITERS, R.ADMIN), sign=TEAM_WRITERS),
    wording=household_wording("Plan d'action concerté", "Nouveau plan d'action concerté"),
    sections=SECTIONS,
    form="forms.plan_action",
    build_context=build_context,
    describe=_describe,
    cross_checks=cross_section_errors,
    compare=COMPARE,
    charter_facts=charter_facts,
    prefill=prefill,
    outputs=standard_outputs("plan_action"),
    # The charter asks for the person's agreement, recorded in section C; signing it on the
    # same screen as the protocol (drawn, typed name, recorded refusal) is offered, optional.
    signed=True,
    signature_optional=True,
    agreement=agreement,
    page_bounds=(1, 40),
)
