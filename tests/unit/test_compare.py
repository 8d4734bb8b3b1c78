"""compare(): the field-by-field difference of two snapshots, in French, for version history."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from service.kinds import get
from service.kinds.compare import ADDED, CHANGED, REMOVED, Change, Labels, compare
from service.web.labels import kind_labels

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
N = "\u202f"  # narrow no-break space, before « : » and inside « »


def snapshot(key: str, edit=None) -> dict:
    """The registry's snapshot (schema dump of the loaded input), after `edit(raw)`."""
    raw = json.loads((GOLDEN / key / "input.json").read_text(encoding="utf-8"))
    if edit:
        edit(raw)
    schema = get(key).schema()
    return schema.dump(schema.load(raw))


def labels(key: str) -> Labels:
    return kind_labels(get(key))


@pytest.fixture(scope="module")
def plan():
    return snapshot("plan_action")


def test_identical_snapshots_have_no_change(plan):
    assert compare(plan, copy.deepcopy(plan), labels("plan_action")) == []


def test_status_change_reads_in_french(plan):
    def edit(raw):
        raw["domaines"]["liste"][0]["objectifs"][1]["statut"] = "atteint"

    changes = compare(plan, snapshot("plan_action", edit), labels("plan_action"))
    assert changes == [Change(CHANGED, ("Vie quotidienne, démarches administratives, budget",
                                        "objectif 2", "statut"), "À faire", "Atteint")]
    assert str(changes[0]) == (f"Vie quotidienne, démarches administratives, budget › "
                               f"objectif 2 › statut{N}: «{N}À faire{N}» → «{N}Atteint{N}»")


def test_domains_are_matched_by_code_not_position(plan):
    def edit(raw):
        raw["domaines"]["liste"].reverse()

    assert compare(plan, snapshot("plan_action", edit), labels("plan_action")) == []


def test_added_and_removed_items(plan):
    def edit(raw):
        liste = raw["domaines"]["liste"]
        liste[1]["objectifs"].append({"souhait": "Je veux arrêter de fumer.",
                                      "objectif": "Rencontrer un tabacologue.",
                                      "etapes": "Prendre rendez-vous",
                                      "qui_fait_quoi": "Moi : j'appelle.",
                                      "statut": "a_faire"})
        del liste[2]

    texts = [str(c) for c in compare(plan, snapshot("plan_action", edit),
                                     labels("plan_action"))]
    assert texts == [
        f"Santé physique et psychique › objectif 2{N}: ajouté («{N}Rencontrer un tabacologue."
        f"{N}»)",
        f"Culture, loisirs, vacances{N}: supprimé",
    ]


def test_dates_booleans_choices_and_emptied_fields(plan):
    def edit(raw):
        raw["entete"]["date_revision"] = "2027-06-14"
        raw["entete"]["referent_2"] = ""
        raw["accord"]["copie_remise"] = False
        raw["accord"]["copie_remise_date"] = ""
        raw["domaines"]["liste"][0]["objectifs"][0]["acteurs"] = ["personne"]

    changes = compare(plan, snapshot("plan_action", edit), labels("plan_action"))
    by_path = {c.path[-1]: c for c in changes}
    assert by_path["Date de la prochaine révision"] == Change(
        CHANGED, ("Informations générales", "Date de la prochaine révision"),
        "14 juillet 2027", "14 juin 2027")
    assert by_path["Second référent ou seconde référente (facultatif)"].kind == REMOVED
    assert by_path["Second référent ou seconde référente (facultatif)"].old == "Thomas Vidal, équipe Bail d'abord"
    assert (by_path["Une copie de ce plan a été remise à la personne."].old,
            by_path["Une copie de ce plan a été remise à la personne."].new) == ("oui", "non")
    assert by_path["qui agit"].old == "La personne, Le référent ou la référente"
    assert by_path["qui agit"].new == "La personne"
    assert [c.path[0] for c in changes] == [
        "Informations générales", "Informations générales",
        "Vie quotidienne, démarches administratives, budget", "Accord de la personne",
        "Accord de la personne"]  # document order


def test_field_filled_in_is_an_addition():
    old = {"entete": {"referent_2": None}}
    new = {"entete": {"referent_2": "Thomas Vidal"}}
    (change,) = compare(old, new, labels("plan_action"))
    assert change.kind == ADDED and change.new == "Thomas Vidal"
    assert str(change) == (f"Informations générales › Second référent ou seconde référente (facultatif){N}: "
                           f"ajouté («{N}Thomas Vidal{N}»)")


def test_crisis_protocol_situations_and_people():
    """Situations matched by their code (two « autre » by position); people by name."""
    old = snapshot("protocole_crise")

    def edit(raw):
        scenarios = raw["scenarios"]["liste"]
        scenarios[0]["avant"]["delai_inquietude_jours"] = "5"
        scenarios.append({"code": "autre", "titre": "Coupure d'électricité",
                          "avant": {"ce_que_fait_equipe": "Appeler le fournisseur."},
                          "pendant": {"ce_qui_aide": "Une lampe torche."},
                          "apres": {"reprise_contact": "Un appel."}})
        raw["personnes"]["liste"][0]["consentement"] = False
        raw["personnes"]["liste"][0]["prevenir"] = "ne_pas_prevenir"
        raw["personnes"]["liste"][0]["informations_partagees"] = ""
        raw["personnes"]["liste"][0]["date_consentement"] = ""

    texts = [str(c) for c in compare(old, snapshot("protocole_crise", edit),
                                     labels("protocole_crise"))]
    assert texts[0] == (f"Perte de contact › avant › délai avant inquiétude (jours){N}: "
                        f"«{N}7{N}» → «{N}5{N}»")
    # A second « autre » situation cannot be told apart by its code: its position names it.
    assert f"situation 5{N}: ajouté («{N}Coupure d'électricité{N}»)" in texts
    assert (f"Personnes ressources › Samia Ferhat › à prévenir{N}: «{N}À prévenir{N}» → "
            f"«{N}À ne pas prévenir{N}»") in texts
    assert f"Personnes ressources › Samia Ferhat › consentement{N}: «{N}oui{N}» → «{N}non{N}»" \
        in texts


def test_without_labels_keys_are_read_plainly():
    changes = compare({"a": {"date_effet": "2027-01-01", "liste": [{"x": 1}]}},
                      {"a": {"date_effet": "2027-02-01", "liste": [{"x": 2}, {"x": 3}]}})
    assert [str(c) for c in changes] == [
        f"a › date effet{N}: «{N}1er janvier 2027{N}» → «{N}1er février 2027{N}»",
        f"a › liste 1 › x{N}: «{N}1{N}» → «{N}2{N}»",
        f"a › liste 2{N}: ajouté",
    ]


def test_long_values_can_be_shortened():
    change = Change(CHANGED, ("B", "texte"), "a" * 50, "b" * 50)
    assert change.text(max_length=10) == f"B › texte{N}: «{N}aaaaaaaaa…{N}» → «{N}bbbbbbbbb…{N}»"
    assert "a" * 50 in str(change)
