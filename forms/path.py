"""Forms of the household's path: contacts, support period (more to come: tenancy, glissement)."""

from wtforms import Form

from forms import widgets as w
from service.households.vocabulary import (
    CALEOL_DECISIONS,
    CONTACT_KINDS,
    CONTRACTS,
    END_REASONS,
    LANDLORD_TYPES,
    REQUESTERS,
)


class ContactForm(Form):
    on = w.date("Date du contact")
    kind = w.radios("Type de contact", CONTACT_KINDS)
    professionals = w.checkboxes("Professionnels présents", [])
    place = w.text("Lieu (facultatif)", hint="Par exemple : au domicile, café du quartier. "
                                            "Pas de note sur la santé ici.")


class SupportForm(Form):
    start = w.date("Début de l'accompagnement",
                   hint="Date de validation de l'attribution en CALEOL")
    planned_end = w.date("Fin prévue", hint="En principe douze mois après le début")
    nurse_first_meeting = w.date("Première rencontre avec l'infirmier ou l'infirmière "
                                 "(facultatif)")
    extension_until = w.date("Prolongation : nouvelle fin prévue (facultatif)",
                             hint="Décidée avec les financeurs ; elle s'ajoute à l'historique")
    extension_reason = w.text("Motif de la prolongation (facultatif)")
    end_date = w.date("Fin effective de l'accompagnement (facultatif)")
    end_reason = w.select("Motif de fin (facultatif)", END_REASONS)
    destination = w.text("Situation à la sortie (facultatif)",
                         hint="Par exemple : bail direct après glissement, logement social")


class DroitDeSuiteForm(Form):
    on = w.date("Date de la sollicitation")
    requested_by = w.radios("Qui sollicite ?", REQUESTERS)
    reason = w.long_text("Motif", hint="Troubles du voisinage, impayés, besoin de soutien "
                                       "ponctuel… Ce n'est pas une reprise d'accompagnement.")
    action = w.long_text("Ce qui a été fait (facultatif)")


class TenancyForm(Form):
    landlord_name = w.text("Bailleur", hint="Par exemple : ACM Habitat")
    landlord_type = w.radios("Type de bailleur", LANDLORD_TYPES)
    address = w.long_text("Adresse du logement", rows=2)
    typology = w.text("Typologie (facultatif)", hint="T1, T2…", width=10)
    contract = w.select("Type de contrat", CONTRACTS)
    caleol_date = w.date("Date de passage en CALEOL (facultatif)")
    caleol_decision = w.select("Décision de la CALEOL (facultatif)", CALEOL_DECISIONS)
    entry_date = w.date("Date d'entrée dans le logement (facultatif)")
    rent = w.money("Loyer mensuel (facultatif)")
    charges = w.money("Charges mensuelles (facultatif)")
    convention_signed = w.date("Bail glissant : signature de la convention",
                               show_if="contract=sous_location_bail_glissant")
    examination_months = w.text("Bail glissant : durée de la période d'examen (en mois)",
                                width=4, inputmode="numeric",
                                show_if="contract=sous_location_bail_glissant")
    glissement_date = w.date("Date du glissement du bail (facultatif)",
                             show_if="contract=sous_location_bail_glissant")


class TeamMemberForm(Form):
    user_id = w.select("Professionnel", [])
    coordinating = w.consent("Coordonne l'accompagnement de ce ménage")


class ExaminationForm(Form):
    on = w.date("Date de l'examen périodique")
    participants = w.text("Participants", hint="Bailleur, structure, sous-locataire…")
    conclusion = w.long_text("Conclusion", rows=3)
