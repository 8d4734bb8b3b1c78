"""What a free-text or name field keeps of what was typed or pasted: one rule for every kind.

Text arrives by copy-paste from PDFs and other information systems. It is normalised to NFC (a
decomposed « é » and a composed one are the same name), control characters are dropped, and
the format characters that have no place in a name or a sentence are refused at save time with a
French message naming the character: a bidirectional override reorders what is shown (the
document would not print what the screen shows), a zero-width space or a soft hyphen prints as
nothing. Legitimate text is kept as typed: compatibility characters (ligatures « ﬁ », fractions
« ½ », letter-like symbols « № »), any script, combining accents, and the zero-width (non-)joiner
between two letters, which Persian and Indic scripts and emoji sequences need.
"""

from __future__ import annotations

import re
import unicodedata

# XML 1.0 forbids these (C0 controls but tab and newline, DEL, the noncharacters); C1 controls
# come from text decoded with the wrong code page. None of them is text.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
# Line breaks other than "\n": next line (C1), line and paragraph separators.
BREAKS = re.compile(r"\r\n|[\r\x85\u2028\u2029]")

BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
JOINERS = frozenset("\u200c\u200d")
# French names (ISO/IEC 10646, French edition) of the characters met in practice.
NAMES = {
    "\u00ad": "trait d'union conditionnel",
    "\u061c": "marque de lettre arabe",
    "\u180e": "séparateur de voyelles mongol",
    "\u200b": "espace sans chasse",
    "\u200c": "antiliant sans chasse",
    "\u200d": "liant sans chasse",
    "\u200e": "marque gauche-à-droite",
    "\u200f": "marque droite-à-gauche",
    "\u202a": "enchâssement gauche-à-droite",
    "\u202b": "enchâssement droite-à-gauche",
    "\u202c": "dépilement de formatage directionnel",
    "\u202d": "forçage gauche-à-droite",
    "\u202e": "forçage droite-à-gauche",
    "\u2060": "gluon de mots",
    "\u2061": "application de fonction",
    "\u2062": "multiplication invisible",
    "\u2063": "séparateur invisible",
    "\u2064": "plus invisible",
    "\u2066": "isolat gauche-à-droite",
    "\u2067": "isolat droite-à-gauche",
    "\u2068": "isolat de direction déterminée",
    "\u2069": "dépilement d'isolat directionnel",
    "\ufeff": "espace insécable sans chasse",
}
# What a character without a name is, by its Unicode category.
UNNAMED = {"Co": "à usage privé", "Cs": "demi-code d'indirection isolé", "Cn": "non attribué"}
WHY_BIDI = ("il inverse ou décale l'ordre d'affichage du texte, si bien que le document "
            "n'imprimerait pas ce que l'écran montre")
WHY_INVISIBLE = "il ne s'imprime pas, si bien que le document ne montrerait pas ce qui a été saisi"
WHY_PRIVATE = "il n'a pas de forme standard et s'imprimerait comme un carré vide"
WHY_INVALID = "ce n'est pas un caractère valide"
HOW = "Effacez ce passage et retapez-le au clavier (sans copier-coller)."


def clean(value: str) -> str:
    """One kind of line break, no control character, NFC; surrounding blanks removed."""
    return unicodedata.normalize("NFC", CONTROL.sub("", BREAKS.sub("\n", value))).strip()


def character_name(char: str) -> str:
    """« l'espace sans chasse (U+200B) »: the French name when known, else the Unicode one."""
    name = NAMES.get(char)
    code = f"U+{ord(char):04X}"
    if name is not None:
        return f"« {name} » ({code})"
    english = unicodedata.name(char, "")
    if english:
        return f"{english} ({code})"
    return f"{UNNAMED.get(unicodedata.category(char), 'sans nom')} ({code})"


def _joins(text: str, index: int) -> bool:
    """A (non-)joiner between two characters that are neither blanks nor format characters."""
    if index == 0 or index == len(text) - 1:
        return False
    before, after = text[index - 1], text[index + 1]
    return not any(c.isspace() or unicodedata.category(c) == "Cf" for c in (before, after))


def _reason(text: str, index: int) -> str | None:
    char = text[index]
    category = unicodedata.category(char)
    if char in BIDI:
        return WHY_BIDI
    if char in JOINERS:
        return None if _joins(text, index) else WHY_INVISIBLE
    if category == "Cf":
        return WHY_INVISIBLE
    if category == "Co":
        return WHY_PRIVATE
    if category in ("Cs", "Cn"):
        return WHY_INVALID
    return None


def _where(text: str, index: int) -> str:
    """Where the character is, in visible words: « après « Ngu » », « au début du texte »."""
    before = "".join(c for c in text[:index] if unicodedata.category(c) not in ("Cf", "Cs"))
    before = before.replace("\n", " ").strip()[-20:].lstrip()
    return f"juste après « {before} »" if before else "au début du texte"


def problem(text: str) -> str | None:
    """The French message for the first character this text may not hold, or None."""
    for index in range(len(text)):
        reason = _reason(text, index)
        if reason is not None:
            kind = "caractère invisible" if reason in (WHY_BIDI, WHY_INVISIBLE) else "caractère"
            return (f"Ce texte contient un {kind}, {character_name(text[index])}, "
                    f"{_where(text, index)} : {reason}. {HOW}")
    return None
