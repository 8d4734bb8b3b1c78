"""Protocole de crise: what to do before, during and after a crisis (DOMAIN.md §3, charter art. 2).

Signed by the person (and the référent·e); every change is a new version to sign again. The
« pendant » block may hold health data (soins préférés / à éviter): optional, never a diagnosis.
"""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, pre_load, validates_schema

from service.kinds import protocole_crise_vocabulary as C
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
    choice,
    choices,
    date_field,
    integer,
    nested_list,
    text,
)
from service.kinds.plan_action import TEAM_WRITERS, as_day, referents
from service.kinds.protocole_crise_context import context_from
from service.rendering.formatting import date_fr


def _nested(schema) -> fields.Nested:
    return fields.Nested(schema, required=True, error_messages=MESSAGES)


class EnteteSchema(Schema):
    personne = text(required=True)
    date_protocole = date_field(required=True)
    referent = text(required=True)
    redige_avec = text(max_length=1000)
    date_revision = date_field(required=True)

    @validates_schema
    def _revision(self, data, **kw):
        start, review = data.get("date_protocole"), data.get("date_revision")
        if start and review and review <= start:
            raise ValidationError("La révision doit suivre la date du protocole.",
                                  "date_revision")


class BienEtreSchema(Schema):
    quand_je_vais_bien = text(required=True, max_length=LONG)
    mes_habitudes = text(max_length=LONG)
    ce_qui_me_fait_du_bien = text(max_length=LONG)


class AvantSchema(Schema):
    signes_personne = text(max_length=LONG)
    signes_entourage = text(max_length=LONG)
    declencheurs = text(max_length=LONG)
    ce_que_je_fais = text(max_length=LONG)
    ce_que_fait_equipe = text(required=True, max_length=LONG)
    delai_inquietude_jours = integer(minimum=1, maximum=C.MAX_DELAI_JOURS)
    canaux = choices(C.CANAUX)


class PendantSchema(Schema):
    ce_qui_aide = text(required=True, max_length=LONG)
    ce_qui_naide_pas = text(max_length=LONG)
    soins_preferes = text(max_length=LONG)
    soins_a_eviter = text(max_length=LONG)


class ApresSchema(Schema):
    signes_fin = text(max_length=LONG)
    reprise_contact = text(required=True, max_length=LONG)
    debriefing = text(max_length=LONG)


LOST = C.PERTE_DE_CONTACT
LOST_ONLY = ("delai_inquietude_jours", "canaux")  # fields of AvantSchema for LOST only


class ScenarioSchema(Schema):
    code = choice(C.SCENARIOS, required=True)
    titre = text(max_length=120)
    avant = _nested(AvantSchema)
    pendant = _nested(PendantSchema)
    apres = _nested(ApresSchema)

    @pre_load
    def _only_where_it_applies(self, data, **kw):
        """The delay and the channels belong to « Perte de contact »: under another situation
        they are ignored, never refused (the page hides them; without JavaScript, or from the
        API, a value left there must not block the protocol)."""
        if isinstance(data, dict) and data.get("code") != LOST \
                and isinstance(data.get("avant"), dict):
            data = {**data, "avant": {k: v for k, v in data["avant"].items()
                                      if k not in LOST_ONLY}}
        return data

    @validates_schema
    def _by_situation(self, data, **kw):
        code, avant = data.get("code"), data.get("avant") or {}
        errors: dict = {}
        if code == "autre" and not data.get("titre"):
            errors["titre"] = ["Donnez un titre à cette situation."]
        if code == LOST and avant.get("delai_inquietude_jours") is None:
            errors["avant"] = {"delai_inquietude_jours": [
                "Indiquez après combien de jours sans nouvelles l'équipe s'inquiète."]}
        if errors:
            raise ValidationError(errors)


class ScenariosSchema(Schema):
    liste = nested_list(ScenarioSchema, required=True, min_items=1, max_items=C.MAX_SCENARIOS)

    @validates_schema
    def _each_default_once(self, data, **kw):
        seen, errors = set(), {}
        for index, scenario in enumerate(data.get("liste") or []):
            code = scenario.get("code")
            if code in seen and code != "autre":
                errors[index] = {"code": ["Cette situation figure déjà dans le protocole."]}
            seen.add(code)
        if errors:
            raise ValidationError({"liste": errors})


class PersonneSchema(Schema):
    nom = text(required=True, max_length=100)
    role = choice(C.ROLES, required=True)
    role_precision = text(max_length=100)
    prevenir = choice(C.PREVENIR, required=True)
    coordonnees = text(max_length=400)
    scenarios = choices(C.SCENARIOS)
    informations_partagees = text(max_length=LONG)
    consentement = fields.Boolean(load_default=False, error_messages=MESSAGES)
    date_consentement = date_field()

    @validates_schema
    def _consent(self, data, **kw):
        errors = {}
        if data.get("prevenir") == "a_prevenir":
            if not data.get("coordonnees"):
                errors["coordonnees"] = ["Indiquez comment joindre cette personne."]
            if not data.get("informations_partagees"):
                errors["informations_partagees"] = ["Indiquez ce qui peut lui être dit."]
            if data.get("consentement") is not True:
                errors["consentement"] = ["Sans l'accord de la personne accompagnée, ce contact "
                                          "ne peut pas être prévenu."]
            if not data.get("date_consentement"):
                errors["date_consentement"] = ["Indiquez la date de ce consentement."]
        elif data.get("prevenir") == "ne_pas_prevenir":
            message = ["Ne concerne que les personnes à prévenir : videz ce champ."]
            for name in ("informations_partagees", "date_consentement"):
                if data.get(name):
                    errors[name] = message
            if data.get("consentement"):
                errors["consentement"] = ["Ne concerne que les personnes à prévenir : "
                                          "décochez cette case."]
        if errors:
            raise ValidationError(errors)


class PersonnesSchema(Schema):
    liste = nested_list(PersonneSchema, max_items=C.MAX_PERSONNES)


class LogementSchema(Schema):
    cles = text(max_length=LONG)
    animaux = text(max_length=LONG)
    courrier = text(max_length=LONG)
    loyer = text(max_length=LONG)
    information_bailleur = choice(C.OUI_NON, required=True)
    information_bailleur_contenu = text(max_length=LONG)
    acces_autorise = choice(C.OUI_NON, required=True)
    acces_conditions = text(max_length=LONG)

    @validates_schema
    def _details(self, data, **kw):
        errors = {}
        for flag, detail, message in (
                ("information_bailleur", "information_bailleur_contenu",
                 "Indiquez ce que le bailleur peut savoir."),
                ("acces_autorise", "acces_conditions",
                 "Indiquez qui peut entrer, et à quelles conditions.")):
            if data.get(flag) == "oui" and not data.get(detail):
                errors[detail] = [message]
            elif data.get(flag) == "non" and data.get(detail):
                errors[detail] = ["Ne s'applique qu'en cas de réponse « Oui »."]
        if errors:
            raise ValidationError(errors)


class ValiditeSchema(Schema):
    modification_acceptee = fields.Boolean(required=True, error_messages=MESSAGES)
    date_effet = date_field(required=True)
    lieu = text(required=True, max_length=100)

    @validates_schema
    def _acknowledged(self, data, **kw):
        if data.get("modification_acceptee") is not True:
            raise ValidationError("La personne doit savoir qu'elle peut faire modifier ce "
                                  "protocole à tout moment.", "modification_acceptee")


SECTIONS = (
    Section("entete", "A", "Informations générales", EnteteSchema),
    Section("bien_etre", "B", "Quand je vais bien", BienEtreSchema),
    Section("scenarios", "C", "Situations de crise\u202f: avant, pendant, après", ScenariosSchema),
    Section("personnes", "D", "Personnes ressources", PersonnesSchema),
    Section("logement", "E", "Mon logement pendant une crise", LogementSchema),
    Section("validite", "F", "Validité du protocole", ValiditeSchema),
)


class ProtocoleCriseSchema(Schema):
    """The whole protocol: one nested schema per section; the web form and the API load it."""

    entete = _nested(EnteteSchema)
    bien_etre = _nested(BienEtreSchema)
    scenarios = _nested(ScenariosSchema)
    personnes = _nested(PersonnesSchema)
    logement = _nested(LogementSchema)
    validite = _nested(ValiditeSchema)

    @validates_schema(skip_on_field_errors=False)
    def _cross_sections(self, data, **kw):
        errors = cross_section_errors(data)
        if errors:
            raise ValidationError(errors)


def cross_section_errors(data: dict) -> dict:
    """A contact's situations exist in the protocol; it takes effect once written and before
    its review. Also run on raw drafts, so each section's status is honest."""
    errors: dict = {}
    scenarios, personnes = data.get("scenarios"), data.get("personnes")
    if isinstance(scenarios, dict) and isinstance(personnes, dict):
        present = {s.get("code") for s in scenarios.get("liste") or [] if isinstance(s, dict)}
        wrong = {i: {"scenarios": ["Cochez seulement des situations décrites dans ce "
                                   "protocole."]}
                 for i, p in enumerate(personnes.get("liste") or [])
                 if isinstance(p, dict) and set(p.get("scenarios") or []) - present}
        if wrong:
            errors["personnes"] = {"liste": wrong}
    entete, validite = data.get("entete"), data.get("validite")
    if isinstance(entete, dict) and isinstance(validite, dict):
        start, effect = as_day(entete.get("date_protocole")), as_day(validite.get("date_effet"))
        review = as_day(entete.get("date_revision"))
        if start and effect and effect < start:
            errors["validite"] = {"date_effet": [
                f"Le protocole ne peut pas prendre effet avant sa rédaction ({date_fr(start)})."]}
        elif review and effect and effect >= review:
            errors["validite"] = {"date_effet": [
                f"La date d'effet doit précéder la révision prévue ({date_fr(review)})."]}
    return errors


def _describe(data: dict) -> str:
    entete = data["entete"]
    return f"{entete['personne']} – protocole du {date_fr(entete['date_protocole'])}"


def build_context(data: dict) -> dict:
    """Plain values and French labels for both templates; `data` is the loaded schema output.
    `data["signatures"]`, when the signing flow adds it, lists who signed (see the context)."""
    return context_from(data)


def prefill(source: PrefillSource) -> dict:
    """A new protocol starts with the charter's three situations, for the person to keep or
    remove, and with what the records hold: the applicant's name, the coordinating referent."""
    data: dict = {"scenarios": {"liste": [{"code": code} for code in C.DEFAULT_SCENARIOS]}}
    if source.household is not None:
        applicant = next((m for m in source.members if m.role == "demandeur"), None)
        named = referents(source)
        data["entete"] = {
            "personne": " ".join(p for p in (applicant.prenom, applicant.nom) if p)
            if applicant else "",
            "referent": named[0] if named else ""}
    return data


# The registry status of a sealed version (service.registry.models.SIGNED).
SIGNED_STATUS = "signed"


def charter_facts(snapshot: dict, status: str) -> dict:
    """A protocol is active once signed and sealed."""
    return {"has_active_protocol": status == SIGNED_STATUS}


COMPARE = CompareSpec(
    names={"scenarios.liste.avant": "avant", "scenarios.liste.pendant": "pendant",
           "scenarios.liste.apres": "après",
           "scenarios.liste.avant.delai_inquietude_jours": "délai avant inquiétude (jours)",
           "personnes.liste.prevenir": "à prévenir",
           "personnes.liste.consentement": "consentement",
           "logement.information_bailleur": "Information du bailleur",
           "logement.acces_autorise": "Accès au logement en mon absence"},
    keys={"scenarios.liste": "code", "personnes.liste": "nom"},
    summaries={"scenarios.liste": "titre"},
    hidden=frozenset({"scenarios", "scenarios.liste", "personnes.liste"}),
)

KIND = DocumentKind(
    key="protocole_crise",
    title="Protocole de crise",
    schema=ProtocoleCriseSchema,
    subject=HOUSEHOLD,
    reference_prefix="PC",
    # Health-related wishes: the team and the nurse only (DOMAIN.md §8.5), not the Plateforme
    # nor gestion locative.
    # The team and the nurse only (DOMAIN.md §8.5): the administrator runs accounts, not care
    # records, and gestion locative is not bound by the same secrecy.
    access=Access(create=TEAM_WRITERS, read=TEAM_WRITERS, sign=TEAM_WRITERS),
    wording=household_wording("Protocole de crise", "Nouveau protocole de crise"),
    sections=SECTIONS,
    form="forms.protocole_crise",
    build_context=build_context,
    describe=_describe,
    cross_checks=cross_section_errors,
    prefill=prefill,
    compare=COMPARE,
    charter_facts=charter_facts,
    outputs=standard_outputs("protocole_crise"),
    signed=True,
    page_bounds=(1, 24),
)
