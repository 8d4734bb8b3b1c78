"""Second factor: TOTP codes (RFC 6238, pyotp) and single-use recovery codes.

Required for the roles of MFA_REQUIRED_ROLES (admin and encadrant by default: they reach every
account, or a whole team's records), optional for the others. A code is accepted once: the
time step it belongs to is kept, and an older or equal one is refused.

The TOTP secret is stored encrypted (AES-GCM, a key derived from the application's secret key,
bound to the user's id): a copy of the database alone does not give anyone's second factor,
and a secret copied onto another account does not open. Changing the secret key makes every
enrolled user enrol again.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from datetime import datetime

import pyotp
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import DateTime, ForeignKey, Integer, String, delete, select, update
from sqlalchemy.orm import Mapped, mapped_column

from service.auth.models import User
from service.extensions import Model, db
from service.timeutil import utcnow

ISSUER = "Documents Logement d'abord"
RECOVERY_CODES = 10
# One step of 30 s either side, for a phone's clock a little off.
VALID_WINDOW = 1
_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L: read from paper


class RecoveryCode(Model):
    """A one-time code printed or kept by the user for when the phone is lost; only its
    SHA-256 is stored (it is random and long, no slow hash needed)."""

    __tablename__ = "recovery_codes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    code_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def _cipher() -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"documents-logement-dabord totp secrets").derive(
        str(current_app.config["SECRET_KEY"]).encode())
    return AESGCM(key)


LEGACY_LENGTH = 32  # pyotp's base32 secret; a sealed one is 64 characters


def seal_secret(user: User, secret: str) -> str:
    """The base32 secret (20 bytes) encrypted: nonce + ciphertext + tag, 64 characters."""
    nonce = os.urandom(12)
    sealed = _cipher().encrypt(nonce, base64.b32decode(secret), user.id.encode())
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def secret_of(user: User) -> str | None:
    """The user's TOTP secret in clear, or None (not enrolled, or the key changed)."""
    stored = user.totp_secret
    if not stored:
        return None
    if len(stored) == LEGACY_LENGTH:  # stored in clear before encryption: sealed at next use
        return stored
    try:
        raw = base64.urlsafe_b64decode(stored.encode())
        return base64.b32encode(_cipher().decrypt(raw[:12], raw[12:], user.id.encode())).decode()
    except (ValueError, InvalidTag):
        return None


def required_for(user) -> bool:
    return user.role in tuple(current_app.config.get("MFA_REQUIRED_ROLES", ()))


def enabled(user) -> bool:
    return bool(user.totp_secret and user.totp_enabled_at)


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user, secret: str) -> str:
    """What an authenticator app scans (otpauth://totp/…)."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def _step(totp: pyotp.TOTP, code: str, last_step: int | None) -> int | None:
    """The time step `code` belongs to, if valid now and newer than `last_step`."""
    now = utcnow().timestamp()
    current = int(now // totp.interval)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if secrets.compare_digest(totp.generate_otp(step), code) and (
                last_step is None or step > last_step):
            return step
    return None


def _clean(code: str) -> str:
    return "".join(c for c in (code or "") if not c.isspace() and c != "-").upper()


def confirm(user: User, secret: str, code: str) -> list[str] | None:
    """Turn the second factor on once a first code proves the app holds `secret`; returns the
    recovery codes to show once, or None when the code is wrong. The caller commits."""
    step = _step(pyotp.TOTP(secret), _clean(code), None)
    if step is None:
        return None
    user.totp_secret = seal_secret(user, secret)
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step
    return new_recovery_codes(user)


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes; the caller commits."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["-".join("".join(secrets.choice(_ALPHABET) for _ in range(5)) for _ in range(2))
             for _ in range(RECOVERY_CODES)]
    for code in codes:
        db.session.add(RecoveryCode(user_id=user.id, code_sha256=_digest(code)))
    return codes


def _digest(code: str) -> str:
    return hashlib.sha256(_clean(code).encode()).hexdigest()


def verify(user: User, code: str) -> str | None:
    """Check a TOTP code or a recovery code; returns which one was used ("totp", "recovery")
    or None. Atomic: the same code sent twice at once is accepted once. The caller commits."""
    cleaned = _clean(code)
    secret = secret_of(user)
    if cleaned.isdigit() and len(cleaned) == 6 and secret:
        step = _step(pyotp.TOTP(secret), cleaned, user.totp_last_step)
        if step is None:
            return None
        claimed = db.session.execute(
            update(User).where(User.id == user.id, (User.totp_last_step.is_(None))
                               | (User.totp_last_step < step))
            .values(totp_last_step=step).execution_options(synchronize_session=False))
        # Session.execute is typed as returning a Result; an UPDATE's is a CursorResult.
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None
        if len(user.totp_secret or "") == LEGACY_LENGTH:
            user.totp_secret = seal_secret(user, secret)
        return "totp"
    used = db.session.execute(
        update(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                   RecoveryCode.code_sha256 == _digest(cleaned),
                                   RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False))
    return "recovery" if used.rowcount == 1 else None  # type: ignore[attr-defined]  # a CursorResult too


def remaining_recovery_codes(user: User) -> int:
    return len(db.session.execute(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).all())


def disable(user: User) -> None:
    """Turn the second factor off (a role for which it is optional); the caller commits."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
