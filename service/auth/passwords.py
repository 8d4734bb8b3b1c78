"""Password hashing with argon2id (ASVS 2.4) and the choice of a new password (ASVS 2.1)."""

import re
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

_hasher = PasswordHasher()
MIN_LENGTH = 12
# MonServiceSécurisé (ANSSI): 12 characters for users, 16 for administrators.
MIN_LENGTH_ADMIN = 16
MAX_LENGTH = 128
# zxcvbn's score: 3 is "safely unguessable" (about 10^8 guesses and more).
MIN_SCORE = 3
# zxcvbn's list of the passwords most found in breach corpora (30,000, lowercase), shipped in
# the package: checked here without sending anything anywhere.
COMMON = frozenset(FREQUENCY_LISTS["passwords"])
# Verifying against this keeps timing equal when the account does not exist.
_DUMMY = _hasher.hash("dummy-password-for-timing")


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise ValueError(f"Le mot de passe doit contenir au moins {MIN_LENGTH} caractères.")
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def _plain(text: str) -> str:
    """Lowercase, without accents: « Élodie » and « elodie » are the same word here."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _personal_words(name: str, email: str) -> list[str]:
    local, _, domain = (email or "").partition("@")
    words = re.split(r"[\W_]+", _plain(f"{name} {local} {domain.split('.')[0]}"))
    return sorted({w for w in words if len(w) >= 3} - {"demo", "example"})


def problems(password: str, *, name: str = "", email: str = "", role: str | None = None
             ) -> list[str]:
    """What is wrong with a new password, in French (empty: it may be used).

    No composition rule (ASVS 2.1.9): a length, a ceiling, not a common or breached password,
    not built on the user's own name or address, and hard enough to guess (zxcvbn).
    """
    minimum = MIN_LENGTH_ADMIN if role == "admin" else MIN_LENGTH
    if len(password) < minimum:
        return [f"Le mot de passe doit contenir au moins {minimum}\u00a0caractères."]
    if len(password) > MAX_LENGTH:
        return [f"Le mot de passe doit contenir au plus {MAX_LENGTH}\u00a0caractères."]
    plain = _plain(password)
    found = []
    if plain in COMMON or re.sub(r"[\d\W_]+$", "", plain) in COMMON:
        found.append("Ce mot de passe fait partie des plus courants (listes de mots de passe "
                     "divulgués) : choisissez-en un autre.")
    personal = [w for w in _personal_words(name, email) if w in plain]
    if personal:
        found.append("Le mot de passe ne doit reprendre ni votre nom ni votre adresse "
                     "électronique.")
    if not found and zxcvbn(password[:MAX_LENGTH],
                            user_inputs=_personal_words(name, email))["score"] < MIN_SCORE:
        found.append("Ce mot de passe est trop facile à deviner : allongez-le, par exemple "
                     "avec une phrase de plusieurs mots que vous seul connaissez.")
    return found
