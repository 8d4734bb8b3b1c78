"""Enumerations of the protocole de crise (DOMAIN.md §3, charter art. 2), as (code, label)."""

# The charter's three situations (« perte de lien, problématique santé envahissante, difficultés
# avec l'entourage »), then any other situation the person names.
SCENARIOS = [
    ("perte_de_contact", "Perte de contact"),
    ("probleme_sante_envahissant", "Problème de santé envahissant (physique ou psychique)"),
    ("difficultes_entourage", "Difficultés avec l'entourage (voisinage, visites, conflits)"),
    ("autre", "Autre situation"),
]
# Short names, for the table of people (« Situations concernées »).
SCENARIOS_COURTS = [
    ("perte_de_contact", "Perte de contact"),
    ("probleme_sante_envahissant", "Santé"),
    ("difficultes_entourage", "Entourage"),
    ("autre", "Autre situation"),
]
PERTE_DE_CONTACT = "perte_de_contact"  # the situation with a delay and ways to reach me
DEFAULT_SCENARIOS = ("perte_de_contact", "probleme_sante_envahissant", "difficultes_entourage")
# Ways the team tries to reach the person when contact is lost (DOMAIN.md §3.1, « avant »).
CANAUX = [
    ("telephone", "Appel téléphonique"),
    ("sms", "SMS"),
    ("passage_domicile", "Passage au domicile"),
    ("lieu_frequente", "Lieu que je fréquente (accueil de jour…)"),
    ("proche", "Un proche que j'ai désigné"),
    ("courrier", "Mot ou courrier"),
]
ROLES = [
    ("proche", "Proche"),
    ("soignant", "Soignant ou soignante"),
    ("tuteur_curateur", "Mandataire judiciaire (tutelle, curatelle)"),
    ("bailleur", "Bailleur"),
    ("pair_aidant", "Pair-aidant ou pair-aidante"),
    ("autre", "Autre"),
]
PREVENIR = [
    ("a_prevenir", "À prévenir"),
    ("ne_pas_prevenir", "À ne pas prévenir"),
]
OUI_NON = [("oui", "Oui"), ("non", "Non")]
# What the person acknowledges, the same words on the form and in the PDF and the DOCX.
MODIFICATION = ("Ce protocole peut être modifié à tout moment à ma demande. Chaque "
                "modification donne lieu à une nouvelle version, signée à nouveau.")
STATEMENTS = {"validite.modification_acceptee": MODIFICATION}
MAX_SCENARIOS = 8
MAX_PERSONNES = 20
MAX_DELAI_JOURS = 60


def label(choices, code):
    """French label of a code; the code itself if unknown (never silently blank)."""
    return dict(choices).get(code, code)
