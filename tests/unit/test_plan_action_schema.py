"""The plan d'action concerté schema: review within 12 months, one section per domain, agreement."""

from __future__ import annotations

import datetime as dt

import pytest
from marshmallow import ValidationError

from service.kinds.plan_action import (
    KIND,
    AccordSchema,
    DomainesSchema,
    EnteteSchema,
    add_months,
    cross_section_errors,
)
from tests.golden.plan_action.sample import sample_input


def errors_of(schema, data) -> dict:
    with pytest.raises(ValidationError) as exc:
        schema().load(data)
    return exc.value.messages


def test_sample_loads_and_describes():
    loaded = KIND.schema().load(sample_input())
    assert KIND.describe(loaded) == "Nadia Ferhat – plan du 14 janvier 2027"
    # Signing is offered, optional (issue 11, item 16): the agreement is in section C.
    assert KIND.subject == "household" and KIND.signed is True and KIND.signature_optional


@pytest.mark.parametrize("day, months, expected", [
    (dt.date(2027, 1, 14), 12, dt.date(2028, 1, 14)),
    (dt.date(2028, 2, 29), 12, dt.date(2029, 2, 28)),
    (dt.date(2027, 8, 31), 6, dt.date(2028, 2, 29)),
])
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize("review, message", [
    ("2027-01-14", "La révision doit suivre la date d'élaboration."),
    ("2028-01-15", "au plus tard 12 mois après l'élaboration, soit le 14 janvier 2028."),
])
def test_review_within_twelve_months(review, message):
    entete = {**sample_input()["entete"], "date_revision": review}
    assert message in str(errors_of(EnteteSchema, entete)["date_revision"])


def test_review_exactly_twelve_months_later_is_accepted():
    EnteteSchema().load({**sample_input()["entete"], "date_revision": "2028-01-14"})


def test_each_domain_once_and_bounds():
    liste = sample_input()["domaines"]["liste"]
    twice = errors_of(DomainesSchema, {"liste": [liste[0], liste[1], liste[0]]})
    assert twice == {"liste": {2: {"code": [
        "Ce domaine figure déjà dans le plan : ajoutez-y plutôt un objectif."]}}}
    assert "Entre 1 et 9 lignes." in str(errors_of(DomainesSchema, {"liste": []}))
    crowded = {**liste[0], "objectifs": liste[0]["objectifs"][:1] * 11}
    assert "Entre 1 et 10 lignes." in str(errors_of(DomainesSchema, {"liste": [crowded]}))


def test_objective_requires_the_persons_words_and_a_known_status():
    objectif = {**sample_input()["domaines"]["liste"][0]["objectifs"][0], "souhait": "  ",
                "statut": "fini"}
    errors = errors_of(DomainesSchema, {"liste": [{"code": "sante", "objectifs": [objectif]}]})
    fields = errors["liste"][0]["objectifs"][0]
    assert fields == {"souhait": ["Ce champ est obligatoire."],
                      "statut": ["Choisissez une valeur dans la liste."]}


@pytest.mark.parametrize("change, field, message", [
    ({"accord_personne": "accord_partiel", "points_refuses": ""}, "points_refuses",
     "Indiquez les points que la personne refuse."),
    ({"accord_personne": "accord"}, "points_refuses",
     "Ce champ ne concerne qu'un accord partiel."),
    ({"copie_remise_date": ""}, "copie_remise_date", "Indiquez la date de remise de la copie."),
    ({"copie_remise": False}, "copie_remise_date",
     "Cochez d'abord « Une copie de ce plan a été remise à la personne »."),
    ({"accord_personne": ""}, "accord_personne", "Ce champ est obligatoire."),
])
def test_agreement_rules(change, field, message):
    accord = {**sample_input()["accord"], **change}
    assert errors_of(AccordSchema, accord)[field] == [message]


def test_agreement_cannot_precede_the_plan_on_drafts_and_final_load():
    raw = sample_input()
    raw["accord"]["date_accord"] = "2027-01-10"
    expected = {"accord": {"date_accord": [
        "Cette date précède l'élaboration du plan (14 janvier 2027)."]}}
    assert cross_section_errors(raw) == expected  # raw draft: ISO strings
    assert errors_of(KIND.schema, raw) == expected


def test_cross_check_is_silent_while_a_section_is_missing():
    assert cross_section_errors({"entete": {"date_elaboration": "2027-01-14"}}) == {}
    assert cross_section_errors({"entete": {"date_elaboration": "pas une date"},
                                 "accord": {"date_accord": "2027-01-01"}}) == {}


def test_no_field_links_the_plan_to_the_tenancy():
    """Logement d'abord: the plan is never a condition of the dwelling (DOMAIN.md §2)."""
    names = set()

    def walk(schema, prefix=""):
        for name, field in schema.fields.items():
            names.add(prefix + name)
            inner = getattr(field, "inner", field)
            if hasattr(inner, "schema"):
                walk(inner.schema, prefix + name + ".")

    walk(KIND.schema())
    suspicious = {n for n in names if any(w in n for w in ("expulsion", "resiliation",
                                                           "condition", "sanction"))}
    assert suspicious == set()
