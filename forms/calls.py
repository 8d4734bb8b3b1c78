"""The form of a call for applications (same field names as service/applications/call_schema.py).

The lists come from the view: the funders declared in the form as it stands (an envelope line
chooses among them), the 74 accounts, the units, the pieces and when each is required.
"""

from wtforms import FieldList, Form, FormField

from forms import widgets as w


def call_form(funders: list[tuple[str, str]], accounts: list[tuple[str, str]],
              units: list[tuple[str, str]], pieces: list[tuple[str, str]],
              requirements: list[tuple[str, str]]) -> type[Form]:

    class FunderForm(Form):
        name = w.text("Nom du financeur",
                      hint="Le nom exact de la structure, tel qu'il est enregistré dans le service")
        code = w.text("Code", hint="Court, en minuscules sans accent (ex.\u00a0: ddets)", width=20)

    class EnvelopeLineForm(Form):
        label = w.text("Libellé de la ligne",
                       hint="Par exemple\u00a0: Crédits IML – DDETS de l'Hérault (État, BOP 177)")
        funder = w.select("Financeur", funders, hint="L'un des financeurs déclarés ci-dessus "
                          "(après l'ajout d'un financeur, mettez la liste à jour)")
        code = w.text("Code de la ligne", hint="Les postes et le budget des candidatures "
                      "s'y rattachent (ex.\u00a0: iml_ddets)", width=20)
        credits = w.text("Nature des crédits", hint="Par exemple\u00a0: IML, FSL", width=20)
        account = w.select("Compte du budget prévisionnel", accounts)
        amount = w.money("Montant", hint="En euros, par exemple 350 000,00")
        quantity = w.text("Quantité", hint="Le nombre de logements, d'ETP…", width=10,
                          inputmode="numeric")
        unit = w.select("Unité", units)
        months = w.text("Durée (en mois)", width=4, inputmode="numeric")

    class ExpectedTeamForm(Form):
        etp = w.text("ETP attendus", hint="Par exemple\u00a0: 8", width=10, inputmode="decimal")
        encadrement_min = w.text("Dont encadrement, au moins (ETP)",
                                 hint="Par exemple\u00a0: 0,5", width=10, inputmode="decimal")

    class PieceForm(Form):
        key = w.select("Pièce", pieces)
        required = w.radios("Exigée", requirements)

    class DeadlineForm(Form):
        date = w.date("Jour")
        time = w.text("Heure (heure de Paris)",
                      hint="Par exemple\u00a0: 12:00\u00a0; vide\u00a0: 23:59, toute la "
                      "journée", width=10)

    class CallForm(Form):
        reference = w.text("Référence", hint="Lettres sans accent, chiffres et tirets "
                           "(ex.\u00a0: AAP-BAIL-DABORD-2026)", width=20)
        title = w.text("Titre de l'appel")
        territory = w.text("Territoire", hint="Les structures candidates doivent y intervenir")
        funders = FieldList(FormField(FunderForm), label="Financeur")
        envelope = FieldList(FormField(EnvelopeLineForm), label="Ligne de l'enveloppe")
        expected_team = FormField(ExpectedTeamForm, label="Équipe attendue")
        pieces = FieldList(FormField(PieceForm), label="Pièce")
        contacts = w.long_text("Adresses électroniques des contacts",
                               hint="Une adresse par ligne", rows=3)
        deadline = FormField(DeadlineForm, label="Date limite de dépôt")
        results_on = w.date("Annonce des résultats")
        launch_on = w.date("Lancement de l'action")

    return CallForm
