"""The fiche de lien, one form per section; field names equal the marshmallow schema's."""

from wtforms import Form, FormField

from forms import widgets as w
from service.kinds import fiche_de_lien_vocabulary as C

TITRE = ",".join(C.DROITS_AVEC_TITRE)


class OrigineForm(Form):
    structure_nom = w.text("Nom de la structure orienteuse", autocomplete="organization")
    structure_type = w.select("Type de structure", C.STRUCTURE_TYPES)
    prescripteur_nom = w.text("Nom et prénom du prescripteur ou de la prescriptrice",
                              autocomplete="name")
    prescripteur_fonction = w.text("Fonction", autocomplete="organization-title")
    prescripteur_telephone = w.text("Téléphone", autocomplete="tel", width=20, inputmode="tel")
    prescripteur_courriel = w.text("Adresse électronique", autocomplete="email",
                                   inputmode="email")
    autre_referent = w.text("Autre référent social connu (facultatif)",
                            hint="Nom, structure et téléphone")
    date_fiche = w.date("Date de la fiche")
    numero_siao = w.text("N° SI-SIAO de la fiche groupe (facultatif)", width=20)


class PersonneForm(Form):
    nom = w.text("Nom d'usage", autocomplete="family-name")
    nom_naissance = w.text("Nom de naissance (facultatif)")
    prenom = w.text("Prénom", autocomplete="given-name")
    sexe = w.radios("Sexe", C.SEXES)
    date_naissance = w.date("Date de naissance", autocomplete="bday")
    nationalite = w.select("Nationalité", C.NATIONALITES)


class EnfantForm(Form):
    prenom = w.text("Prénom")
    age = w.text("Âge (en années)", width=4, inputmode="numeric")
    sexe = w.select("Sexe", C.SEXES_ENFANT)
    scolarite = w.text("Scolarité (facultatif)", hint="Établissement, classe")
    hebergement = w.select("Présence au foyer", C.HEBERGEMENT_ENFANT)


class MenageForm(Form):
    demandeur = FormField(PersonneForm, "Demandeur ou demandeuse")
    co_demandeurs = w.repeat(PersonneForm, "Co-demandeur ou co-demandeuse",
                             add="Ajouter un co-demandeur ou une co-demandeuse",
                             remove="Retirer le co-demandeur ou la co-demandeuse {n}",
                             empty_label="Co-demandeurs ou co-demandeuses", empty="aucun",
                             min_entries=0, max_entries=5)
    typologie = w.select("Composition du ménage", C.TYPOLOGIES)
    situation_matrimoniale = w.select("Situation matrimoniale (facultatif)",
                                      C.SITUATIONS_MATRIMONIALES)
    enfants = w.repeat(EnfantForm, "Enfant", add="Ajouter un enfant",
                       remove="Retirer l'enfant {n}", empty_label="Enfants", empty="aucun",
                       min_entries=0, max_entries=12)
    enfant_a_naitre_date = w.date("Enfant à naître : date prévue (facultatif)")
    animaux = w.radios("Le ménage a-t-il des animaux ?", C.OUI_NON)
    animaux_types = w.checkboxes("Quels animaux ?", C.ANIMAUX, show_if="animaux=oui")
    regroupement_familial = w.select("Regroupement familial (facultatif)", C.REGROUPEMENT)


class DroitsForm(Form):
    droit_sejour = w.select("Droit au séjour", C.DROITS_SEJOUR,
                            hint="Obligatoire si la personne n'est pas de nationalité "
                                 "française ou européenne")
    titre_fin_validite = w.date("Date de fin de validité du titre",
                                show_if=f"droit_sejour={TITRE}")
    domiciliation = w.radios("La personne a-t-elle une domiciliation ?", C.OUI_NON)
    domiciliation_organisme = w.text("Organisme de domiciliation",
                                     show_if="domiciliation=oui")
    couverture_maladie = w.checkboxes("Couverture maladie", C.COUVERTURES,
                                      hint="Cochez tout ce qui s'applique")


class RessourceForm(Form):
    type = w.select("Type de ressource", C.RESSOURCES)
    montant_mensuel = w.money("Montant mensuel")
    date_fin = w.date("Date de fin prévue (facultatif)")


class RessourcesForm(Form):
    lignes = w.repeat(RessourceForm, "Ressource", add="Ajouter une ressource",
                      remove="Retirer la ressource {n}", empty_label="Ressources",
                      empty="aucune", min_entries=1, max_entries=15)
    dettes = w.checkboxes("Dettes connues (facultatif)", C.DETTES)


class ResidenceForm(Form):
    lieu_de_vie = w.select("Lieu de vie actuel", C.LIEUX_DE_VIE)
    duree_errance = w.select("Depuis combien de temps sans logement personnel ?",
                             C.DUREES_ERRANCE)
    motifs = w.checkboxes("Motif(s) de la demande", C.MOTIFS,
                          hint="Cochez tout ce qui s'applique")
    demande_logement_social = w.radios("Demande de logement social en cours ?", C.OUI_NON)
    numero_unique = w.text("Numéro unique (NUR)", width=20,
                           show_if="demande_logement_social=oui")
    date_demande_logement = w.date("Date de la demande",
                                   show_if="demande_logement_social=oui")
    dalo = w.select("Recours DALO / DAHO", C.DALO)
    syplo = w.select("Inscription SYPLO (contingent préfectoral)", C.SYPLO)
    experience_logement = w.radios("Expérience antérieure de logement autonome ?", C.OUI_NON)


class ProjetForm(Form):
    secteurs = w.long_text("Secteur(s) géographique(s) souhaité(s)",
                           hint="Un secteur par ligne, par ordre de préférence", rows=3)
    typologie_souhaitee = w.select("Typologie souhaitée", C.TYPOLOGIES_LOGEMENT)
    accessibilite_pmr = w.radios("Besoin d'un logement accessible (PMR) ?", C.OUI_NON)
    besoins_adaptation = w.long_text("Besoins d'adaptation du logement (facultatif)",
                                     hint="Étage, ascenseur, handicap…")
    reste_a_charge = w.money("Reste à charge supportable par mois (facultatif)")
    contraintes = w.long_text("Contraintes et souhaits (facultatif)",
                              hint="Proximité des soins, du travail, de l'école, du réseau…")


class AccompagnementsForm(Form):
    mesures = w.checkboxes("Mesures d'accompagnement existantes", C.MESURES)
    mesures_precision = w.text("Précisions (facultatif)", hint="Organisme, référent")
    partenaires_sante = w.long_text(
        "Partenaires de santé ou de soin qui suivent la personne (facultatif)",
        hint="Indiquez seulement la nature du suivi et le partenaire, jamais de diagnostic.",
    )


class AutoEvaluationForm(Form):
    loyer = w.radios("Payer mon loyer et mes charges", C.BESOINS)
    loyer_aide = w.long_text("Pour le loyer, ce qui pourrait m'aider (facultatif)", rows=2)
    entretien = w.radios("Entretenir mon logement", C.BESOINS)
    entretien_aide = w.long_text("Pour l'entretien, ce qui pourrait m'aider (facultatif)",
                                 rows=2)
    voisinage = w.radios("Respecter le voisinage et les parties communes", C.BESOINS)
    voisinage_aide = w.long_text("Pour le voisinage, ce qui pourrait m'aider (facultatif)",
                                 rows=2)


class ConsentementForm(Form):
    accord_orientation = w.consent(C.CONSENT_ORIENTATION)
    information_rgpd = w.consent(C.CONSENT_INFORMATION)
    date_consentement = w.date("Date du recueil du consentement")
    lieu = w.text("Fait à", autocomplete="address-level2")


SECTION_FORMS = {
    "origine": OrigineForm,
    "menage": MenageForm,
    "droits": DroitsForm,
    "ressources": RessourcesForm,
    "residence": ResidenceForm,
    "projet": ProjetForm,
    "accompagnements": AccompagnementsForm,
    "auto_evaluation": AutoEvaluationForm,
    "consentement": ConsentementForm,
}
