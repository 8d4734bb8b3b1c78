"""The fiche de lien schema: French messages, empty answers, French number input."""

from __future__ import annotations

from decimal import Decimal

import pytest
from marshmallow import ValidationError

from service.kinds.fiche_de_lien import DroitsSchema, FicheDeLienSchema, RessourcesSchema
from tests.helpers import sample_fiche


@pytest.mark.parametrize("typed, expected", [
    ("1 234,56", Decimal("1234.56")), ("1\u202f234,56 €", Decimal("1234.56")),
    ("646.52", Decimal("646.52")), ("0", Decimal("0.00")),
])
def test_money_accepts_french_input(typed, expected):
    loaded = RessourcesSchema().load({"lignes": [{"type": "rsa", "montant_mensuel": typed}]})
    assert loaded["lignes"][0]["montant_mensuel"] == expected


@pytest.mark.parametrize("line, message", [
    ({"type": "rsa", "montant_mensuel": ""}, "Indiquez le montant mensuel."),
    ({"type": "rsa", "montant_mensuel": "-5"}, "Montant hors limites."),
    ({"type": "rsa", "montant_mensuel": "abc"}, "Montant non valide (ex. : 1 234,56)."),
    ({"type": "inconnu"}, "Choisissez une valeur dans la liste."),
])
def test_resource_line_errors_are_french(line, message):
    with pytest.raises(ValidationError) as exc:
        RessourcesSchema().load({"lignes": [line]})
    assert message in str(exc.value.messages)


def test_no_resource_line_is_refused():
    with pytest.raises(ValidationError) as exc:
        RessourcesSchema().load({"lignes": []})
    assert "Entre 1 et 15 lignes." in str(exc.value.messages)


def test_titre_end_date_only_for_a_titre():
    with pytest.raises(ValidationError) as exc:
        DroitsSchema().load({"droit_sejour": "francais", "titre_fin_validite": "2027-01-01"})
    assert "ne s'applique qu'à un titre de séjour" in str(exc.value.messages)


def test_foreign_national_needs_a_right_of_residence():
    data = sample_fiche()
    data["droits"]["droit_sejour"] = ""
    data["droits"]["titre_fin_validite"] = ""
    with pytest.raises(ValidationError) as exc:
        FicheDeLienSchema().load(data)
    assert exc.value.messages == {"droits": {"droit_sejour": ["Précisez le droit au séjour."]}}


def test_consent_is_required():
    data = sample_fiche()
    data["consentement"]["accord_orientation"] = False
    with pytest.raises(ValidationError) as exc:
        FicheDeLienSchema().load(data)
    assert "L'accord de la personne" in str(exc.value.messages)


def test_control_characters_are_removed_and_unknown_keys_refused():
    data = sample_fiche()
    data["projet"]["contraintes"] = "a\x0bb\x0cc\x00d"
    assert FicheDeLienSchema().load(data)["projet"]["contraintes"] == "abcd"
    data["origine"]["role"] = "admin"
    with pytest.raises(ValidationError):
        FicheDeLienSchema().load(data)
