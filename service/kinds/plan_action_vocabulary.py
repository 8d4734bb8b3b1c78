"""Enumerations of the plan d'action concerté (DOMAIN.md §2, charter art. 2), as (code, label)."""

# The nine fields of the charter's « accompagnement à la carte »: the person picks any of them.
DOMAINES = [
    ("vie_quotidienne", "Vie quotidienne, démarches administratives, budget"),
    ("sante", "Santé physique et psychique"),
    ("logement", "Logement, relations avec le bailleur, installation, équipement"),
    ("vie_sociale", "Vie sociale, voisinage, lieux ressources du quartier"),
    ("culture_loisirs", "Culture, loisirs, vacances"),
    ("emploi_formation", "Emploi, formation, éducation"),
    ("parentalite", "Parentalité, liens familiaux"),
    ("droits_justice", "Accès aux droits, démarches avec la justice"),
    ("citoyennete", "Citoyenneté (participation, vote, bénévolat, pair-aidance)"),
]
STATUTS = [
    ("a_faire", "À faire"),
    ("en_cours", "En cours"),
    ("atteint", "Atteint"),
    ("partiellement_atteint", "Partiellement atteint"),
    ("abandonne", "Abandonné"),
    ("reporte", "Reporté"),
]
# Said by the person, in the first person: the charter requires their adhesion to the plan.
ACCORDS = [
    ("accord", "Je suis d'accord avec ce plan d'action."),
    ("accord_partiel", "Je suis d'accord avec une partie de ce plan seulement."),
    ("desaccord", "Je ne suis pas d'accord avec ce plan d'action."),
]
# What the person answers on the plan, the same words on the form and in the documents.
STATEMENTS = {"accord.accord_personne": [label for _, label in ACCORDS]}
# Who acts on an objective (the « qui fait quoi » text says what each one does).
ROLES = [
    ("personne", "La personne"),
    ("referent", "Le référent ou la référente"),
    ("equipe", "L'équipe Bail d'abord"),
    ("partenaire", "Un partenaire"),
    ("proche", "Un proche"),
]
# DOMAIN.md §7: for information only; the plan never bears on the tenancy.
STATUTS_BAIL = [
    ("sous_location", "Sous-location"),
    ("sous_location_bail_glissant", "Sous-location avec bail glissant"),
    ("mandat_de_gestion", "Mandat de gestion (bail direct)"),
    ("bail_direct_droit_commun", "Bail direct de droit commun"),
]
MAX_DOMAINES = len(DOMAINES)
MAX_OBJECTIFS = 10
MAX_MOIS_REVISION = 12


def label(choices, code):
    """French label of a code; the code itself if unknown (never silently blank)."""
    return dict(choices).get(code, code)
