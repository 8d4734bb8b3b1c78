"""Which notifications a user receives: one row per choice made in « Mon compte »."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from service.auth import roles as R
from service.extensions import Model, db
from service.registry import audit
from service.timeutil import utcnow

DECISION = "decision_fiche"
ALERT_DIGEST = "alertes_quotidiennes"
JOB_FINISHED = "traitement_termine"
REGISTRY_FAULTS = "defauts_registre"


@dataclass(frozen=True)
class Notification:
    key: str
    label: str  # French, in « Mon compte »
    roles: tuple[str, ...]  # who may receive it: only they see the choice


NOTIFICATIONS: dict[str, Notification] = {n.key: n for n in (
    Notification(DECISION, "Décision de la Plateforme sur une fiche de lien que j'ai envoyée",
                 (R.ORIENTEUR,)),
    Notification(ALERT_DIGEST, "Récapitulatif quotidien des alertes de la charte des ménages "
                               "suivis par mon équipe", R.TEAM_ROLES),
    Notification(JOB_FINISHED, "Fin d'un traitement long que j'ai demandé (document prêt ou "
                               "échec)", R.ALL),
    Notification(REGISTRY_FAULTS, "Défauts trouvés par le contrôle nocturne du registre",
                 (R.ADMIN,)),
)}


class NotificationPreference(Model):
    """A user's choice for one notification; without a row the notification is on."""

    __tablename__ = "notification_preferences"
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    notification: Mapped[str] = mapped_column(String(40), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def offered_to(user) -> list[Notification]:
    return [n for n in NOTIFICATIONS.values() if user.role in n.roles]


def choices_of(user_id: str) -> dict[str, bool]:
    """Every notification with the user's choice (on unless turned off)."""
    rows = dict(db.session.execute(
        select(NotificationPreference.notification, NotificationPreference.enabled)
        .where(NotificationPreference.user_id == user_id)).tuples().all())
    return {key: rows.get(key, True) for key in NOTIFICATIONS}


def wants(user, key: str) -> bool:
    """Whether `user` receives `key`: an active account of a role it is meant for, not
    turned off."""
    if user is None or not user.active or user.role not in NOTIFICATIONS[key].roles:
        return False
    enabled = db.session.execute(
        select(NotificationPreference.enabled).where(
            NotificationPreference.user_id == user.id,
            NotificationPreference.notification == key)).scalar_one_or_none()
    return enabled is not False


def save_choices(user, enabled: set[str]) -> None:
    """Record and commit the user's choices for the notifications offered to them (keys not
    offered are ignored), audited like every change of an account."""
    existing = {p.notification: p for p in db.session.execute(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id)
    ).scalars()}
    for notification in offered_to(user):
        on = notification.key in enabled
        row = existing.get(notification.key)
        if row is None:
            db.session.add(NotificationPreference(user_id=user.id, notification=notification.key,
                                                  enabled=on))
        elif row.enabled != on:
            row.enabled, row.updated_at = on, utcnow()
    audit.record("update", "notification_preferences", user.id, user=user,
                 enabled=sorted(n.key for n in offered_to(user) if n.key in enabled))
    db.session.commit()
