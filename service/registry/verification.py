"""What the public verification page says about a code or an uploaded PDF (no personal data)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import select

from service.auth import throttle
from service.extensions import db
from service.ids import new_id
from service.registry.codes import normalise
from service.registry.models import SIGNED, RegistryEntry, Revocation
from service.registry.pdf_probe import check_seal, find_code
from service.timeutil import as_utc

GENUINE, MODIFIED, UNKNOWN = "authentique", "modifie", "inconnu"
CURRENT, SUPERSEDED, REVOKED = "en_vigueur", "remplace", "revoque"
_TRUST_ROOTS = "verification.seal_trust_roots"


@dataclass
class Verdict:
    outcome: str  # GENUINE, MODIFIED or UNKNOWN
    code: str | None = None
    entry: RegistryEntry | None = None
    status: str | None = None
    successor: RegistryEntry | None = None
    revocation: Revocation | None = None
    seal: str | None = None  # French verdict on the PAdES seal of an uploaded signed PDF

    def public(self) -> dict:
        """The answer as the API gives it: kind, date, structure, version, status; no names."""
        if self.entry is None:
            return {"resultat": self.outcome, "code": self.code}
        e = self.entry
        answer = {
            "resultat": self.outcome, "code": e.verification_code, "document": e.title,
            "version": e.version, "date": as_utc(e.created_at).isoformat(),
            "structure": e.structure.name, "statut": self.status,
        }
        if self.successor is not None:
            answer["remplace_par"] = {"version": self.successor.version,
                                      "date": as_utc(self.successor.created_at).isoformat()}
        if self.revocation is not None:
            answer["revocation"] = {"date": as_utc(self.revocation.at).isoformat(),
                                    "motif": self.revocation.reason}
        if self.seal is not None:
            answer["cachet"] = self.seal
        return answer


def by_code(typed: str) -> Verdict:
    code = normalise(typed)
    entry = _entry_with_code(code) if code else None
    return _describe(entry, GENUINE if entry else UNKNOWN, code)


def by_pdf(data: bytes) -> Verdict:
    """Genuine only if the bytes are exactly a registered PDF; a known code with other bytes
    means the file was modified after it was issued (even by an incremental update)."""
    digest = hashlib.sha256(data).hexdigest()
    entry = db.session.execute(
        select(RegistryEntry).where(RegistryEntry.pdf_sha256 == digest).limit(1)
    ).scalar_one_or_none()
    if entry is not None:
        verdict = _describe(entry, GENUINE, entry.verification_code)
    else:
        code = find_code(data)
        entry = _entry_with_code(code) if code else None
        verdict = _describe(entry, MODIFIED if entry else UNKNOWN, code)
    if entry is not None and entry.status == SIGNED:
        verdict.seal = _seal_verdict(data)
    return verdict


def init_seal_check(app: Flask, trust_roots: Callable[[], Sequence]) -> None:
    """The seal's identity belongs to the documents layer: the app factory hands its roots here,
    so the registry imports nothing above it."""
    app.extensions[_TRUST_ROOTS] = trust_roots


def _seal_verdict(data: bytes) -> str:
    """pyHanko's verdict on the seal, in a child process like every parse of an upload."""
    return check_seal(data, current_app.extensions[_TRUST_ROOTS]())


def _entry_with_code(code: str) -> RegistryEntry | None:
    return db.session.execute(
        select(RegistryEntry).where(RegistryEntry.verification_code == code)
    ).scalar_one_or_none()


def _describe(entry: RegistryEntry | None, outcome: str, code: str | None) -> Verdict:
    if entry is None:
        return Verdict(outcome, code)
    revocation = db.session.execute(
        select(Revocation).where(Revocation.entry_id == entry.id)).scalar_one_or_none()
    successor = db.session.execute(
        select(RegistryEntry).where(RegistryEntry.series_id == entry.series_id,
                                    RegistryEntry.version > entry.version)
        .order_by(RegistryEntry.version.desc()).limit(1)).scalar_one_or_none()
    status = REVOKED if revocation else (SUPERSEDED if successor else CURRENT)
    return Verdict(outcome, code, entry, status, successor, revocation)


def allow(key: str, limit: int, window: timedelta = timedelta(minutes=10)) -> bool:
    """At most `limit` lookups per `window` for `key` (the client's address), counted in the
    database for every server, atomically."""
    return throttle.consume(key, limit, window)


def revoke(entry: RegistryEntry, reason: str, user=None) -> Revocation:
    revocation = Revocation(id=new_id(), entry_id=entry.id, reason=reason[:500],
                            by_id=user.id if user is not None else None)
    db.session.add(revocation)
    return revocation
