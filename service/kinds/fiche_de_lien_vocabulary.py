"""Enumerations of the fiche de lien (DOMAIN.md §1.1, SI-SIAO code lists), as (code, label)."""

STRUCTURE_TYPES = [
    ("accueil_de_jour", "Accueil de jour"),
    ("hebergement_urgence", "Hébergement d'urgence"),
    ("hebergement_insertion", "Hébergement d'insertion (CHRS)"),
    ("samu_social_maraude", "Samu social, maraude"),
    ("service_social_secteur", "Service social de secteur"),
    ("sante_psy", "Santé psychique (CMP, EMPP)"),
    ("sante_somatique", "Santé somatique (PASS, LHSS)"),
    ("justice", "Justice (SPIP)"),
    ("autre", "Autre"),
]
SEXES = [("F", "Femme"), ("M", "Homme"), ("X", "Autre / non précisé")]
# The same codes for a child (the household's members keep one code list).
SEXES_ENFANT = [("F", "Fille"), ("M", "Garçon"), ("X", "Autre / non précisé")]
NATIONALITES = [
    ("FRANCAISE", "Française"),
    ("UE", "Union européenne"),
    ("HORS_UE", "Hors Union européenne"),
    ("APATRIDE", "Apatride"),
    ("NR", "Non renseignée"),
]
TYPOLOGIES = [
    ("homme_seul", "Homme seul"),
    ("femme_seule", "Femme seule"),
    ("couple_sans_enfant", "Couple sans enfant"),
    ("femme_seule_enfants", "Femme seule avec enfant(s)"),
    ("homme_seul_enfants", "Homme seul avec enfant(s)"),
    ("couple_avec_enfants", "Couple avec enfant(s)"),
    ("groupe_adultes", "Groupe d'adultes sans enfant"),
    ("groupe_avec_enfants", "Groupe avec enfant(s)"),
]
SITUATIONS_MATRIMONIALES = [
    ("celibataire", "Célibataire"),
    ("marie", "Marié(e)"),
    ("pacse", "Pacsé(e)"),
    ("concubinage", "Vie maritale / concubinage"),
    ("separe", "Séparé(e)"),
    ("divorce", "Divorcé(e)"),
    ("veuf", "Veuf / veuve"),
    ("nr", "Non renseignée"),
]
HEBERGEMENT_ENFANT = [
    ("permanence", "En permanence"),
    ("garde_alternee", "En garde alternée"),
    ("we_conges", "Uniquement week-ends et congés"),
    ("journee", "Journée uniquement"),
]
ANIMAUX = [("chien", "Chien"), ("chat", "Chat"), ("autre", "Autre")]
REGROUPEMENT = [("non", "Non"), ("envisage", "Envisagé"), ("en_cours", "En cours"),
                ("accepte", "Accepté")]
DROITS_SEJOUR = [
    ("francais", "Français"),
    ("ue", "Ressortissant UE"),
    ("carte_resident", "Carte de résident"),
    ("carte_sejour_temporaire", "Carte de séjour temporaire"),
    ("recepisse", "Récépissé de demande de titre"),
    ("aps", "Autorisation provisoire de séjour (APS)"),
    ("demandeur_asile", "Demandeur d'asile"),
    ("refugie", "Réfugié / protection internationale"),
    ("non_regularise", "Situation non régularisée"),
    ("nr", "Non renseigné"),
]
# A titre de séjour has an end date; these are the ones that do.
DROITS_AVEC_TITRE = ("carte_resident", "carte_sejour_temporaire", "recepisse", "aps",
                     "demandeur_asile", "refugie")
COUVERTURES = [
    ("regime_general", "Régime général"),
    ("puma", "PUMa (ex-CMU)"),
    ("css", "Complémentaire santé solidaire (ex-CMU-C)"),
    ("ame", "Aide médicale de l'État (AME)"),
    ("mutuelle", "Mutuelle"),
    ("sans", "Sans couverture"),
    ("nsp", "Ne sait pas"),
]
RESSOURCES = [
    ("salaire", "Salaire"), ("prime_activite", "Prime d'activité"), ("are", "ARE"),
    ("rsa", "RSA"), ("aah", "AAH"), ("ass", "ASS"), ("ada", "ADA"),
    ("allocations_familiales", "Allocations familiales"), ("asf", "ASF"), ("aeeh", "AEEH"),
    ("complement_familial", "Complément familial"), ("paje", "PAJE"),
    ("cej", "Garantie jeunes / CEJ"), ("indemnites_journalieres", "Indemnités journalières"),
    ("pension_invalidite", "Pension d'invalidité"), ("retraite", "Retraite"),
    ("pension_alimentaire", "Pension alimentaire"), ("formation", "Formation rémunérée"),
    ("bourse", "Bourse"), ("autre", "Autre"), ("aucune", "Aucune ressource"),
]
DETTES = [("locative", "Dette locative"), ("energie", "Dette d'énergie"), ("autre", "Autre dette")]
LIEUX_DE_VIE = [
    ("rue", "À la rue"), ("squat", "Squat"), ("campement", "Campement / bidonville"),
    ("vehicule", "Véhicule"), ("tiers_famille", "Hébergé chez des tiers (famille)"),
    ("tiers_amis", "Hébergé chez des tiers (amis)"), ("hotel_115", "Hôtel 115"),
    ("hotel_hors_115", "Hôtel hors 115"), ("hebergement_urgence", "Hébergement d'urgence"),
    ("stabilisation", "Stabilisation"), ("chrs", "Insertion (CHRS)"),
    ("hivernal", "Dispositif hivernal"), ("logement_foyer", "Logement foyer"),
    ("residence_sociale", "Résidence sociale / pension de famille"), ("iml", "IML"),
    ("asile", "Dispositif asile (CADA/HUDA)"), ("hopital", "Hôpital / LHSS / LAM"),
    ("detention", "Détention"), ("logement_expulsion", "Logement personnel (expulsion en cours)"),
    ("autre", "Autre"),
]
DUREES_ERRANCE = [
    ("moins_6_mois", "Moins de 6 mois"), ("6_12_mois", "6 à 12 mois"), ("1_3_ans", "1 à 3 ans"),
    ("3_5_ans", "3 à 5 ans"), ("plus_5_ans", "Plus de 5 ans"), ("nsp", "Ne sait pas"),
]
MOTIFS = [
    ("absence_ressources", "Absence de ressources"), ("arrivee_france", "Arrivée en France"),
    ("rue", "Dort dans la rue"), ("expulsion", "Expulsion locative"),
    ("fin_ase", "Fin de prise en charge ASE"), ("fin_tiers", "Fin d'hébergement chez des tiers"),
    ("fin_hospitalisation", "Fin d'hospitalisation"),
    ("logement_insalubre", "Logement insalubre / inadapté"),
    ("rupture_familiale", "Séparation ou rupture familiale"),
    ("sortie_detention", "Sortie de détention"), ("sortie_hebergement", "Sortie d'hébergement"),
    ("sortie_asile", "Sortie du dispositif asile"),
    ("violences", "Violences familiales / conjugales"), ("autre", "Autre"),
]
DALO = [("non", "Pas de recours"), ("depose", "Recours déposé"),
        ("prioritaire", "Reconnu prioritaire"), ("rejete", "Recours rejeté")]
SYPLO = [("inscrit", "Inscrit"), ("non_inscrit", "Non inscrit"), ("ne_releve_pas", "Ne relève pas")]
TYPOLOGIES_LOGEMENT = [("studio", "Studio / T1"), ("t1bis", "T1 bis"), ("t2", "T2"),
                       ("t3", "T3"), ("t4", "T4 ou plus"), ("indifferent", "Indifférent")]
MESURES = [("avdl", "AVDL"), ("asll", "ASLL (FSL)"), ("ael", "AEL"), ("masp", "MASP"),
           ("curatelle", "Curatelle"), ("tutelle", "Tutelle"), ("autre", "Autre")]
BESOINS = [
    ("pas_besoin", "Je n'ai pas besoin d'aide"),
    ("besoin_ponctuel", "J'ai besoin d'un coup de main de temps en temps"),
    ("besoin_regulier", "J'ai besoin d'un soutien régulier"),
    ("ne_sait_pas", "Je ne sais pas / je préfère en parler"),
]
IMPERATIFS = [
    ("loyer", "Payer mon loyer et mes charges"),
    ("entretien", "Entretenir mon logement"),
    ("voisinage", "Respecter le voisinage et les parties communes"),
]
OUI_NON = [("oui", "Oui"), ("non", "Non")]

# What the person agrees to, word for word the same on the form and in the PDF and the DOCX
# (DOMAIN.md §1.1 I1-I2, §8.4): who receives the fiche, and what the person was told.
CONSENT_ORIENTATION = (
    "La personne est d'accord pour être orientée vers le dispositif Bail d'abord et pour que "
    "cette fiche soit transmise à la Plateforme Logement d'abord, puis, si elle est admise, à "
    "l'équipe qui l'accompagnera.")
CONSENT_INFORMATION = (
    "La personne a été informée de l'utilisation de ses données (finalité, destinataires, durée "
    "de conservation) et de ses droits\u202f: accès, rectification, effacement, limitation, "
    "opposition, et réclamation auprès de la CNIL.")
# Form field (section.field) -> the statement its box stands for.
STATEMENTS = {
    "consentement.accord_orientation": CONSENT_ORIENTATION,
    "consentement.information_rgpd": CONSENT_INFORMATION,
}


def label(choices, code):
    """French label of a code; the code itself if unknown (never silently blank)."""
    return dict(choices).get(code, code)
