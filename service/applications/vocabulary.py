"""Vocabularies of an application, as (code, French label): what the forms and pages show."""

from __future__ import annotations

# Status of an application, as the candidate and the funders read it.
DRAFT, SUBMITTED = "brouillon", "deposee"
STATUSES = {DRAFT: "Brouillon", SUBMITTED: "Déposée"}

# The two kinds of application the call accepts (« Deux types de candidatures »).
SINGLE, GROUPED = "porteur_unique", "groupement"
APPLICATION_KINDS = [
    (SINGLE, "Une structure porte l'équipe de professionnels et le poste d'encadrement"),
    (GROUPED, "Candidature groupée : des structures fédérées par celle qui porte le poste "
              "d'encadrement, les professionnels étant mis à disposition de la structure "
              "porteuse"),
]
APPLICATION_KIND_SHORT = {SINGLE: "Structure porteuse unique", GROUPED: "Candidature groupée"}
# The candidate itself: the employer code of a post held by the carrying structure.
CARRIER = "porteur"

LEGAL_FORMS = [
    ("association", "Association loi 1901"),
    ("fondation", "Fondation"),
    ("scic", "Société coopérative d'intérêt collectif (SCIC)"),
    ("gip", "Groupement d'intérêt public"),
    ("autre", "Autre forme juridique"),
]
AGREMENT_TYPES = [
    ("ILGLS", "Intermédiation locative et gestion locative sociale (L365-4 CCH)"),
    ("ISFT", "Ingénierie sociale, financière et technique (L365-3 CCH)"),
    ("MOI", "Maîtrise d'ouvrage d'insertion (L365-2 CCH)"),
    ("autre", "Autre agrément"),
]
ILGLS = "ILGLS"

# The team table (DOMAIN.md §4.5).
ENCADREMENT = "encadrement"
FUNCTIONS = [
    (ENCADREMENT, "Encadrement de l'équipe (coordination)"),
    ("travailleur_social", "Travailleur social (accompagnement social global)"),
    ("infirmier", "Infirmier ou infirmière"),
    ("psychologue", "Psychologue"),
    ("pair_aidant", "Pair-aidant ou pair-aidante"),
    ("gestion_locative", "Chargé ou chargée de gestion locative et de captation"),
    ("autre", "Autre fonction"),
]
DIPLOMAS = [
    ("ES", "Éducateur spécialisé (DEES)"),
    ("CESF", "Conseiller en économie sociale et familiale (DECESF)"),
    ("ASS", "Assistant de service social (DEASS)"),
    ("infirmier", "Infirmier (diplôme d'État)"),
    ("psychologue", "Psychologue (master)"),
    ("CAFERUIS", "CAFERUIS"),
    ("autre", "Autre diplôme ou qualification"),
]
# What the call expects of the posts beside the encadrement: social workers with a State
# diploma, or care professionals (« Sur les ETP restants… »).
QUALIFYING_DIPLOMAS = ("ES", "CESF", "ASS", "infirmier", "psychologue")
KNOWLEDGE = [
    ("aucune", "Pas encore d'expérience du Logement d'abord"),
    ("formation", "Formé ou formée aux principes du Logement d'abord"),
    ("experience", "Expérience du Logement d'abord ou d'« Un chez-soi d'abord »"),
]
POST_STATUSES = [("en_poste", "En poste"), ("a_recruter", "À recruter")]

# Where a line is charged: the call's envelope lines (by their code), or other resources.
OTHER_FUNDING = "autre"
OTHER_FUNDING_LABEL = "Autres ressources (hors enveloppe)"

FUNDING_STATUSES = [("sollicite", "Sollicité"), ("acquis", "Acquis")]

# The note d'intention's guided sections (DOMAIN.md §4.3), in the order they print. The hints
# name the call's figures ({logements}, {etp}): the page fills them from the call.
NOTE_SECTIONS = [
    ("comprehension", "Compréhension du Logement d'abord et du public",
     "Principes du Logement d'abord, public visé, ce que change l'accès direct au logement."),
    ("captation", "Captation et gestion des logements",
     "Comment vous trouverez et gérerez les {logements} logements : parc public ou privé, "
     "sous-location, bail glissant, mandat de gestion."),
    ("organisation", "Organisation de l'accompagnement pluridisciplinaire",
     "Équipe de {etp} ETP en multi-référence, intensité, aller-vers, astreinte et situations de "
     "crise."),
    ("partenariats", "Partenariats",
     "SIAO et Plateforme Logement d'abord, santé et psychiatrie, bailleurs, CCAS…"),
    ("gouvernance", "Gouvernance",
     "Autorité fonctionnelle de l'encadrement, locaux communs ; pour une candidature groupée, "
     "la gouvernance du groupement."),
    ("calendrier", "Calendrier de montée en charge",
     "Recrutements, premières entrées dans les logements, rythme jusqu'à {logements} ménages."),
    ("indicateurs", "Indicateurs de suivi proposés",
     "Ce que vous suivrez et transmettrez à la Plateforme, à la Métropole et à la DDETS."),
    ("risques", "Gestion des risques locatifs",
     "Impayés, vacance, dégradations : prévention et réponse."),
]
NOTE_TITLES = {key: title for key, title, _ in NOTE_SECTIONS}

# Every piece a call may ask for: generated from the dossier's data (its kind) or uploaded.
UPLOAD = "upload"
PIECES = {
    "statuts": ("Statuts de la structure", UPLOAD),
    "presentation": ("Présentation de l'activité de la structure (rapport d'activité de "
                     "l'année précédente)", UPLOAD),
    "situation_financiere": ("Situation financière : comptes des deux derniers exercices "
                             "clos", UPLOAD),
    "note_intention": ("Note d'intention pour la création de l'équipe Bail d'abord et la mise "
                       "en œuvre concrète du dispositif", "note_intention"),
    "conventions": ("Projets de conventions de mise à disposition de salariés",
                    "convention_mise_a_disposition"),
    "descriptif_equipe": ("Descriptif détaillé des professionnels et de leurs qualifications",
                          "descriptif_equipe"),
    "budget": ("Budget prévisionnel de l'action", "budget_previsionnel"),
    "composition_ca": ("Composition du conseil d'administration et du bureau", UPLOAD),
    "agrement_ilgls": ("Arrêté d'agrément ILGLS", UPLOAD),
    "rib": ("Relevé d'identité bancaire (RIB)", UPLOAD),
}
# When a piece is required: always, or for a grouped application only.
ALWAYS, IF_GROUPED = "toujours", "si_groupement"

OUTCOMES = [("retenue", "Retenue"), ("non_retenue", "Non retenue")]
OUTCOME_LABELS = dict(OUTCOMES)
