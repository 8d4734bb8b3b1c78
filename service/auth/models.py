"""Structures, users, API tokens and login attempts."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.extensions import Model
from service.ids import id_column, new_id
from service.timeutil import utcnow

STRUCTURE_KINDS = {
    "orienteur": "Service orienteur",
    "plateforme": "Plateforme Logement d'abord",
    "accompagnement": "Équipe d'accompagnement",
    "financeur": "Financeur",
    "candidat": "Structure candidate",
    "administration": "Administration du service",
}


class Structure(Model):
    __tablename__ = "structures"
    id: Mapped[str] = id_column()
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    structure_type: Mapped[str | None] = mapped_column(String(40))  # fiche A2 enum for orienteurs
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class User(UserMixin, Model):
    __tablename__ = "users"
    id: Mapped[str] = id_column()
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    structure_id: Mapped[str] = mapped_column(ForeignKey("structures.id"))
    password_hash: Mapped[str] = mapped_column(String(255))
    # Rotated at logout and password change: old session cookies stop working.
    session_nonce: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_hex(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Second factor (TOTP, RFC 6238): the shared secret once confirmed, and the last time step
    # used, so that a code is accepted once (ASVS 2.8.4).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)

    structure: Mapped[Structure] = relationship(lazy="joined")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active


class ApiToken(Model):
    """A bearer token for the JSON API; only its sha256 is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(100))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(lazy="joined")

    @staticmethod
    def digest(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[ApiToken, str]:
        token = "lda_" + secrets.token_urlsafe(32)
        row = cls(id=new_id(), user_id=user.id, name=name, token_sha256=cls.digest(token))
        return row, token


class LoginAttempt(Model):
    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    ip: Mapped[str] = mapped_column(String(64))
    success: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
