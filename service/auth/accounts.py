"""Changing a password (« Mon compte », or a reset link): the rules, then every session ends."""

from __future__ import annotations

import secrets

from service.auth.models import User
from service.auth.passwords import hash_password, problems
from service.registry import audit
from service.timeutil import utcnow


def set_password(user: User, new_password: str, *, how: str) -> list[str]:
    """Give `user` a new password if it may be used; returns the French problems otherwise.

    The session nonce changes, so every open session of the account (other browsers, other
    devices) stops working; the caller commits and signs the current browser in again.
    """
    found = problems(new_password, name=user.full_name, email=user.email, role=user.role)
    if found:
        return found
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    user.session_nonce = secrets.token_hex(16)
    audit.record("password_change", "user", user.id, user=user, how=how)
    return []
