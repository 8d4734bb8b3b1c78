"""Forms of an application to a call (same field names as service/applications/schemas.py).

The lists that depend on the call or the application (employers, funder lines, accounts) are
given by the view: `team_form(...)`, `budget_form(...)`.
"""

from wtforms import FieldList, Form, FormField

from forms import widgets as w
from service.applications.vocabulary import (
    AGREMENT_TYPES,
    APPLICATION_KINDS,
    DIPLOMAS,
    FUNCTIONS,
    FUNDING_STATUSES,
    KNOWLEDGE,
    LEGAL_FORMS,
    NOTE_SECTIONS,
    OUTCOMES,
    POST_STATUSES,
)


class AgrementForm(Form):
    type = w.select("Agrément", AGREMENT_TYPES)
    numero = w.text("Numéro (facultatif)", width=20)
    date = w.date("Date de l'arrêté")
    autorite = w.text("Autorité qui l'a délivré", hint="Par exemple : préfet de l'Hérault")
    valide_jusqu_au = w.date("Valide jusqu'au")


class IdentityForm(Form):
    denomination = w.text("Dénomination", autocomplete="organization")
    sigle = w.text("Sigle (facultatif)", width=10)
    forme_juridique = w.select("Forme juridique", LEGAL_FORMS)
    siret = w.text("SIRET", hint="14 chiffres, sur l'avis de situation Sirene", width=20,
                   inputmode="numeric")
    rna = w.text("Numéro RNA (facultatif)", hint="W suivi de 9 chiffres", width=10)
    objet = w.long_text("Objet statutaire (facultatif)", rows=3)
    siege_adresse = w.text("Adresse du siège", autocomplete="street-address")
    siege_code_postal = w.text("Code postal", width=5, inputmode="numeric",
                               autocomplete="postal-code")
    siege_commune = w.text("Commune", autocomplete="address-level2")
    representant_nom = w.text("Représentant légal : nom et prénom")
    representant_qualite = w.text("Représentant légal : qualité",
                                  hint="Par exemple : président, présidente")
    representant_courriel = w.text("Représentant légal : adresse électronique (facultatif)",
                                   autocomplete="email")
    representant_telephone = w.text("Représentant légal : téléphone (facultatif)", width=20,
                                    autocomplete="tel")
    contact_nom = w.text("Personne chargée du dossier : nom et prénom", autocomplete="name")
    contact_fonction = w.text("Personne chargée du dossier : fonction (facultatif)")
    contact_courriel = w.text("Personne chargée du dossier : adresse électronique",
                              autocomplete="email")
    contact_telephone = w.text("Personne chargée du dossier : téléphone (facultatif)",
                               width=20, autocomplete="tel")
    agrements = FieldList(FormField(AgrementForm), label="Agrément")
    territoire = w.long_text("Territoire d'intervention", rows=2)
    # The page fills in the call's territory ({territoire}).
    intervient_metropole = w.consent("La structure intervient sur le territoire : {territoire}")
    federation = w.text("Fédération ou réseau (facultatif)")
    adherents = w.text("Nombre d'adhérents (facultatif)", width=5, inputmode="numeric")
    benevoles = w.text("Nombre de bénévoles (facultatif)", width=5, inputmode="numeric")
    salaries = w.text("Nombre de salariés (facultatif)", width=5, inputmode="numeric")
    etp_salaries = w.text("Salariés en ETP (facultatif)", width=5, inputmode="decimal")


class MemberForm(Form):
    denomination = w.text("Dénomination")
    siret = w.text("SIRET", width=20, inputmode="numeric")
    representant = w.text("Représentée par (facultatif)")
    adresse = w.text("Adresse (facultatif)")


class GroupingForm(Form):
    type = w.radios("Type de candidature", APPLICATION_KINDS)
    membres = FieldList(FormField(MemberForm), label="Structure membre")


def team_form(employers: list[tuple[str, str]], funders: list[tuple[str, str]]) -> type[Form]:
    """The team table; `employers` are the carrier and the members, `funders` the call's lines
    and « autres »."""

    class PostForm(Form):
        fonction = w.select("Fonction", FUNCTIONS)
        intitule = w.text("Intitulé du poste (facultatif)",
                          hint="Par exemple : cheffe de service, éducateur spécialisé")
        nom = w.text("Nom de la personne (facultatif, vide pour un poste à recruter)")
        employeur = w.select("Structure employeuse", employers)
        diplome = w.select("Diplôme", DIPLOMAS)
        diplome_autre = w.text("Autre diplôme ou qualification",
                               show_if="diplome=autre")
        experience_annees = w.text("Années d'expérience (facultatif)", width=4,
                                   inputmode="numeric")
        connaissance_lda = w.select("Connaissance du Logement d'abord", KNOWLEDGE)
        etp = w.text("ETP sur le projet", hint="Par exemple : 1 ou 0,5", width=5,
                     inputmode="decimal")
        statut = w.radios("Statut", POST_STATUSES)
        salaire_brut_annuel = w.money("Salaire brut annuel (facultatif)",
                                      hint="Alimente le compte 641 du budget")
        cout_annuel_charge = w.money("Coût annuel chargé", hint="Salaire et charges "
                                     "patronales : la différence alimente le compte 645")
        financement = w.select("Ligne de financement", funders)
        profil_experimente = w.consent("Profil expérimenté sans diplôme d'État du travail "
                                       "social ou du soin")
        justification = w.long_text("Expérience qui justifie ce profil (facultatif)", rows=2)

    class TeamForm(Form):
        postes = FieldList(FormField(PostForm), label="Poste")

    return TeamForm


class NoteForm(Form):
    pass


for _key, _title, _hint in NOTE_SECTIONS:
    setattr(NoteForm, _key, w.long_text(_title, hint=_hint, rows=8))


class ConventionForm(Form):
    date_debut = w.date("Début de la mise à disposition")
    date_fin = w.date("Fin de la mise à disposition")
    finalite = w.long_text("Finalité poursuivie", rows=3)
    missions = w.long_text("Missions confiées aux salariés", rows=3)
    lieu = w.text("Lieu d'exécution du travail")
    horaires = w.text("Horaires")
    refacturation = w.long_text("Mode de détermination des salaires, des charges sociales et "
                                "des frais professionnels facturés", rows=3)
    fin_anticipee = w.long_text("Modalités de fin anticipée", rows=2)
    convention_collective = w.text("Convention collective applicable (facultatif)")


def budget_form(funders: list[tuple[str, str]], charge_accounts: list[tuple[str, str]],
                produit_accounts: list[tuple[str, str]],
                contribution_accounts: list[tuple[str, str]]) -> type[Form]:
    """The budget's lines; a charge line has one amount per funder column."""

    class SplitForm(Form):
        pass

    for code, label in funders:
        setattr(SplitForm, code, w.money(label, hint=""))

    class ChargeForm(Form):
        compte = w.select("Compte", charge_accounts)
        libelle = w.text("Libellé de la ligne")
        repartition = FormField(SplitForm, label="Répartition entre les financeurs")

    class ProduitForm(Form):
        compte = w.select("Compte", produit_accounts)
        libelle = w.text("Financeur ou ressource", hint="Par exemple : Fondation Abbé Pierre")
        montant = w.money("Montant")
        statut = w.radios("Statut", FUNDING_STATUSES)

    class ContributionForm(Form):
        compte = w.select("Compte", contribution_accounts)
        libelle = w.text("Libellé")
        montant = w.money("Montant")

    class BudgetForm(Form):
        logements = w.text("Nombre de logements accompagnés", width=5, inputmode="numeric")
        duree_mois = w.text("Durée de l'action (en mois)", width=4, inputmode="numeric")
        charges = FieldList(FormField(ChargeForm), label="Charge")
        produits = FieldList(FormField(ProduitForm), label="Autre produit")
        contributions = FieldList(FormField(ContributionForm),
                                  label="Contribution volontaire en nature")

    return BudgetForm


class OutcomeForm(Form):
    outcome = w.radios("Résultat", OUTCOMES)
    reason = w.long_text("Motif, communiqué à la structure", rows=4)
