"""Forms of the bilans' records: expenses and their CSV import, staff posts, collective actions,
analyse de pratiques sessions, forecast lines and gap explanations. The views give the select
lists their choices (the domain's vocabularies); validation is the schemas'."""

from wtforms import FileField, Form

from forms import widgets as w


class ExpenseForm(Form):
    on = w.date("Date de la dépense")
    amount = w.money("Montant")
    category = w.select("Nature de la dépense", [])
    account = w.select("Compte du budget (CERFA)", [])
    funder = w.select("Ligne de financement", [])
    label = w.text("Libellé", hint="Par exemple : ouverture des compteurs, facture n° 2026-031")
    household = w.text("Ménage concerné (facultatif)", hint="Sa référence, par exemple "
                                                           "BA-2026-0042", width=20)
    justificatif = FileField("Justificatif en PDF (facultatif)",
                             render_kw={"accept": "application/pdf"})


class ImportForm(Form):
    fichier = FileField("Fichier CSV du grand livre", description=(
        "Colonnes : date ; montant ; categorie ; compte ; financeur ; libelle ; menage. "
        "Une ligne erronée et rien n'est importé : la liste des erreurs s'affiche."),
        render_kw={"accept": ".csv,text/csv"})


class StaffPostForm(Form):
    year = w.text("Exercice", width=4, inputmode="numeric")
    post = w.select("Poste", [])
    label = w.text("Intitulé (facultatif)", hint="Par exemple : éducatrice spécialisée")
    etp = w.text("ETP", hint="Par exemple : 0,5", width=4, inputmode="decimal")
    months = w.text("Mois pourvus dans l'exercice", hint="De 0 à 12", width=4,
                    inputmode="decimal")
    funder = w.select("Ligne de financement (facultatif)", [])


class CollectiveActionForm(Form):
    on = w.date("Date")
    kind = w.select("Type d'action", [])
    title = w.text("Intitulé")
    participants = w.text("Personnes accompagnées participantes", width=4, inputmode="numeric")


class PracticeSessionForm(Form):
    on = w.date("Date de la séance")
    facilitator = w.text("Intervenant (facultatif)")
    expected = w.text("Professionnels attendus", width=4, inputmode="numeric")
    attendees = w.checkboxes("Présents", [])


class ForecastLineForm(Form):
    year = w.text("Exercice", width=4, inputmode="numeric")
    funder = w.select("Ligne de financement", [])
    account = w.select("Compte", [])
    amount = w.money("Montant prévu")


class GapExplanationForm(Form):
    debut = w.date("Premier jour de la période du bilan")
    fin = w.date("Dernier jour de la période du bilan")
    scope = w.select("Bilan concerné", [])
    account = w.select("Compte", [])
    text = w.long_text("Explication de l'écart", rows=3)
