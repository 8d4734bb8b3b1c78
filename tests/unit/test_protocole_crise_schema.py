"""The protocole de crise schema: situations, consent per contact, dwelling, validity."""

from __future__ import annotations

import pytest
from marshmallow import ValidationError

from service.kinds.base import PrefillSource
from service.kinds.protocole_crise import (
    KIND,
    LogementSchema,
    PersonneSchema,
    ScenariosSchema,
    ValiditeSchema,
    cross_section_errors,
)
from tests.golden.protocole_crise.sample import sample_input


def errors_of(schema, data) -> dict:
    with pytest.raises(ValidationError) as exc:
        schema().load(data)
    return exc.value.messages


def scenario(code: str, **change) -> dict:
    base = {"code": code, "titre": "", "avant": {"ce_que_fait_equipe": "Appeler."},
            "pendant": {"ce_qui_aide": "Du calme."}, "apres": {"reprise_contact": "Un café."}}
    return {**base, **change}


def test_sample_loads_describes_and_has_no_signature_yet():
    loaded = KIND.schema().load(sample_input())
    assert KIND.describe(loaded) == "Nadia Ferhat – protocole du 28 janvier 2027"
    assert KIND.subject == "household" and KIND.signed is True
    assert KIND.build_context(loaded)["signatures"] == []


def test_a_new_protocol_starts_with_the_charters_three_situations():
    assert KIND.prefill(PrefillSource(user=None)) == {"scenarios": {"liste": [
        {"code": "perte_de_contact"}, {"code": "probleme_sante_envahissant"},
        {"code": "difficultes_entourage"}]}}


@pytest.mark.parametrize("item, path, message", [
    (scenario("autre"), ("titre",), "Donnez un titre à cette situation."),
    (scenario("perte_de_contact"), ("avant", "delai_inquietude_jours"),
     "Indiquez après combien de jours sans nouvelles l'équipe s'inquiète."),
    (scenario("perte_de_contact", avant={"ce_que_fait_equipe": "x",
                                         "delai_inquietude_jours": "90"}),
     ("avant", "delai_inquietude_jours"), "Entre 1 et 60."),
    (scenario("sante"), ("code",), "Choisissez une valeur dans la liste."),
    (scenario("autre", titre="Clés", pendant={}), ("pendant", "ce_qui_aide"),
     "Ce champ est obligatoire."),
])
def test_situation_rules(item, path, message):
    errors = errors_of(ScenariosSchema, {"liste": [item]})["liste"][0]
    for key in path:
        errors = errors[key]
    assert errors == [message]


def test_the_delay_and_channels_of_another_situation_are_ignored_not_refused():
    """They belong to « Perte de contact » (issue 11, item 4): a value left under another
    situation (no JavaScript to hide the field, or an API client) does not block the draft."""
    item = scenario("difficultes_entourage", avant={"ce_que_fait_equipe": "x",
                                                    "delai_inquietude_jours": "3",
                                                    "canaux": ["sms"]})
    loaded = ScenariosSchema().load({"liste": [item]})
    avant = loaded["liste"][0]["avant"]
    assert avant.get("delai_inquietude_jours") is None and avant["canaux"] == []
    kept = ScenariosSchema().load({"liste": [scenario("perte_de_contact", avant={
        "ce_que_fait_equipe": "x", "delai_inquietude_jours": "3", "canaux": ["sms"]})]})
    assert kept["liste"][0]["avant"]["delai_inquietude_jours"] == 3
    assert kept["liste"][0]["avant"]["canaux"] == ["sms"]


def test_each_charter_situation_once_but_several_others():
    twice = errors_of(ScenariosSchema, {"liste": [scenario("difficultes_entourage"),
                                                  scenario("difficultes_entourage")]})
    assert twice == {"liste": {1: {"code": ["Cette situation figure déjà dans le protocole."]}}}
    ScenariosSchema().load({"liste": [scenario("autre", titre="Clés"),
                                      scenario("autre", titre="Électricité")]})


def test_health_wishes_are_optional():
    loaded = ScenariosSchema().load({"liste": [scenario("probleme_sante_envahissant")]})
    assert loaded["liste"][0]["pendant"].get("soins_preferes") is None


def test_a_contact_is_warned_only_with_consent():
    person = {"nom": "Samia", "role": "proche", "prevenir": "a_prevenir", "consentement": False}
    assert errors_of(PersonneSchema, person) == {
        "coordonnees": ["Indiquez comment joindre cette personne."],
        "informations_partagees": ["Indiquez ce qui peut lui être dit."],
        "consentement": ["Sans l'accord de la personne accompagnée, ce contact ne peut pas "
                         "être prévenu."],
        "date_consentement": ["Indiquez la date de ce consentement."],
    }


def test_nothing_is_shared_with_a_person_not_to_warn():
    person = {"nom": "Karim", "role": "proche", "prevenir": "ne_pas_prevenir",
              "informations_partagees": "Tout", "consentement": True}
    errors = errors_of(PersonneSchema, person)
    assert errors["informations_partagees"] == [
        "Ne concerne que les personnes à prévenir : videz ce champ."]
    assert errors["consentement"] == [
        "Ne concerne que les personnes à prévenir : décochez cette case."]


def test_contacts_refer_only_to_situations_of_the_protocol():
    raw = sample_input()
    del raw["scenarios"]["liste"][0]  # no more « perte de contact », which Samia had
    raw["personnes"]["liste"][1]["scenarios"] = ["autre"]  # still there: « Perte de mes clés »
    assert cross_section_errors(raw) == {"personnes": {"liste": {0: {"scenarios": [
        "Cochez seulement des situations décrites dans ce protocole."]}}}}


@pytest.mark.parametrize("change, field, message", [
    ({"information_bailleur": "oui", "information_bailleur_contenu": ""},
     "information_bailleur_contenu", "Indiquez ce que le bailleur peut savoir."),
    ({"acces_autorise": "non"}, "acces_conditions",
     "Ne s'applique qu'en cas de réponse « Oui »."),
    ({"acces_autorise": ""}, "acces_autorise", "Ce champ est obligatoire."),
])
def test_dwelling_rules(change, field, message):
    logement = {**sample_input()["logement"], **change}
    assert errors_of(LogementSchema, logement)[field] == [message]


def test_validity_needs_the_acknowledgement_and_sensible_dates():
    assert errors_of(ValiditeSchema, {"modification_acceptee": False, "date_effet": "2027-01-28",
                                      "lieu": "Montpellier"}) == {"modification_acceptee": [
        "La personne doit savoir qu'elle peut faire modifier ce protocole à tout moment."]}
    raw = sample_input()
    raw["validite"]["date_effet"] = "2027-01-01"
    assert cross_section_errors(raw) == {"validite": {"date_effet": [
        "Le protocole ne peut pas prendre effet avant sa rédaction (28 janvier 2027)."]}}
    raw["validite"]["date_effet"] = "2027-08-01"
    assert cross_section_errors(raw) == {"validite": {"date_effet": [
        "La date d'effet doit précéder la révision prévue (28 juillet 2027)."]}}
