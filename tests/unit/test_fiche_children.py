"""Children in the fiche de lien: « Fille / Garçon », and a child to be born is expected after
the fiche's date (issue 11, item 11)."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest
from marshmallow import ValidationError

from forms.fiche_de_lien import EnfantForm, PersonneForm
from service.kinds.fiche_de_lien import KIND, cross_section_errors
from service.timeutil import today_paris
from tests.helpers import sample_fiche


def test_a_childs_sex_reads_girl_or_boy_in_the_form_and_the_document():
    assert [label for code, label in EnfantForm().sexe.choices if code] == [
        "Fille", "Garçon", "Autre / non précisé"]
    assert [label for _, label in PersonneForm().sexe.choices][:2] == ["Femme", "Homme"]
    data = sample_fiche()
    data["menage"]["enfants"].append({"prenom": "Noé", "age": "3", "sexe": "M"})
    context = KIND.build_context(KIND.schema().load(data))
    assert [(e["prenom"], e["sexe"]) for e in context["enfants"]] == [
        ("Maëlys", "Fille"), ("Noé", "Garçon")]
    assert [p["sexe"] for p in context["personnes"]] == ["Femme", "Homme"]


@pytest.mark.parametrize("expected, refused", [
    ("2026-11-26", True), ("2026-01-15", True), ("2026-11-27", False), ("2027-05-02", False),
])
def test_a_birth_is_expected_on_or_after_the_fiches_date(expected, refused):
    data = sample_fiche()  # the fiche is dated 27 November 2026
    data["menage"]["enfant_a_naitre_date"] = expected
    errors = cross_section_errors(data)
    if not refused:
        assert "menage" not in errors
        KIND.schema().load(data)
        return
    assert errors["menage"] == {"enfant_a_naitre_date": [
        "La naissance prévue ne peut pas précéder la date de la fiche (27 novembre 2026) : si "
        "l'enfant est né, ajoutez-le parmi les enfants."]}
    with pytest.raises(ValidationError) as exc:
        KIND.schema().load(data)
    assert "enfant_a_naitre_date" in exc.value.messages["menage"]


def test_without_a_fiche_date_today_is_the_reference():
    data = copy.deepcopy(sample_fiche())
    del data["origine"]
    data["menage"]["enfant_a_naitre_date"] = (today_paris() - timedelta(days=1)).isoformat()
    assert "enfant_a_naitre_date" in cross_section_errors(data)["menage"]
    data["menage"]["enfant_a_naitre_date"] = today_paris().isoformat()
    assert cross_section_errors(data) == {}
