"""Password reset by an e-mailed link: a random token, single-use and short-lived.

Only the token's SHA-256 is stored. Asking for a link never says whether an account exists;
using one ends every session of the account and the other links still open.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import DateTime, ForeignKey, String, select, update
from sqlalchemy.orm import Mapped, mapped_column

from service.auth.models import User
from service.extensions import Model, db
from service.ids import id_column, new_id
from service.timeutil import as_utc, utcnow


class PasswordReset(Model):
    __tablename__ = "password_resets"
    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def lifetime() -> timedelta:
    return timedelta(seconds=int(current_app.config.get("PASSWORD_RESET_SECONDS", 1800)))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(user: User) -> str:
    """A new link's token for `user` (shown once, in the e-mail); the caller commits."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(PasswordReset(id=new_id(), user_id=user.id, token_sha256=_digest(token),
                                 created_at=now, expires_at=now + lifetime()))
    return token


def pending(token: str) -> PasswordReset | None:
    """The link's row while it may still be used: unused and not expired."""
    if not token or len(token) > 100:
        return None
    row = db.session.execute(select(PasswordReset).where(
        PasswordReset.token_sha256 == _digest(token))).scalar_one_or_none()
    if row is None or row.used_at is not None or as_utc(row.expires_at) <= utcnow():
        return None
    return row


def use(token: str) -> User | None:
    """Spend the link (atomically: two uses at once, one wins) and every other open link of
    the same account; returns the account, or None. The caller commits."""
    row = pending(token)
    if row is None:
        return None
    now = utcnow()
    spent = db.session.execute(
        update(PasswordReset).where(PasswordReset.id == row.id, PasswordReset.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False))
    # Session.execute is typed as returning a Result; an UPDATE's is a CursorResult (rowcount).
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        return None
    db.session.execute(
        update(PasswordReset).where(PasswordReset.user_id == row.user_id,
                                    PasswordReset.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False))
    user = db.session.get(User, row.user_id)
    return user if user is not None and user.active else None
