"""The plan d'action concerté, one form per section; field names equal the marshmallow schema's."""

from wtforms import Form

from forms import widgets as w
from service.kinds import plan_action_vocabulary as C


class EnteteForm(Form):
    personne = w.text("Nom et prénom de la personne accompagnée", autocomplete="off",
                      hint="Si le plan concerne plusieurs personnes du ménage, indiquez-les "
                           "toutes.")
    date_elaboration = w.date("Date d'élaboration du plan")
    date_revision = w.date("Date de la prochaine révision",
                           hint="Au plus tard 12 mois après l'élaboration ; 6 mois est "
                                "souvent un bon rythme.")
    referent_1 = w.text("Référent ou référente", hint="Nom, prénom et structure")
    referent_2 = w.text("Second référent ou seconde référente (facultatif)",
                        hint="Nom, prénom et structure")
    logement_adresse = w.long_text("Adresse du logement (facultatif)", rows=2)
    logement_date_entree = w.date("Date d'entrée dans le logement (facultatif)")
    logement_statut_bail = w.select("Statut du bail (facultatif)", C.STATUTS_BAIL,
                                    hint="Pour information seulement : le plan n'est jamais "
                                         "une condition d'accès au logement ni de son "
                                         "maintien.")


class ObjectifForm(Form):
    souhait = w.long_text("Ce que je souhaite",
                          hint="Les mots de la personne, à la première personne : « Je "
                               "voudrais… »", rows=2)
    objectif = w.long_text("Objectif formulé ensemble", rows=2)
    etapes = w.long_text("Actions et étapes", hint="Une étape par ligne", rows=4)
    qui_fait_quoi = w.long_text("Qui fait quoi",
                                hint="Par exemple : « Moi : j'appelle la CAF. Référente : "
                                     "prépare le dossier avec moi. »", rows=3)
    acteurs = w.checkboxes("Qui agit (facultatif)", C.ROLES,
                           hint="Cochez tout ce qui s'applique")
    partenaires = w.long_text("Partenaires mobilisés (facultatif)",
                              hint="Nom du service ou de la personne, un par ligne", rows=2)
    echeance = w.date("Échéance (facultatif)")
    statut = w.select("Où en est cet objectif ?", C.STATUTS)
    date_mise_a_jour = w.date("Date de la dernière mise à jour (facultatif)")
    commentaire_evaluation = w.long_text("Commentaire d'évaluation (facultatif)", rows=2)
    points_appui = w.long_text("Mes ressources et points d'appui (facultatif)",
                               hint="Ce sur quoi la personne peut s'appuyer : savoir-faire, "
                                    "proches, expériences…", rows=2)


class DomaineForm(Form):
    code = w.select("Domaine", C.DOMAINES,
                    hint="Chaque domaine ne figure qu'une fois dans le plan")
    objectifs = w.repeat(ObjectifForm, "Objectif", add="Ajouter un objectif",
                         remove="Retirer l'objectif {n}", empty_label="Objectifs",
                         empty="aucun", min_entries=1, max_entries=C.MAX_OBJECTIFS)


class DomainesForm(Form):
    liste = w.repeat(DomaineForm, "Domaine", add="Ajouter un domaine",
                     remove="Retirer le domaine {n}", empty_label="Domaines", empty="aucun",
                     min_entries=1, max_entries=C.MAX_DOMAINES)


class AccordForm(Form):
    accord_personne = w.radios("Mon accord sur ce plan d'action", C.ACCORDS,
                               hint="Le plan doit recueillir l'adhésion de la personne : "
                                    "elle choisit elle-même sa réponse.")
    points_refuses = w.long_text("Les points avec lesquels je ne suis pas d'accord",
                                 show_if="accord_personne=accord_partiel", rows=3)
    commentaire_personne = w.long_text("Mon avis sur ce plan (facultatif)",
                                       hint="Ce que la personne veut ajouter, avec ses mots",
                                       rows=3)
    lieu = w.text("Fait à", autocomplete="address-level2")
    date_accord = w.date("Date")
    copie_remise = w.consent("Une copie de ce plan a été remise à la personne.")
    copie_remise_date = w.date("Date de remise de la copie",
                               hint="Obligatoire si une copie a été remise")


SECTION_FORMS = {
    "entete": EnteteForm,
    "domaines": DomainesForm,
    "accord": AccordForm,
}
