"""Each rule of the checklist, on both sides: what passes, and what fails with its French reason."""

from __future__ import annotations

import copy

import pytest

from service.applications import checklist as C
from service.applications.schemas import IdentitySchema, siret_is_valid
from service.applications.service import loaded
from tests.golden.candidature.sample import MEMBER_SIRET, raw_application

NNBSP = "\u202f"


def check(raw: dict, key: str) -> C.Check:
    return C.evaluate(C.facts(loaded(raw))).get(key)


def with_uploads(raw: dict) -> dict:
    keys = [p["key"] for p in raw["call"]["pieces"]]
    raw["pieces"] = [{"key": key, "files": [{"filename": f"{key}.pdf", "sha256": "a" * 64,
                                             "original_sha256": "b" * 64, "pages": 2,
                                             "size": 1000}]}
                     for key in keys if key in ("statuts", "presentation", "situation_financiere",
                                                "composition_ca", "agrement_ilgls", "rib")]
    return raw


@pytest.fixture
def raw():
    return with_uploads(raw_application())


def test_the_complete_sample_passes_every_rule(raw):
    result = C.evaluate(C.facts(loaded(raw)))
    assert [c.key for c in result.failing] == []
    assert result.ok and result.summary.startswith("Dossier complet")


def test_eight_etp_with_half_an_etp_of_encadrement_pass(raw):
    raw["equipe"]["postes"][0]["etp"] = "0.50"
    raw["equipe"]["postes"].append({**raw["equipe"]["postes"][1], "etp": "0.50"})
    assert check(raw, "equipe_etp").ok and check(raw, "encadrement").ok


def test_seven_and_a_half_etp_fail(raw):
    raw["equipe"]["postes"][1]["etp"] = "0.50"
    found = check(raw, "equipe_etp")
    assert found.status == C.WRONG
    assert found.problems == ("L'équipe compte 7,5\u00a0ETP : l'appel en attend 8\u00a0ETP.",)
    assert "obligation de moyens" in found.why


def test_encadrement_under_half_an_etp_fails(raw):
    raw["equipe"]["postes"][0]["etp"] = "0.40"
    assert check(raw, "encadrement").problems == (
        "Le poste d'encadrement compte 0,4\u00a0ETP : il en faut au moins 0,5\u00a0ETP.",)
    raw["equipe"]["postes"] = raw["equipe"]["postes"][1:]
    assert "Aucun poste d'encadrement" in check(raw, "encadrement").problems[0]


def test_a_post_without_diploma_nor_justified_experience_fails(raw):
    assert check(raw, "qualifications").ok  # the pair-aidant is a justified experienced profile
    raw["equipe"]["postes"][7]["profil_experimente"] = False
    found = check(raw, "qualifications")
    assert found.problems == ("Le poste 8 (Médiateur pair) n'a ni diplôme d'État du travail "
                              "social ou du soin, ni profil expérimenté justifié.",)


def test_a_budget_one_euro_off_fails(raw):
    raw["budget"]["produits"][1]["montant"] = "9999.00"
    found = check(raw, "budget_equilibre")
    assert found.status == C.WRONG
    assert found.problems == (
        f"Le total des charges (592{NNBSP}000,00\u00a0€) et celui des produits "
        f"(591{NNBSP}999,00\u00a0€) diffèrent de 1,00\u00a0€.",)


def test_contributions_86_and_87_must_match(raw):
    raw["budget"]["contributions"][1]["montant"] = "5000.00"
    assert "doivent être égaux" in check(raw, "budget_equilibre").problems[0]


def test_the_iml_line_must_be_exactly_the_envelope(raw):
    assert check(raw, "enveloppe_iml_ddets").ok
    details = check(raw, "enveloppe_iml_ddets").details
    assert f"par logement sur 12 mois : 5{NNBSP}468,75\u00a0€" in details[0]
    assert "par logement et par mois : 455,73\u00a0€" in details[1]
    raw["budget"]["charges"][0]["repartition"]["iml_ddets"] = "51201.00"
    found = check(raw, "enveloppe_iml_ddets")
    assert found.problems == (
        f"Le budget demande 350{NNBSP}001,00\u00a0€ à cette ligne (Crédits IML – DDETS de "
        f"l'Hérault (État, BOP 177)) : l'enveloppe est de 350{NNBSP}000,00\u00a0€, soit un "
        "écart de 1,00\u00a0€.",)
    # The subsidy asked grows with the split: the budget still balances, the envelope does not.
    assert check(raw, "budget_equilibre").ok


def test_the_fsl_line_must_be_exactly_the_envelope(raw):
    assert check(raw, "enveloppe_fsl_metropole").details == (
        f"Crédits FSL – Montpellier Méditerranée Métropole par ETP sur 12 mois : "
        f"28{NNBSP}375,00\u00a0€",)
    raw["equipe"]["postes"][0]["financement"] = "iml_ddets"
    assert not check(raw, "enveloppe_fsl_metropole").ok
    assert not check(raw, "enveloppe_iml_ddets").ok


def test_sixty_four_dwellings(raw):
    assert check(raw, "logements").ok
    raw["budget"]["logements"] = 60
    assert check(raw, "logements").problems == (
        "Le budget porte sur 60 logements : l'appel en prévoit 64.",)


def test_an_expired_ilgls_agrement_fails(raw):
    assert check(raw, "agrement_ilgls").ok
    raw["identite"]["agrements"][0]["valide_jusqu_au"] = "2025-03-30"
    found = check(raw, "agrement_ilgls")
    assert found.status == C.WRONG
    assert found.problems == ("L'agrément n° 34-2022-017 a expiré le 30 mars 2025, avant la "
                              "date limite de l'appel (31 mars 2025) : joignez l'arrêté de "
                              "renouvellement.",)
    raw["identite"]["agrements"][0]["valide_jusqu_au"] = "2025-03-31"
    assert check(raw, "agrement_ilgls").ok  # valid on the last day


def test_no_ilgls_agrement_at_all(raw):
    raw["identite"]["agrements"][0]["type"] = "ISFT"
    assert check(raw, "agrement_ilgls").status == C.TODO
    assert "L365-4" in check(raw, "agrement_ilgls").why


def test_territory_of_the_metropole(raw):
    assert check(raw, "territoire").ok
    raw["identite"]["intervient_metropole"] = False
    assert check(raw, "territoire").problems == (
        "Indiquez si la structure intervient sur le territoire : Montpellier Méditerranée "
        "Métropole.",)


def test_a_grouped_application_missing_one_convention_fails(raw):
    assert check(raw, "conventions").ok
    raw["conventions"] = {}
    found = check(raw, "conventions")
    assert found.problems == ("Il manque la convention de mise à disposition de Association "
                              "Soins et Rétablissement.",)
    assert "L8241-2" in found.why


def test_a_member_lending_nobody_needs_no_convention(raw):
    for post in raw["equipe"]["postes"]:
        post["employeur"] = "porteur"
    raw["conventions"] = {}
    assert check(raw, "conventions").ok


def test_a_single_structure_needs_no_convention_and_no_convention_piece(raw):
    raw["groupement"] = {"type": "porteur_unique", "membres": []}
    for post in raw["equipe"]["postes"]:
        post["employeur"] = "porteur"
    assert check(raw, "conventions").details == (
        "Sans objet : une seule structure porte l'équipe.",)


def test_every_required_piece_is_present(raw):
    assert check(raw, "piece_rib").ok
    raw["pieces"] = [p for p in raw["pieces"] if p["key"] != "rib"]
    assert check(raw, "piece_rib").status == C.TODO
    assert check(raw, "piece_rib").problems == ("Joignez ce document (PDF).",)


def test_note_sections_all_written(raw):
    raw["note"]["risques"] = ""
    assert check(raw, "note_intention").problems == ("Rédigez : Gestion des risques locatifs.",)


def test_identity_lists_what_is_missing():
    raw = with_uploads(raw_application())
    raw["identite"]["contact_courriel"] = None
    raw["identite"]["siege_commune"] = ""
    assert check(raw, "identite").problems == (
        "Indiquez la commune du siège, l'adresse électronique de la personne chargée du "
        "dossier.",)


def test_siret_luhn_key():
    assert siret_is_valid("78234567800018")
    assert not siret_is_valid("78234567800019")
    assert siret_is_valid("35600000000010")  # La Poste: digits sum to a multiple of 5
    errors = IdentitySchema().validate({"denomination": "X", "siret": "782 345 678 00019"})
    assert errors == {"siret": ["Ce SIRET n'est pas valide : sa clé de contrôle ne correspond "
                                "pas. Vérifiez les 14 chiffres sur l'avis de situation Sirene."]}
    assert IdentitySchema().validate({"denomination": "X", "siret": "1234"}) == {
        "siret": ["Le SIRET compte 14 chiffres (9 du SIREN et 5 du NIC)."]}
    assert IdentitySchema().load({"denomination": "X", "siret": "782 345 678 00018"})[
        "siret"] == "78234567800018"


def test_a_grouped_application_without_member_is_refused_by_the_schema():
    from service.applications.schemas import GroupingSchema

    assert GroupingSchema().validate({"type": "groupement", "membres": []}) == {
        "membres": ["Une candidature groupée compte au moins une structure membre en plus de "
                    "la structure porteuse."]}
    twice = {"denomination": "A", "siret": MEMBER_SIRET}
    assert GroupingSchema().validate({"type": "groupement", "membres": [twice, twice]}) == {
        "membres": {1: {"siret": ["Cette structure figure déjà dans le groupement."]}}}


def test_raw_sample_is_not_modified_by_the_checks():
    raw = raw_application()
    before = copy.deepcopy(raw)
    C.evaluate(C.facts(loaded(raw)))
    assert raw == before
