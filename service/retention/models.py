"""The retention flags: one row per subject whose retention period has ended, per rule.

A flag marks a file for the later purge or anonymisation; nothing is deleted here. It is cleared
(`cleared_at`) when new activity makes its subject active again, and raised again (the same row)
if the subject later falls due once more: the nightly run never adds a second row.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.extensions import Model
from service.ids import id_column
from service.timeutil import utcnow

HOUSEHOLD = "household"
REFERRAL = "referral"
SUBJECT_TYPES = (HOUSEHOLD, REFERRAL)


class RetentionFlag(Model):
    __tablename__ = "retention_flags"
    __table_args__ = (UniqueConstraint("subject_type", "subject_id", "rule"),)
    id: Mapped[str] = id_column()
    subject_type: Mapped[str] = mapped_column(String(20))  # household | referral
    subject_id: Mapped[str] = mapped_column(String(36))
    rule: Mapped[str] = mapped_column(String(40))  # service.retention.rules.RULES key
    # The day the retention period ended (the last activity plus the rule's months).
    due_on: Mapped[date] = mapped_column(Date)
    flagged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Set when the subject became active again; null while the flag stands.
    cleared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)


class Erasure(Model):
    """The tombstone of a subject erased at the end of its retention period (append-only).

    It says what was erased, when, under which rule and legal basis, without saying whom:
    `subject_digest` is the SHA-256 of the subject's id and reference, so a later request
    about a known file can be answered (« effacé le … ») without keeping it. The receipt (a
    PDF in the blob store) is the copy given to the data protection officer."""

    __tablename__ = "erasures"
    id: Mapped[str] = id_column()
    subject_type: Mapped[str] = mapped_column(String(20))  # household | referral
    subject_id: Mapped[str] = mapped_column(String(36), unique=True)
    subject_digest: Mapped[str] = mapped_column(String(64))
    rule: Mapped[str] = mapped_column(String(40))
    legal_basis: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    erased_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # What was erased, as counts ({"versions": 3, "fichiers": 7, "personnes": 2…}).
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    receipt_sha256: Mapped[str] = mapped_column(String(64))
