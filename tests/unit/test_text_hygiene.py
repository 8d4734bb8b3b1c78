"""Input hygiene, one rule for every free-text and name field of every kind (issue 11, item 1).

Accepted text is stored in NFC and kept as typed (ligatures, fractions, letter-like symbols,
any script, joiners between letters); a character with no place in a name or a sentence is
refused beside its field, named, with the reason.
"""

from __future__ import annotations

import pytest
from marshmallow import Schema, ValidationError, fields, validate

from service import kinds
from service.kinds.fields import Text, text
from service.rendering.preflight_pdf import compact


class One(Schema):
    nom = text(required=True, max_length=200)


def load(value: str) -> str:
    return One().load({"nom": value})["nom"]


def refusal(value: str) -> str:
    with pytest.raises(ValidationError) as exc:
        One().load({"nom": value})
    return exc.value.messages["nom"][0]


@pytest.mark.parametrize("typed, stored", [
    ("Nguye\u0302\u0303n", "Nguyễn"),  # decomposed accents: composed (NFC)
    ("Ame\u0301lie", "Amélie"),
    ("Maﬁlle", "Maﬁlle"),  # ligature kept as typed
    ("T½ et ¾", "T½ et ¾"),  # fraction signs
    ("ℌans № 3, ™", "ℌans № 3, ™"),  # letter-like symbols
    ("محمد عبد الرحمن", "محمد عبد الرحمن"),  # Arabic
    ("می\u200cخواهم", "می\u200cخواهم"),  # Persian: zero-width non-joiner between letters
    ("क्\u200dष", "क्\u200dष"),  # Devanagari: zero-width joiner between letters
    ("👩\u200d👧", "👩\u200d👧"),  # an emoji sequence
    ("דוד כהן", "דוד כהן"), ("Łódź Ñandú Œuvre", "Łódź Ñandú Œuvre"),
    ("Thị Hương", "Thị Hương"), ("ნინო", "ნინო"), ("Ἀλέξανδρος", "Ἀλέξανδρος"),
    ("Ligne un\u2028Ligne deux", "Ligne un\nLigne deux"),  # line separator: a line break
    ("Contr\x85ôle\x9b", "Contr\nôle"),  # C1 controls: NEL is a line break, others dropped
    ("  Marie\x0b  ", "Marie"),
])
def test_accepted_text_is_stored_in_nfc(typed, stored):
    assert load(typed) == stored


@pytest.mark.parametrize("typed, name, code, where", [
    ("Ngu\u200byen", "« espace sans chasse »", "U+200B", "juste après « Ngu »"),
    ("\u202eNguyen", "« forçage droite-à-gauche »", "U+202E", "au début du texte"),
    ("Marie\u200e", "« marque gauche-à-droite »", "U+200E", "juste après « Marie »"),
    ("a\u2068b\u2069", "« isolat de direction déterminée »", "U+2068", "juste après « a »"),
    ("\ufeffMarie", "« espace insécable sans chasse »", "U+FEFF", "au début du texte"),
    ("Ma\u2060rie", "« gluon de mots »", "U+2060", "juste après « Ma »"),
    ("Ma\u00adrie", "« trait d'union conditionnel »", "U+00AD", "juste après « Ma »"),
    ("Marie\u200d", "« liant sans chasse »", "U+200D", "juste après « Marie »"),
    ("Marie \u200cDupont", "« antiliant sans chasse »", "U+200C", "juste après « Marie »"),
    ("Drapeau \U000E0067", "TAG LATIN SMALL LETTER G", "U+E0067", "juste après « Drapeau »"),
    ("Privé \ue000", "à usage privé (U+E000)", "U+E000", "juste après « Privé »"),
    ("Seul \ud800", "demi-code d'indirection isolé", "U+D800", "juste après « Seul »"),
])
def test_refused_characters_are_named_with_where_and_why(typed, name, code, where):
    message = refusal(typed)
    assert name in message and code in message and where in message
    assert message.startswith("Ce texte contient un caractère")
    assert "retapez-le au clavier" in message


def test_a_bidi_override_is_refused_with_its_reason():
    message = refusal("\u202eNguyen")
    assert "inverse ou décale l'ordre d'affichage" in message
    assert "\u202e" not in message  # the message itself is never reordered


def _text_fields(schema: type[Schema], prefix=()):
    """(path, schema class, field name) of every free-text field, nested and repeated ones
    included; choice fields (a list of codes) are not free text."""
    for name, field in schema._declared_fields.items():
        inner = field.inner if isinstance(field, fields.List) else field
        if isinstance(inner, fields.Nested):
            yield from _text_fields(type(inner.schema), (*prefix, name))
        elif isinstance(field, Text) and not any(isinstance(v, validate.OneOf)
                                                 for v in field.validators):
            yield (*prefix, name), schema, name


FREE_TEXT = [(kind.key, section.key, path, schema, name)
             for kind in kinds.CATALOGUE.values() if kind.has_form
             for section in kind.sections
             for path, schema, name in _text_fields(section.schema)]


def test_every_form_kind_has_free_text_fields_under_the_rule():
    keys = {key for key, *_ in FREE_TEXT}
    assert {"fiche_de_lien", "plan_action", "protocole_crise"} <= keys
    assert len(FREE_TEXT) > 60


@pytest.mark.parametrize("kind_key, section, path, schema, name", FREE_TEXT,
                         ids=[f"{k}.{s}.{'.'.join(p)}" for k, s, p, *_ in FREE_TEXT])
def test_every_free_text_field_of_every_kind_refuses_a_bidi_override(kind_key, section, path,
                                                                     schema, name):
    with pytest.raises(ValidationError) as exc:
        schema().load({name: "Dupont\u202e"})
    assert "U+202E" in exc.value.messages[name][0]


@pytest.mark.parametrize("typed, printed", [
    ("Maﬁlle", "Mafille"), ("T½", "T1⁄2"), ("ℌans", "Hans"), ("Nguye\u0302\u0303n", "Nguyễn"),
    ("می\u200cخواهم", "میخواهم"),
])
def test_preflight_compares_what_the_pdf_shows(typed, printed):
    """A PDF's text layer gives the ligature as two letters, the fraction as digits, drops the
    joiners: the comparison is on compatibility-normalised text."""
    assert compact(typed) == compact(printed)
