"""Second factor: TOTP codes (RFC 6238, pyotp) and single-use recovery codes.

Required for the roles of MFA_REQUIRED_ROLES (admin and encadrant by default: they reach every
account, or a whole team's records), optional for the others. A code is accepted once: the
time step it belongs to is kept, and an older or equal one is refused.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import pyotp
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
    user.totp_secret = secret
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
    if cleaned.isdigit() and len(cleaned) == 6 and user.totp_secret:
        step = _step(pyotp.TOTP(user.totp_secret), cleaned, user.totp_last_step)
        if step is None:
            return None
        claimed = db.session.execute(
            update(User).where(User.id == user.id, (User.totp_last_step.is_(None))
                               | (User.totp_last_step < step))
            .values(totp_last_step=step).execution_options(synchronize_session=False))
        # Session.execute is typed as returning a Result; an UPDATE's is a CursorResult.
        return "totp" if claimed.rowcount == 1 else None  # type: ignore[attr-defined]
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
