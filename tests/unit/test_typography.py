"""Table-driven checks of French typography: every expectation is an exact string."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from service.rendering import typography as t

NN = "\u202f"  # narrow no-break space
NB = "\u00a0"  # no-break space

CASES = [
    # french_spacing: adds, replaces, and leaves correct text alone
    (t.french_spacing, ("Attention : urgent !",), f"Attention{NN}: urgent{NN}!"),
    (t.french_spacing, ("Attention: urgent!",), f"Attention{NN}: urgent{NN}!"),
    (t.french_spacing, (f"Attention{NN}: urgent{NN}!",), f"Attention{NN}: urgent{NN}!"),
    (t.french_spacing, (f"Attention{NB}: urgent  !",), f"Attention{NN}: urgent{NN}!"),
    (t.french_spacing, ("Un ; deux ? trois",), f"Un{NN}; deux{NN}? trois"),
    (t.french_spacing, ("Quoi ?!",), f"Quoi{NN}?!"),
    (t.french_spacing, ("« bonjour »",), f"«{NN}bonjour{NN}»"),
    (t.french_spacing, ("«bonjour»",), f"«{NN}bonjour{NN}»"),
    (t.french_spacing, (f"«{NN}bonjour{NN}»",), f"«{NN}bonjour{NN}»"),
    (t.french_spacing, ("« Attention : urgent ! »",), f"«{NN}Attention{NN}: urgent{NN}!{NN}»"),
    (t.french_spacing, ("Voir https://x.y",), "Voir https://x.y"),
    (t.french_spacing, ("https://ex.fr/p?a=1;b=2 !",), f"https://ex.fr/p?a=1;b=2{NN}!"),
    (t.french_spacing, ("Site : www.ex.fr/a?b",), f"Site{NN}: www.ex.fr/a?b"),
    (t.french_spacing, ("RDV à 14:32.",), "RDV à 14:32."),
    (t.french_spacing, ("Échelle 1:2",), "Échelle 1:2"),
    (
        t.french_spacing,
        ("Écrire à jean.dupont@ex.fr ; merci",),
        f"Écrire à jean.dupont@ex.fr{NN}; merci",
    ),
    (t.french_spacing, ("Tom &amp; Jerry",), "Tom &amp; Jerry"),
    (t.french_spacing, ("Ligne 1\n: suite",), "Ligne 1\n: suite"),
    (t.french_spacing, ("",), ""),
    (t.french_spacing, (None,), ""),
    # quote
    (t.quote, ("bonjour",), f"«{NN}bonjour{NN}»"),
    (t.quote, (" Logement d'abord ",), f"«{NN}Logement d'abord{NN}»"),
    # money: Babel fr_FR output
    (t.money, (0,), f"0,00{NB}€"),
    (t.money, (0.5,), f"0,50{NB}€"),
    (t.money, (1234.56,), f"1{NN}234,56{NB}€"),
    (t.money, (577000,), f"577{NN}000,00{NB}€"),
    (t.money, (Decimal("1234.56"),), f"1{NN}234,56{NB}€"),
    (t.money, ("1234.56",), f"1{NN}234,56{NB}€"),
    (t.money, (-1234.5,), f"-1{NN}234,50{NB}€"),  # Babel's ASCII hyphen-minus, not U+2212
    (t.money, (None,), ""),
    # date_long: 1er, Paris dates for UTC datetimes, ISO strings
    (t.date_long, (date(2026, 3, 1),), "1er mars 2026"),
    (t.date_long, (date(2026, 11, 27),), "27 novembre 2026"),
    (t.date_long, ("2026-11-27",), "27 novembre 2026"),
    (t.date_long, ("2026-06-30T22:15:00+00:00",), "1er juillet 2026"),  # CEST, UTC+2
    (t.date_long, (datetime(2026, 2, 28, 23, 30, tzinfo=UTC),), "1er mars 2026"),  # CET
    (t.date_long, (datetime(2026, 11, 26, 22, 59),), "26 novembre 2026"),  # naive = UTC
    (t.date_long, (datetime(2026, 11, 26, 23, 0),), "27 novembre 2026"),
    (
        t.date_long,
        (datetime(2026, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=5))),),
        "31 décembre 2025",
    ),
    (t.date_long, (None,), ""),
    # agreement and civilité: codes and form labels
    (t.ne_le, ("M",), "né le"),
    (t.ne_le, ("F",), "née le"),
    (t.ne_le, ("X",), "né·e le"),
    (t.ne_le, ("Femme",), "née le"),
    (t.ne_le, (None,), "né·e le"),
    (t.accord, ("accompagné", "accompagnée", "F"), "accompagnée"),
    (t.accord, ("inscrit", "inscrite", "m"), "inscrit"),
    (t.accord, ("directeur", "directrice", "X"), "directeur·rice"),
    (t.accord, ("heureux", "heureuse", ""), "heureux·se"),
    (t.accord, ("il", "elle", "X"), "il ou elle"),
    (t.civilite, ("M",), "Monsieur"),
    (t.civilite, ("F",), "Madame"),
    (t.civilite, ("X",), "Madame, Monsieur"),
    (t.civilite, ("Homme",), "Monsieur"),
    (t.civilite_abbr, ("M",), "M."),
    (t.civilite_abbr, ("F",), "Mme"),
    (t.civilite_abbr, ("X",), ""),
    # ordinal
    (t.ordinal, (1,), "1er"),
    (t.ordinal, (1, True), "1re"),
    (t.ordinal, (2,), "2e"),
    (t.ordinal, (2, True), "2e"),
    (t.ordinal, (10,), "10e"),
    (t.ordinal, (21,), "21e"),
    # plural: 0 and 1 singular, U+202F thousands separator
    (t.plural, (0, "ménage"), "0 ménage"),
    (t.plural, (1, "ménage"), "1 ménage"),
    (t.plural, (2, "ménage"), "2 ménages"),
    (t.plural, (1234, "ménage"), f"1{NN}234 ménages"),
    (t.plural, (3, "avis"), "3 avis"),
    (t.plural, (2, "animal", "animaux"), "2 animaux"),
    (t.plural, (1, "animal", "animaux"), "1 animal"),
    # name_as_typed: case as typed, whitespace collapsed, NFC
    (t.name_as_typed, ("  jean-Pierre   de  La Fontaine ",), "jean-Pierre de La Fontaine"),
    (t.name_as_typed, ("McDonald",), "McDonald"),
    (t.name_as_typed, (f"Marie{NB}Anne",), "Marie Anne"),
    (t.name_as_typed, ("Lefe\u0300vre",), "Lef\u00e8vre"),  # decomposed accent joined
    (t.name_as_typed, (None,), ""),
    # surname_upper: accents kept in every script
    (t.surname_upper, ("Lefèvre",), "LEFÈVRE"),
    (t.surname_upper, ("Nguyễn",), "NGUYỄN"),
    (t.surname_upper, ("Łódź",), "ŁÓDŹ"),
    (t.surname_upper, ("Wałęsa",), "WAŁĘSA"),
    (t.surname_upper, ("Ștefan",), "ȘTEFAN"),
    (t.surname_upper, ("Țurcanu",), "ȚURCANU"),
    (t.surname_upper, ("Şükrü",), "ŞÜKRÜ"),
    (t.surname_upper, ("Işık",), "IŞIK"),
    (t.surname_upper, ("Çiçek",), "ÇIÇEK"),  # documented limitation: Turkish would give ÇİÇEK
    (t.surname_upper, ("João",), "JOÃO"),
    (t.surname_upper, ("ʿAbd al-Raḥmān",), "ʿABD AL-RAḤMĀN"),
    (t.surname_upper, ("Strauß",), "STRAUẞ"),  # capital sharp s, not SS
    (t.surname_upper, ("  de  la Tour ",), "DE LA TOUR"),
]


@pytest.mark.parametrize(
    ("func", "args", "expected"),
    CASES,
    ids=[f"{f.__name__}-{i}" for i, (f, _, _) in enumerate(CASES)],
)
def test_typography(func, args, expected):
    assert func(*args) == expected


@pytest.mark.parametrize(
    "text", sorted({args[0] or "" for f, args, _ in CASES if f is t.french_spacing})
)
def test_french_spacing_is_idempotent_and_only_changes_spaces(text):
    once = t.french_spacing(text)
    assert t.french_spacing(once) == once
    assert once.replace(NN, "").replace(" ", "") == text.replace(NN, "").replace(NB, "").replace(
        " ", ""
    )


def test_filters_cover_the_template_names():
    assert t.FILTERS == {
        "fr_spacing": t.french_spacing,
        "quote": t.quote,
        "money_fr": t.money,
        "date_long": t.date_long,
        "ne_le": t.ne_le,
        "civilite": t.civilite,
        "ordinal": t.ordinal,
        "plural": t.plural,
        "surname_upper": t.surname_upper,
    }
