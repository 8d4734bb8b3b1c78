"""The protocole de crise, one form per section; field names equal the marshmallow schema's.

A `show_if` inside a repeated entry names a field of the same entry (or of an enclosing one):
the page script and the server both look for it from the conditional field outwards.
"""

from wtforms import Form, FormField

from forms import widgets as w
from service.kinds import protocole_crise_vocabulary as C

SANTE_HINT = ("Facultatif et confidentiel : information de santé, lue seulement par l'équipe "
              "qui accompagne la personne. Aucun diagnostic.")


class EnteteForm(Form):
    personne = w.text("Nom et prénom de la personne", autocomplete="off")
    date_protocole = w.date("Date du protocole")
    referent = w.text("Référent ou référente qui a rédigé le protocole avec la personne",
                      hint="Nom, prénom et structure")
    redige_avec = w.long_text("Autres personnes présentes (facultatif)",
                              hint="Proche, soignant, pair-aidant… avec l'accord de la personne",
                              rows=2)
    date_revision = w.date("Date de révision prévue")


class BienEtreForm(Form):
    quand_je_vais_bien = w.long_text("Comment je suis quand je vais bien",
                                     hint="Avec les mots de la personne : « Je suis… »")
    mes_habitudes = w.long_text("Mes habitudes au quotidien (facultatif)",
                                hint="Rythme, lieux, activités, personnes que je vois")
    ce_qui_me_fait_du_bien = w.long_text("Ce qui m'aide à rester bien (facultatif)")


class AvantForm(Form):
    signes_personne = w.long_text("Les signes que je repère moi-même (facultatif)", rows=3)
    signes_entourage = w.long_text("Les signes que les autres peuvent repérer (facultatif)",
                                   rows=3)
    declencheurs = w.long_text("Ce qui peut déclencher la crise (facultatif)", rows=2)
    ce_que_je_fais = w.long_text("Ce que je fais moi-même (facultatif)", rows=3)
    ce_que_fait_equipe = w.long_text("Ce que l'équipe fait", rows=3)
    delai_inquietude_jours = w.text("Au bout de combien de jours sans nouvelles l'équipe "
                                    "s'inquiète-t-elle\u202f?",
                                    hint="Seulement pour la perte de contact", width=4,
                                    inputmode="numeric", show_if=f"code={C.PERTE_DE_CONTACT}")
    canaux = w.checkboxes("Comment l'équipe essaie de me joindre",
                          C.CANAUX, hint="Seulement pour la perte de contact",
                          show_if=f"code={C.PERTE_DE_CONTACT}")


class PendantForm(Form):
    ce_qui_aide = w.long_text("Ce qui m'aide pendant la crise", rows=3)
    ce_qui_naide_pas = w.long_text("Ce qui ne m'aide pas (facultatif)", rows=3)
    soins_preferes = w.long_text("Soins et lieux de soins que je préfère (facultatif)",
                                 hint=SANTE_HINT, rows=2)
    soins_a_eviter = w.long_text("Soins et lieux de soins à éviter (facultatif)",
                                 hint=SANTE_HINT, rows=2)


class ApresForm(Form):
    signes_fin = w.long_text("Les signes que la crise est finie (facultatif)", rows=2)
    reprise_contact = w.long_text("Comment on reprend contact", rows=2)
    debriefing = w.long_text("Comment on en reparle ensemble (facultatif)",
                             hint="Quand, avec qui ; ce qui a marché, ce qu'il faut changer",
                             rows=2)


class ScenarioForm(Form):
    code = w.select("Situation", C.SCENARIOS)
    titre = w.text("Titre de la situation",
                   hint="Obligatoire pour « Autre situation » ; ailleurs, une précision "
                        "facultative")
    avant = FormField(AvantForm, "Avant : prévenir et repérer les signes")
    pendant = FormField(PendantForm, "Pendant la crise")
    apres = FormField(ApresForm, "Après la crise")


class ScenariosForm(Form):
    liste = w.repeat(ScenarioForm, "Situation", add="Ajouter une situation",
                     remove="Retirer la situation {n}", empty_label="Situations",
                     empty="aucune", min_entries=1, max_entries=C.MAX_SCENARIOS)


class PersonneForm(Form):
    nom = w.text("Nom et prénom", autocomplete="off")
    role = w.select("Rôle", C.ROLES)
    role_precision = w.text("Lien ou précision (facultatif)", hint="Par exemple : sœur, "
                            "médecin traitant, voisine")
    prevenir = w.radios("En cas de crise, cette personne est", C.PREVENIR)
    coordonnees = w.long_text("Coordonnées", hint="Téléphone, adresse électronique ; "
                              "obligatoire pour une personne à prévenir", rows=2)
    scenarios = w.checkboxes("Situations concernées", C.SCENARIOS,
                             hint="Aucune case cochée : toutes les situations")
    informations_partagees = w.long_text(
        "Ce qui peut lui être dit", hint="Seulement pour une personne à prévenir", rows=2)
    consentement = w.consent("La personne accompagnée accepte que ce contact soit prévenu et "
                             "reçoive les informations ci-dessus.")
    date_consentement = w.date("Date de ce consentement",
                               hint="Seulement pour une personne à prévenir")


class PersonnesForm(Form):
    liste = w.repeat(PersonneForm, "Personne", add="Ajouter une personne",
                     remove="Retirer la personne {n}",
                     empty_label="Personnes à prévenir ou à ne pas prévenir", empty="aucune",
                     min_entries=0, max_entries=C.MAX_PERSONNES)


class LogementForm(Form):
    cles = w.long_text("Mes clés (facultatif)",
                       hint="Où se trouve un double, qui peut l'utiliser", rows=2)
    animaux = w.long_text("Mes animaux (facultatif)", hint="Qui s'en occupe", rows=2)
    courrier = w.long_text("Mon courrier (facultatif)", hint="Qui le relève", rows=2)
    loyer = w.long_text("Le paiement du loyer et des factures (facultatif)", rows=2)
    information_bailleur = w.radios("Le bailleur est-il informé en cas de crise ?", C.OUI_NON)
    information_bailleur_contenu = w.long_text("Ce que le bailleur peut savoir",
                                               show_if="information_bailleur=oui", rows=2)
    acces_autorise = w.radios("Quelqu'un peut-il entrer dans mon logement en mon absence ?",
                              C.OUI_NON)
    acces_conditions = w.long_text("Qui, et à quelles conditions",
                                   show_if="acces_autorise=oui", rows=2)


class ValiditeForm(Form):
    modification_acceptee = w.consent(C.MODIFICATION)
    date_effet = w.date("Date d'effet du protocole")
    lieu = w.text("Fait à", autocomplete="address-level2")


SECTION_FORMS = {
    "entete": EnteteForm,
    "bien_etre": BienEtreForm,
    "scenarios": ScenariosForm,
    "personnes": PersonnesForm,
    "logement": LogementForm,
    "validite": ValiditeForm,
}
