"""The roles of DESIGN.md §5 and their French labels."""

ORIENTEUR = "orienteur"
PLATEFORME = "plateforme"
ACCOMPAGNANT = "accompagnant"
INFIRMIER = "infirmier"
ENCADRANT = "encadrant"
GESTION_LOCATIVE = "gestion_locative"
CANDIDAT = "candidat"
FINANCEUR = "financeur"
ADMIN = "admin"

LABELS = {
    ORIENTEUR: "Service orienteur",
    PLATEFORME: "Plateforme Logement d'abord",
    ACCOMPAGNANT: "Accompagnement social",
    INFIRMIER: "Soins infirmiers",
    ENCADRANT: "Encadrement de l'équipe",
    GESTION_LOCATIVE: "Gestion locative",
    CANDIDAT: "Structure candidate",
    FINANCEUR: "Financeur",
    ADMIN: "Administration du service",
}

ALL = tuple(LABELS)
# Roles that work on the households followed by their structure's team.
TEAM_ROLES = (ACCOMPAGNANT, INFIRMIER, ENCADRANT, GESTION_LOCATIVE)
