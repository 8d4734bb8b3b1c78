"""Verification codes printed on documents: 60 random bits, easy to read out and type."""

from __future__ import annotations

import re
import secrets

# Crockford base32: no I, L, O, U, so a code read aloud or typed is unambiguous.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_TYPOS = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
PATTERN = re.compile(rb"verification-code=([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})")


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise(typed: str) -> str | None:
    """'k7qf 9m2x p4ta' -> 'K7QF-9M2X-P4TA'; None when it cannot be a code."""
    raw = re.sub(r"[\s\-.]", "", (typed or "").upper()).translate(_TYPOS)
    if len(raw) != 12 or any(c not in ALPHABET for c in raw):
        return None
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def code_in_pdf(data: bytes) -> str | None:
    """The code written in the PDF's keywords, found without parsing the (untrusted) file."""
    match = PATTERN.search(data)
    return match.group(1).decode() if match else None
