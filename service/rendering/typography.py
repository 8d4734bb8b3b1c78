"""French typography helpers (spacing, guillemets, agreement, names) exposed as Jinja filters."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from os.path import commonprefix

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from service.timeutil import PARIS, as_utc

LOCALE = "fr_FR"
NNBSP = "\u202f"  # narrow no-break space: before ; : ! ? and inside « »
MIDDLE_DOT = "\u00b7"  # point médian of inclusive writing: « né·e »

_H = r"[ \t\u00a0\u2009\u202f]"  # horizontal spaces that may sit where the NNBSP belongs
_NOT_AFTER = r"\s;:!?(\[{«"  # never add a space after these: « ?! », « (?) », line starts
_SPACING = re.compile(
    rf"""
    (?P<keep>                                      # left exactly as they are:
        [a-zA-Z][a-zA-Z0-9+.-]*://[^\s<>«»"]*[^\s<>«»".,;:!?)\]']   # URLs with a scheme
      | www\.[^\s<>«»"]*[^\s<>«»".,;:!?)\]']                          # bare www. URLs
      | mailto:[^\s<>«»"]+                                            # mailto: links
      | [\w.+-]+@[\w-]+(?:\.[\w-]+)+                                  # e-mail addresses
      | &(?:[a-zA-Z][a-zA-Z0-9]*|\#[0-9]+|\#[xX][0-9a-fA-F]+);      # HTML entities
    )
  | (?P<open>«){_H}*(?=\S)                         # « bonjour
  | (?<=[^\s«]){_H}*(?P<close>»)                    # bonjour »
  | (?<=[^{_NOT_AFTER}]){_H}*(?P<punct>[;!?])      # urgent !
  | (?<=[^{_NOT_AFTER}]){_H}*(?P<colon>:)(?=\s|$|[»)\]"”’'])  # Attention : (never 14:32)
    """,
    re.VERBOSE,
)


def _space(match: re.Match[str]) -> str:
    """One substitution: protected tokens come back verbatim, spacing becomes one U+202F."""
    if match["keep"]:
        return match["keep"]
    if match["open"]:
        return "«" + NNBSP
    return NNBSP + (match["close"] or match["punct"] or match["colon"])


def french_spacing(text: str | None) -> str:
    """Put U+202F before ; : ! ? and inside « » as French typography requires.

    Apply it to plain text *before* HTML escaping (Jinja autoescape does that after the
    filter): it only inserts or swaps space characters, so it never produces markup.
    URLs, e-mail addresses, HTML entities, times (14:32) and ratios (1:2) are left alone,
    and the function is idempotent, so text that is already correct is unchanged.
    """
    if not text:
        return ""
    return _SPACING.sub(_space, str(text))


NBSP = "\u00a0"  # no-break space: what a line end must not split
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")
# French typography keeps together what a line end must not split: a time (« 22 h 20 »), the
# day and the month of a date (« 27 novembre », « 1er mars »), « n° » and its number. Amounts
# and percentages already get their no-break spaces from Babel (« 1 234,56 € », « 12,5 % »).
_NO_BREAK = (
    (re.compile(r"\b(\d{1,2})[ \u202f]h[ \u202f](\d{2})\b"), f"\\1{NBSP}h{NBSP}\\2"),
    (re.compile(rf"\b(\d{{1,2}}|1er) ({'|'.join(MONTHS)})\b"), f"\\1{NBSP}\\2"),
    (re.compile(r"\b([nN]°) (?=\w)"), f"\\1{NBSP}"),
)


def no_break(text: str | None) -> str:
    """Put no-break spaces where French typography forbids a line break (see _NO_BREAK);
    idempotent, and only ever swaps one space character for another."""
    if not text:
        return "" if text is None else text
    for pattern, replacement in _NO_BREAK:
        text = pattern.sub(replacement, text)
    return text


def quote(text: str | None) -> str:
    """Wrap in French guillemets, which take a narrow no-break space inside."""
    return f"«{NNBSP}{'' if text is None else str(text).strip()}{NNBSP}»"


def money(value: Decimal | int | float | str | None) -> str:
    """577000 -> '577 000,00 €' exactly as Babel's fr_FR locale writes it.

    Negative amounts keep Babel's ASCII hyphen-minus ('-1 234,50 €'), like
    formatting.money, so the same amount never appears with two different signs.
    """
    if value is None or value == "":
        return ""
    return format_currency(Decimal(str(value)), "EUR", locale=LOCALE)


def _as_date(value: date | datetime | str) -> date:
    """Naive datetimes are UTC (the database convention); people read Paris dates."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
    if isinstance(value, datetime):
        return as_utc(value).astimezone(PARIS).date()
    return value


def date_long(value: date | datetime | str | None) -> str:
    """'1er mars 2026', '27 novembre 2026': French writes the first day as an ordinal."""
    if value is None or value == "":
        return ""
    day = _as_date(value)
    number = ordinal(1) if day.day == 1 else str(day.day)
    return f"{number} {format_date(day, format='MMMM y', locale=LOCALE)}"


_MALE = {"m", "h", "homme", "masculin", "monsieur"}
_FEMALE = {"f", "femme", "féminin", "feminin", "madame"}


def _gender(sexe: str | None) -> str:
    """'M', 'F' or '' (unknown, other or not said); accepts codes and the form labels."""
    key = (sexe or "").strip().casefold()
    return "M" if key in _MALE else "F" if key in _FEMALE else ""


def _inclusive(masc: str, fem: str) -> str:
    """'né'/'née' -> 'né·e', 'directeur'/'directrice' -> 'directeur·rice', else 'X ou Y'."""
    common = len(commonprefix([masc, fem]))
    if fem.startswith(masc) or common >= 3:
        return f"{masc}{MIDDLE_DOT}{fem[common:]}"
    return f"{masc} ou {fem}"


def accord(word_masc: str, word_fem: str, sexe: str | None) -> str:
    """Agree a word with the person; unknown sex gets the inclusive form, never a guess."""
    gender = _gender(sexe)
    if gender == "M":
        return word_masc
    return word_fem if gender == "F" else _inclusive(word_masc, word_fem)


def ne_le(sexe: str | None) -> str:
    """'né le' / 'née le' / 'né·e le' before a birth date."""
    return f"{accord('né', 'née', sexe)} le"


def civilite(sexe: str | None) -> str:
    """'Monsieur' / 'Madame'; unknown gets the conventional 'Madame, Monsieur'."""
    return {"M": "Monsieur", "F": "Madame"}.get(_gender(sexe), "Madame, Monsieur")


def civilite_abbr(sexe: str | None) -> str:
    """'M.' / 'Mme' (no dot: it ends with the word's last letter); '' rather than a guess."""
    return {"M": "M.", "F": "Mme"}.get(_gender(sexe), "")


def ordinal(n: int, feminine: bool = False) -> str:
    """1 -> '1er' ('1re'), 2 -> '2e': French abbreviates with 'e', never 'ème' or 'ième'."""
    if int(n) == 1:
        return "1re" if feminine else "1er"
    return f"{n}e"


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """'0 ménage', '1 ménage', '1 234 ménages': in French 0 and 1 take the singular.

    The default plural adds 's' except after s, x, z ('1 avis', '2 avis');
    pass plural_form for irregular words or phrases ('animal' -> 'animaux').
    """
    if abs(n) < 2:
        word = singular
    elif plural_form is not None:
        word = plural_form
    else:
        word = singular if singular[-1:] in ("s", "x", "z") else singular + "s"
    return f"{format_decimal(n, format='#,##0', locale=LOCALE)} {word}"


def name_as_typed(value: str | None) -> str:
    """Trim and collapse whitespace only: names keep the capitals people typed (no .title()).

    NFC normalisation joins decomposed accents (macOS input) so names compare and print
    the same way; it never changes a letter's case.
    """
    return unicodedata.normalize("NFC", " ".join((value or "").split()))


def surname_upper(value: str | None) -> str:
    """'Lefèvre' -> 'LEFÈVRE' for the official 'NOM Prénom' display; accents are kept.

    str.upper handles every script, but ß would become 'SS' and merge 'Strauß' with
    'Strauss'; we write the capital ẞ (U+1E9E, official German since 2017, in DejaVu).
    Limitation: Turkish dotted i upper-cases to 'I', not 'İ' ('Çiçek' -> 'ÇIÇEK'),
    because the language of a name is unknown; dotless ı correctly gives 'I'.
    """
    return name_as_typed(value).replace("ß", "ẞ").upper()


FILTERS: dict[str, Callable[..., str]] = {
    "fr_spacing": french_spacing,
    "quote": quote,
    "money_fr": money,
    "date_long": date_long,
    "ne_le": ne_le,
    "civilite": civilite,
    "ordinal": ordinal,
    "plural": plural,
    "surname_upper": surname_upper,
}
