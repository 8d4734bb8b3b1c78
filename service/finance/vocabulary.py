"""Vocabularies of the ledger, as (code, label): the call's list of expenses and its funders."""

from decimal import Decimal

# The expenses the call for applications says the envelope covers (« Financements »).
EXPENSE_CATEGORIES = [
    ("personnel", "Personnel de l'équipe"),
    ("equipement_logement", "Équipement minimum du logement"),
    ("demenagement", "Aide logistique au déménagement"),
    ("ouverture_compteurs", "Ouverture des compteurs (eau, gaz, électricité)"),
    ("transport", "Transports pour les démarches accompagnées"),
    ("ancrage_quartier", "Ancrage dans le quartier et activités hors du logement"),
    ("caution", "Caution du bail glissant"),
    ("gestion_locative", "Gestion locative adaptée"),
    ("droit_de_suite", "Droit de suite"),
    ("autre", "Autre dépense"),
]
# The two credit lines of the 577 000 € envelope, then what is outside it.
FUNDERS = [
    ("iml_ddets", "Crédits IML – DDETS de l'Hérault (État, BOP 177)"),
    ("fsl_metropole", "Crédits FSL – Montpellier Méditerranée Métropole"),
    ("autre", "Autres ressources (hors enveloppe)"),
]
FUNDER_LABELS = dict(FUNDERS)
ENVELOPE = {"iml_ddets": Decimal("350000"), "fsl_metropole": Decimal("227000")}
ENVELOPE_TOTAL = sum(ENVELOPE.values(), Decimal(0))  # 577 000 €
TARGET_DWELLINGS = 64
TARGET_ETP = Decimal("8")
TARGET_MANAGEMENT_ETP = Decimal("0.5")  # « dont 0,5 ETP d'encadrement » at least
