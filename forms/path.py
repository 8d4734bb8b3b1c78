"""Forms of the household's path: contacts, support period (more to come: tenancy, glissement)."""

from wtforms import Form

from forms import widgets as w

CONTACT_KINDS = [
    ("visite_domicile", "Visite à domicile"),
    ("entretien", "Entretien"),
    ("accompagnement_physique", "Accompagnement physique"),
    ("telephone", "Téléphone"),
    ("lieu_public", "Rencontre dans un lieu public"),
]


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
