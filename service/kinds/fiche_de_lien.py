"""Fiche de lien: the referral form an orienteur sends to the Plateforme (DOMAIN.md §1)."""

from __future__ import annotations

import re

from marshmallow import Schema, ValidationError, fields, validates_schema

from service.auth import roles as R
from service.kinds import fiche_de_lien_vocabulary as C
from service.kinds.base import (
    REFERRAL,
    Access,
    DocumentKind,
    PrefillSource,
    Section,
    Wording,
    standard_outputs,
)
from service.kinds.fiche_de_lien_context import context_from
from service.kinds.fields import (
    LONG,
    MESSAGES,
    as_day,
    choice,
    choices,
    date_field,
    integer,
    money,
    nested_list,
    text,
)
from service.rendering.formatting import date_fr
from service.rendering.formatting import money as format_money
from service.rendering.preflight_layout import money_sum
from service.timeutil import today_paris

PHONE = re.compile(r"^\+?[0-9 .()-]{8,30}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class OrigineSchema(Schema):
    structure_nom = text(required=True)
    structure_type = choice(C.STRUCTURE_TYPES, required=True)
    prescripteur_nom = text(required=True)
    prescripteur_fonction = text(required=True)
    prescripteur_telephone = text(required=True, max_length=30)
    prescripteur_courriel = text(required=True, max_length=254)
    autre_referent = text()
    date_fiche = date_field(required=True)
    numero_siao = text(max_length=40)

    @validates_schema(skip_on_field_errors=False)
    def _contact(self, data, **kw):
        errors = {}
        phone = data.get("prescripteur_telephone") or ""
        if phone and not PHONE.match(phone):
            errors["prescripteur_telephone"] = ["Numéro de téléphone non valide."]
        mail = data.get("prescripteur_courriel") or ""
        if mail and not EMAIL.match(mail):
            errors["prescripteur_courriel"] = ["Adresse électronique non valide."]
        if errors:
            raise ValidationError(errors)


class PersonneSchema(Schema):
    nom = text(required=True, max_length=100)
    nom_naissance = text(max_length=100)
    prenom = text(required=True, max_length=100)
    sexe = choice(C.SEXES, required=True)
    date_naissance = date_field(required=True)
    nationalite = choice(C.NATIONALITES, required=True)


class EnfantSchema(Schema):
    prenom = text(required=True, max_length=100)
    age = integer(required=True, maximum=25)
    sexe = choice(C.SEXES_ENFANT)
    scolarite = text()
    hebergement = choice(C.HEBERGEMENT_ENFANT)


class MenageSchema(Schema):
    demandeur = fields.Nested(PersonneSchema, required=True, error_messages=MESSAGES)
    co_demandeurs = nested_list(PersonneSchema, max_items=5)
    typologie = choice(C.TYPOLOGIES, required=True)
    situation_matrimoniale = choice(C.SITUATIONS_MATRIMONIALES)
    enfants = nested_list(EnfantSchema, max_items=12)
    enfant_a_naitre_date = date_field()
    animaux = choice(C.OUI_NON)
    animaux_types = choices(C.ANIMAUX)
    regroupement_familial = choice(C.REGROUPEMENT)


class DroitsSchema(Schema):
    droit_sejour = choice(C.DROITS_SEJOUR)
    titre_fin_validite = date_field()
    domiciliation = choice(C.OUI_NON)
    domiciliation_organisme = text()
    couverture_maladie = choices(C.COUVERTURES)

    @validates_schema
    def _titre(self, data, **kw):
        if data.get("titre_fin_validite") and data.get("droit_sejour") not in C.DROITS_AVEC_TITRE:
            raise ValidationError(
                "Cette date ne s'applique qu'à un titre de séjour.", "titre_fin_validite"
            )


class RessourceSchema(Schema):
    type = choice(C.RESSOURCES, required=True)
    montant_mensuel = money()
    date_fin = date_field()

    @validates_schema
    def _amount(self, data, **kw):
        if data.get("type") and data["type"] != "aucune" and data.get("montant_mensuel") is None:
            raise ValidationError("Indiquez le montant mensuel.", "montant_mensuel")


class RessourcesSchema(Schema):
    lignes = nested_list(RessourceSchema, required=True, min_items=1, max_items=15)
    dettes = choices(C.DETTES)


class ResidenceSchema(Schema):
    lieu_de_vie = choice(C.LIEUX_DE_VIE, required=True)
    duree_errance = choice(C.DUREES_ERRANCE)
    motifs = choices(C.MOTIFS, required=True)
    demande_logement_social = choice(C.OUI_NON)
    numero_unique = text(max_length=40)
    date_demande_logement = date_field()
    dalo = choice(C.DALO)
    syplo = choice(C.SYPLO)
    experience_logement = choice(C.OUI_NON)


class ProjetSchema(Schema):
    secteurs = text(required=True, max_length=1000)
    typologie_souhaitee = choice(C.TYPOLOGIES_LOGEMENT)
    accessibilite_pmr = choice(C.OUI_NON)
    besoins_adaptation = text(max_length=LONG)
    reste_a_charge = money()
    contraintes = text(max_length=LONG)


class AccompagnementsSchema(Schema):
    mesures = choices(C.MESURES)
    mesures_precision = text()
    partenaires_sante = text(max_length=LONG)


class AutoEvaluationSchema(Schema):
    loyer = choice(C.BESOINS, required=True)
    loyer_aide = text(max_length=LONG)
    entretien = choice(C.BESOINS, required=True)
    entretien_aide = text(max_length=LONG)
    voisinage = choice(C.BESOINS, required=True)
    voisinage_aide = text(max_length=LONG)


class ConsentementSchema(Schema):
    accord_orientation = fields.Boolean(required=True, error_messages=MESSAGES)
    information_rgpd = fields.Boolean(required=True, error_messages=MESSAGES)
    date_consentement = date_field(required=True)
    lieu = text(required=True, max_length=100)

    @validates_schema
    def _agreed(self, data, **kw):
        errors = {}
        if data.get("accord_orientation") is not True:
            errors["accord_orientation"] = [
                "L'accord de la personne est nécessaire à l'orientation."]
        if data.get("information_rgpd") is not True:
            errors["information_rgpd"] = ["La personne doit avoir été informée du traitement."]
        if errors:
            raise ValidationError(errors)


SECTIONS = (
    Section("origine", "A", "Origine de l'orientation", OrigineSchema),
    Section("menage", "B", "Identité et composition du ménage", MenageSchema),
    Section("droits", "C", "Situation administrative et droits", DroitsSchema),
    Section("ressources", "D", "Ressources", RessourcesSchema),
    Section("residence", "E", "Situation résidentielle actuelle", ResidenceSchema),
    Section("projet", "F", "Projet logement", ProjetSchema),
    Section("accompagnements", "G", "Accompagnements en cours", AccompagnementsSchema),
    Section("auto_evaluation", "H", "Auto-évaluation des besoins d'accompagnement",
            AutoEvaluationSchema),
    Section("consentement", "I", "Consentement", ConsentementSchema),
)


class FicheDeLienSchema(Schema):
    """The whole fiche: one nested schema per section; the web form and the API load it."""

    origine = fields.Nested(OrigineSchema, required=True, error_messages=MESSAGES)
    menage = fields.Nested(MenageSchema, required=True, error_messages=MESSAGES)
    droits = fields.Nested(DroitsSchema, required=True, error_messages=MESSAGES)
    ressources = fields.Nested(RessourcesSchema, required=True, error_messages=MESSAGES)
    residence = fields.Nested(ResidenceSchema, required=True, error_messages=MESSAGES)
    projet = fields.Nested(ProjetSchema, required=True, error_messages=MESSAGES)
    accompagnements = fields.Nested(AccompagnementsSchema, required=True, error_messages=MESSAGES)
    auto_evaluation = fields.Nested(AutoEvaluationSchema, required=True, error_messages=MESSAGES)
    consentement = fields.Nested(ConsentementSchema, required=True, error_messages=MESSAGES)

    @validates_schema(skip_on_field_errors=False)
    def _cross_sections(self, data, **kw):
        errors = cross_section_errors(data)
        if errors:
            raise ValidationError(errors)


def cross_section_errors(data: dict) -> dict:
    """Rules that span sections; also run on drafts so a section's status is honest."""
    menage, droits = data.get("menage"), data.get("droits")
    menage = menage if isinstance(menage, dict) else {}
    errors: dict = {}
    birth = _expected_birth_error(menage, data.get("origine"))
    if birth:
        errors["menage"] = {"enfant_a_naitre_date": [birth]}
    if not isinstance(droits, dict):
        return errors  # the section itself is missing: that error says enough
    people = [menage.get("demandeur") or {}, *(menage.get("co_demandeurs") or [])]
    people = [p for p in people if isinstance(p, dict)]
    foreign = any(p.get("nationalite") not in (None, "", "FRANCAISE", "UE") for p in people)
    if foreign and not droits.get("droit_sejour"):
        errors["droits"] = {"droit_sejour": ["Précisez le droit au séjour."]}
    return errors


def _expected_birth_error(menage: dict, origine) -> str | None:
    """A child still to be born is expected on or after the fiche's date (today without it)."""
    expected = as_day(menage.get("enfant_a_naitre_date"))
    written = as_day(origine.get("date_fiche")) if isinstance(origine, dict) else None
    reference = written or today_paris()
    if expected is not None and expected < reference:
        return (f"La naissance prévue ne peut pas précéder la date de la fiche "
                f"({date_fr(reference)}) : si l'enfant est né, ajoutez-le parmi les enfants.")
    return None


def _applicant(data: dict) -> str:
    person = data["menage"]["demandeur"]
    return f"{person['prenom']} {person['nom']}"


def printed_totals(context: dict) -> dict:
    """The monthly total recomputed from the resource lines, as the document must print it."""
    total = money_sum(line["montant"] for line in context["ressources"])
    return {"ressources": format_money(total)}


def build_context(data: dict) -> dict:
    """Plain values and French labels for both templates; `data` is the loaded schema output."""
    return context_from(data)


def prefill(source: PrefillSource) -> dict:
    """The sending structure and the orienteur, as the account knows them."""
    structure = source.user.structure
    return {"origine": {"structure_nom": structure.name,
                        "structure_type": structure.structure_type or "",
                        "prescripteur_nom": source.user.full_name,
                        "prescripteur_courriel": source.user.email}}


KIND = DocumentKind(
    key="fiche_de_lien",
    title="Fiche de lien",
    schema=FicheDeLienSchema,
    subject=REFERRAL,
    reference_prefix="FL",
    # Social content: not for gestion locative (DOMAIN.md §8.5); the orienteur's structure
    # reads its own fiches, the household's team reads it once the person is admitted.
    access=Access(create=(R.ORIENTEUR,),
                  read=(R.ORIENTEUR, R.PLATEFORME, R.ADMIN, R.ACCOMPAGNANT, R.INFIRMIER,
                        R.ENCADRANT)),
    wording=Wording(
        start="Commencer une nouvelle fiche",
        submit="Envoyer la fiche",
        submit_heading="Envoyer la fiche",
        submit_notice="Une fois envoyée, la fiche ne peut plus être modifiée : une correction "
                      "crée une nouvelle version qui remplace la précédente. La Plateforme "
                      "Logement d'abord la reçoit immédiatement.",
        done_title="Fiche de lien envoyée",
        next_steps="La Plateforme Logement d'abord a reçu la fiche. Sa décision (admission, "
                   "liste d'attente, réorientation ou refus) apparaîtra dans « Mes fiches ».",
        resume_from="depuis « Mes fiches »",
    ),
    sections=SECTIONS,
    form="forms.fiche_de_lien",
    build_context=build_context,
    describe=_applicant,
    cross_checks=cross_section_errors,
    totals=printed_totals,
    prefill=prefill,
    outputs=standard_outputs("fiche_de_lien"),
)
