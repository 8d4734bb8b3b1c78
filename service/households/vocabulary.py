"""Vocabularies of the household's path records, as (code, label): schemas and forms share them."""

CONTACT_KINDS = [
    ("visite_domicile", "Visite à domicile"),
    ("entretien", "Entretien"),
    ("accompagnement_physique", "Accompagnement physique"),
    ("telephone", "Téléphone"),
    ("lieu_public", "Rencontre dans un lieu public"),
]
END_REASONS = [
    ("autonome", "Autonome"), ("non_adhesion", "Non-adhésion"),
    ("transfert", "Transfert vers un autre territoire"), ("perte_contact", "Perte de contact"),
    ("deces", "Décès"), ("autre", "Autre"), ("inconnu", "Inconnu"),
]
# Who asks for the droit de suite after the support ended.
REQUESTERS = [("bailleur", "Le bailleur"), ("locataire", "Le locataire")]
LANDLORD_TYPES = [("social", "Bailleur social"), ("prive", "Bailleur privé"), ("aivs", "AIVS")]
CONTRACTS = [
    ("sous_location", "Sous-location"),
    ("sous_location_bail_glissant", "Sous-location avec bail glissant"),
    ("mandat_de_gestion", "Mandat de gestion (AIVS)"),
    ("bail_direct_droit_commun", "Bail direct"),
]
CALEOL_DECISIONS = [
    ("attribution", "Attribution"),
    ("attribution_condition", "Attribution sous condition suspensive"),
    ("non_attribution", "Non-attribution"),
    ("irrecevabilite", "Irrecevabilité"),
]
