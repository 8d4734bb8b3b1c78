"""The compte rendu financier grid (CERFA 15059*02): sums, gaps in euros and percent, a zero
forecast, the 15 % rule, and the forecast taken from an accepted budget prévisionnel."""

from __future__ import annotations

from decimal import Decimal

from service.applications.calls import create_call, seed_call
from service.applications.models import Application
from service.extensions import db
from service.finance.compte_rendu import gap_percent, grid, significant_gaps
from service.ids import new_id
from service.reporting.bilan_financier import SCOPES, forecast
from tests.reporting.history import History

D = Decimal


def rows_by_code(forecast_lines: dict, actual_lines: dict) -> dict:
    return {row.code: row for row in grid({k: D(v) for k, v in forecast_lines.items()},
                                          {k: D(v) for k, v in actual_lines.items()})}


def test_groups_and_totals_are_sums_of_their_lines():
    rows = rows_by_code({"641": "200000", "645": "80000", "613": "40000", "74-etat": "320000"},
                        {"641": "195000", "645": "79000", "613": "48000", "74-etat": "350000"})
    assert (rows["64"].forecast, rows["64"].actual) == (D("280000.00"), D("274000.00"))
    assert rows["TOTAL-charge"].actual == D("322000.00")
    assert rows["TOTAL-produit"].actual == D("350000.00")
    assert rows["64"].gap == D("-6000.00") and rows["64"].percent == D("-2.14")
    assert rows["613"].gap == D("8000.00") and rows["613"].percent == D("20.00")


def test_zero_forecast_and_the_fifteen_percent_rule():
    assert gap_percent(D(0), D(300)) is None and gap_percent(D(0), D(0)) is None
    rows = rows_by_code({"606": "1000", "625": "1000", "616": "5000"},
                        {"606": "1150", "625": "1150.01", "618": "300"})
    assert not rows["606"].significant  # exactly 15 %
    assert rows["625"].significant  # 15,001 %
    assert rows["616"].significant and rows["616"].percent == D("-100.00")  # never spent
    assert rows["618"].significant and rows["618"].percent is None  # spent, not forecast
    assert not rows["615"].significant  # neither forecast nor spent
    # Groups and totals are never asked for an explanation: their lines are.
    assert {r.code for r in significant_gaps(list(rows.values()))} == {"625", "616", "618"}


def test_forecast_comes_from_the_accepted_budget(app, accounts):
    history = History(accounts)
    call = create_call(seed_call())
    db.session.flush()
    team = [{"fonction": "travailleur_social", "intitule": "Éducatrice", "etp": "1",
             "salaire_brut_annuel": "30000", "cout_annuel_charge": "42000",
             "financement": "iml_ddets"},
            {"fonction": "encadrement", "intitule": "Cheffe de service", "etp": "0.5",
             "salaire_brut_annuel": "20000", "cout_annuel_charge": "28000",
             "financement": "fsl_metropole"}]
    budget = {"charges": [{"compte": "613", "libelle": "Loyers des logements",
                           "repartition": {"iml_ddets": "30000", "fsl_metropole": "0",
                                           "autre": "0"}}], "produits": []}
    db.session.add(Application(
        id=new_id(), reference="CAND-RETENUE", call_id=call.id, structure_id=history.team,
        created_by_id=history.worker.id, identity={}, grouping={}, team=team, note={},
        budget=budget, conventions={}, outcome="retenue"))
    db.session.commit()
    iml = next(s for s in SCOPES if s.code == "iml_ddets")
    planned, source = forecast(history.team, 2026, iml)
    assert source == "budget prévisionnel de la candidature retenue CAND-RETENUE"
    assert planned == {"641": D("30000.00"), "645": D("12000.00"), "613": D("30000.00"),
                       "74-etat": D("72000.00")}
    consolidated, _ = forecast(history.team, 2026, SCOPES[0])
    assert consolidated["641"] == D("50000.00") and consolidated["74-epci"] == D("28000.00")
