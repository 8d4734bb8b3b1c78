"""Vocabularies of the bilans, as (code, label): posts, collective actions, exit destinations."""

# Posts of the team (DOMAIN.md §4.5); the call asks for at least 0.5 ETP of encadrement.
POSTS = [
    ("encadrement", "Encadrement de l'équipe"),
    ("travailleur_social", "Travailleur social (ASS, ES, CESF)"),
    ("infirmier", "Infirmier ou infirmière"),
    ("psychologue", "Psychologue"),
    ("pair_aidant", "Pair-aidant ou pair-aidante"),
    ("gestion_locative", "Gestion locative adaptée, captation"),
    ("administratif", "Direction, administration"),
]
# The charter's collective actions (Article 2, « Travailler en réseau »).
COLLECTIVE_KINDS = [
    ("petit_dejeuner", "Petit déjeuner du Logement d'abord"),
    ("sortie", "Sortie ou activité collective"),
    ("sensibilisation", "Action de sensibilisation"),
    ("formation", "Formation auprès des acteurs du territoire"),
    ("groupe_travail", "Groupe de travail, instance spécifique"),
    ("autre", "Autre action collective"),
]
# Exit destinations, grouped as DOMAIN.md §6.2 D3 (HMIS 3.12 classes): code, label, class.
DESTINATIONS = [
    ("bail_direct_glissement", "Bail direct après glissement", "permanent"),
    ("logement_social", "Logement social", "permanent"),
    ("logement_prive", "Logement privé", "permanent"),
    ("famille_durable", "Chez la famille ou des amis, durablement", "permanent"),
    ("pension_de_famille", "Pension de famille, résidence accueil", "permanent"),
    ("hebergement", "Hébergement d'urgence ou d'insertion", "temporaire"),
    ("hotel", "Hôtel", "temporaire"),
    ("tiers_temporaire", "Chez des tiers, temporairement", "temporaire"),
    ("hopital", "Hôpital, LHSS, LAM", "institution"),
    ("detention", "Détention", "institution"),
    ("ehpad", "EHPAD, maison de retraite", "institution"),
    ("rue", "Retour à la rue", "rue"),
    ("perdu_de_vue", "Perdu de vue", "autre"),
    ("retour_pays", "Retour au pays d'origine", "autre"),
    ("autre", "Autre", "autre"),
]
DESTINATION_CLASSES = [
    ("permanent", "Logement pérenne"),
    ("temporaire", "Solution temporaire"),
    ("institution", "Institution"),
    ("rue", "Retour à la rue"),
    ("deces", "Décès"),
    ("autre", "Autre ou non renseignée"),
]
