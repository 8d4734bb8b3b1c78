"""The sections of an application as marshmallow schemas: one contract for the web pages, the
API and the registered snapshot of a submission; the French messages are the same everywhere.

A section may be saved incomplete (a note d'intention is written over several days): the
schemas refuse what is malformed (a SIRET whose key is wrong, a date, an amount), and the
checklist says what is still missing before submission.
"""

from __future__ import annotations

import re
from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from service.applications import vocabulary as V
from service.finance import accounts as A
from service.kinds.fields import (
    LONG,
    MESSAGES,
    EmptyIsNone,
    FrInteger,
    Money,
    Text,
    choice,
    date_field,
    integer,
    nested_list,
    text,
)

NOTE_LENGTH = 8000
MAX_AMOUNT = 10_000_000


def siret_is_valid(value: str) -> bool:
    """14 digits with a valid Luhn key; La Poste's establishments (SIREN 356 000 000) use the
    sum of their digits modulo 5 instead."""
    if not re.fullmatch(r"\d{14}", value):
        return False
    if value.startswith("356000000"):
        return sum(int(c) for c in value) % 5 == 0
    total = 0
    for position, char in enumerate(reversed(value)):
        digit = int(char) * (2 if position % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


def normalise_siret(value: str | None) -> str:
    return re.sub(r"[\s.\u00a0\u202f-]", "", value or "")


class Siret(fields.String):
    """A SIRET as typed (« 775 684 764 00015 »): spaces removed, Luhn key checked."""

    default_error_messages = {**MESSAGES, "invalid": "Texte non valide."}

    def _deserialize(self, value, attr, data, **kwargs):
        raw = normalise_siret(super()._deserialize(value, attr, data, **kwargs))
        if not raw:
            if self.required:
                raise self.make_error("required")
            return None
        if not re.fullmatch(r"\d{14}", raw):
            raise ValidationError("Le SIRET compte 14 chiffres (9 du SIREN et 5 du NIC).")
        if not siret_is_valid(raw):
            raise ValidationError("Ce SIRET n'est pas valide : sa clé de contrôle ne correspond "
                                  "pas. Vérifiez les 14 chiffres sur l'avis de situation Sirene.")
        return raw


def siret(required: bool = False) -> Siret:
    return Siret(required=required, allow_none=not required)


def amount(required: bool = False) -> Money:
    return Money(required=required, allow_none=not required,
                 validate=validate.Range(min=0, max=MAX_AMOUNT, error="Montant hors limites."))


class FrDecimal(Money):
    """A quantity typed the French way (« 0,5 »), two decimals."""

    default_error_messages = {**MESSAGES, "invalid": "Nombre non valide (ex. : 0,5)."}


def etp(required: bool = False) -> FrDecimal:
    return FrDecimal(required=required, allow_none=not required,
                     validate=validate.Range(min=Decimal("0.01"), max=Decimal("1"),
                                             error="Entre 0,01 et 1 ETP par poste."))


class FrEmail(EmptyIsNone, fields.Email):
    default_error_messages = {**MESSAGES, "invalid": "Adresse électronique non valide "
                                                     "(ex. : nom@structure.fr)."}


def email(required: bool = False) -> FrEmail:
    return FrEmail(required=required, allow_none=not required)


def pattern(regexp: str, message: str, max_length: int) -> Text:
    return Text(allow_none=True, validate=[
        validate.Length(max=max_length, error=f"{max_length} caractères au maximum."),
        validate.Regexp(regexp, error=message)])


def boolean():
    return fields.Boolean(load_default=False, error_messages=MESSAGES)


class AgrementSchema(Schema):
    type = choice(V.AGREMENT_TYPES, required=True)
    numero = text(max_length=60)
    date = date_field()
    autorite = text(max_length=200)
    valide_jusqu_au = date_field()

    @validates_schema
    def _dates(self, data, **kw):
        start, end = data.get("date"), data.get("valide_jusqu_au")
        if start and end and end <= start:
            raise ValidationError("La fin de validité doit suivre la date de l'agrément.",
                                  "valide_jusqu_au")


class IdentitySchema(Schema):
    denomination = text(required=True)
    sigle = text(max_length=40)
    forme_juridique = choice(V.LEGAL_FORMS)
    siret = siret(required=True)
    rna = pattern(r"^(W\d{9}|\d{4,})$", "Le numéro RNA s'écrit W suivi de 9 chiffres (ou le "
                  "numéro du récépissé de la préfecture).", 20)
    objet = text(max_length=LONG)
    siege_adresse = text(max_length=300)
    siege_code_postal = pattern(r"^\d{5}$", "Le code postal compte 5 chiffres.", 5)
    siege_commune = text(max_length=100)
    representant_nom = text()
    representant_qualite = text()
    representant_courriel = email()
    representant_telephone = text(max_length=30)
    contact_nom = text()
    contact_fonction = text()
    contact_courriel = email()
    contact_telephone = text(max_length=30)
    agrements = nested_list(AgrementSchema, max_items=10)
    territoire = text(max_length=LONG)
    intervient_metropole = boolean()
    federation = text(max_length=300)
    adherents = integer(maximum=1_000_000)
    benevoles = integer(maximum=1_000_000)
    salaries = integer(maximum=1_000_000)
    etp_salaries = FrDecimal(allow_none=True, validate=validate.Range(
        min=0, max=1_000_000, error="Nombre hors limites."))


class MemberSchema(Schema):
    denomination = text(required=True)
    siret = siret(required=True)
    representant = text()
    adresse = text(max_length=300)


class GroupingSchema(Schema):
    type = choice(V.APPLICATION_KINDS, required=True)
    membres = nested_list(MemberSchema, max_items=10)

    @validates_schema
    def _members(self, data, **kw):
        members = data.get("membres") or []
        if data.get("type") == V.GROUPED and not members:
            raise ValidationError("Une candidature groupée compte au moins une structure "
                                  "membre en plus de la structure porteuse.", "membres")
        if data.get("type") == V.SINGLE and members:
            raise ValidationError("Une structure porteuse unique n'a pas de membres : retirez-"
                                  "les, ou choisissez la candidature groupée.", "membres")
        seen, errors = set(), {}
        for index, member in enumerate(members):
            if member.get("siret") in seen:
                errors[index] = {"siret": ["Cette structure figure déjà dans le groupement."]}
            seen.add(member.get("siret"))
        if errors:
            raise ValidationError({"membres": errors})


class PostSchema(Schema):
    fonction = choice(V.FUNCTIONS, required=True)
    intitule = text()
    nom = text()
    employeur = text(required=True, max_length=20)
    diplome = choice(V.DIPLOMAS)
    diplome_autre = text()
    experience_annees = integer(maximum=60)
    connaissance_lda = choice(V.KNOWLEDGE)
    etp = etp(required=True)
    statut = choice(V.POST_STATUSES, required=True)
    salaire_brut_annuel = amount()
    cout_annuel_charge = amount(required=True)
    financement = text(required=True, max_length=30)
    profil_experimente = boolean()
    justification = text(max_length=LONG)

    @validates_schema
    def _consistent(self, data, **kw):
        errors = {}
        gross, loaded = data.get("salaire_brut_annuel"), data.get("cout_annuel_charge")
        if gross is not None and loaded is not None and gross > loaded:
            errors["salaire_brut_annuel"] = ["Le salaire brut ne peut pas dépasser le coût "
                                             "annuel chargé (salaire et charges)."]
        if data.get("diplome") == "autre" and not data.get("diplome_autre"):
            errors["diplome_autre"] = ["Précisez le diplôme ou la qualification."]
        if data.get("profil_experimente") and not data.get("justification"):
            errors["justification"] = ["Expliquez l'expérience qui justifie ce profil."]
        if errors:
            raise ValidationError(errors)


class TeamSchema(Schema):
    postes = nested_list(PostSchema, max_items=40)


class NoteSchema(Schema):
    """The note d'intention's guided sections, each a text of its own."""

    comprehension = text(max_length=NOTE_LENGTH)
    captation = text(max_length=NOTE_LENGTH)
    organisation = text(max_length=NOTE_LENGTH)
    partenariats = text(max_length=NOTE_LENGTH)
    gouvernance = text(max_length=NOTE_LENGTH)
    calendrier = text(max_length=NOTE_LENGTH)
    indicateurs = text(max_length=NOTE_LENGTH)
    risques = text(max_length=NOTE_LENGTH)


class ConventionSchema(Schema):
    """The terms of one convention de mise à disposition (L8241-2 and R8241-2 C. trav.)."""

    date_debut = date_field(required=True)
    date_fin = date_field(required=True)
    finalite = text(required=True, max_length=LONG)
    missions = text(required=True, max_length=LONG)
    lieu = text(required=True, max_length=300)
    horaires = text(required=True, max_length=300)
    refacturation = text(required=True, max_length=LONG)
    fin_anticipee = text(required=True, max_length=LONG)
    convention_collective = text(max_length=200)

    @validates_schema
    def _dates(self, data, **kw):
        start, end = data.get("date_debut"), data.get("date_fin")
        if start and end and end <= start:
            raise ValidationError("La fin de la mise à disposition doit suivre son début.",
                                  "date_fin")


# Accounts a charge line may be typed on: the personnel's 641 and 645 come from the team table.
FROM_TEAM = ("641", "645")
CHARGE_ACCOUNTS = [(code, label) for code, label in A.choices(A.CHARGE)
                   if code not in FROM_TEAM]
PRODUIT_ACCOUNTS = A.choices(A.PRODUIT)
CONTRIBUTION_ACCOUNTS = A.choices(A.CHARGE, contribution=True) + A.choices(
    A.PRODUIT, contribution=True)


class ChargeSchema(Schema):
    compte = choice(CHARGE_ACCOUNTS, required=True)
    libelle = text(required=True)
    # {envelope line code or « autre »: amount}: the line's split between the funders.
    repartition = fields.Dict(keys=fields.String(validate=validate.Length(max=30)),
                              values=amount(), load_default=dict, error_messages=MESSAGES)

    @validates_schema
    def _positive(self, data, **kw):
        if not any((v or 0) > 0 for v in (data.get("repartition") or {}).values()):
            raise ValidationError("Indiquez le montant de la ligne pour au moins un financeur.",
                                  "repartition")


class ProduitSchema(Schema):
    compte = choice(PRODUIT_ACCOUNTS, required=True)
    libelle = text(required=True)
    montant = amount(required=True)
    statut = choice(V.FUNDING_STATUSES, required=True)


class ContributionSchema(Schema):
    compte = choice(CONTRIBUTION_ACCOUNTS, required=True)
    libelle = text(required=True)
    montant = amount(required=True)


class BudgetSchema(Schema):
    logements = FrInteger(allow_none=True, validate=validate.Range(
        min=1, max=10_000, error="Entre 1 et 10 000 logements."))
    duree_mois = integer(maximum=60)
    charges = nested_list(ChargeSchema, max_items=60)
    produits = nested_list(ProduitSchema, max_items=30)
    contributions = nested_list(ContributionSchema, max_items=20)


class OutcomeSchema(Schema):
    outcome = choice(V.OUTCOMES, required=True)
    reason = text(required=True, max_length=LONG)
