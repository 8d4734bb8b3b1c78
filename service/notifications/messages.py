"""The notification e-mails, in French, without personal data (RGPD): the household's
pseudonymous reference, the document kind and a link only; the rest is read after logging in."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select

from service import kinds
from service.auth import roles as R
from service.auth.models import Structure, User
from service.documents.models import DocumentSeries
from service.documents.produce import reference_of
from service.extensions import db
from service.households.alerts import Alert
from service.households.facts import alerts_by_household
from service.households.models import Household
from service.notifications.models import (
    ALERT_DIGEST,
    DECISION,
    JOB_FINISHED,
    REGISTRY_FAULTS,
    NotificationPreference,
    wants,
)
from service.referrals.models import Referral
from service.rendering.formatting import date_fr
from service.rendering.typography import french_spacing, plural
from service.timeutil import today_paris

DONE, FAILED = "termine", "echec"  # the job states a finished job can be in


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str


def link(endpoint: str, **values) -> str:
    """An absolute link to a page, from the public address (a worker has no request)."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/",
                                       url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def _body(*paragraphs: str, why: str) -> str:
    footer = (f"Vous recevez ce courriel parce que {why}. Vous pouvez ne plus le recevoir : "
              f"« Mon compte », {link('auth.account')}")
    text = "\n\n".join(["Bonjour,", *paragraphs, footer,
                        f"-- \n{current_app.config['ORGANISATION_NAME']}"])
    return french_spacing(text) + "\n"


def _message(user: User, subject: str, body: str) -> Message:
    return Message(user.email, french_spacing(subject), body)


def decision_notice(referral: Referral) -> Message | None:
    """To the orienteur who sent the fiche: a decision was recorded (which one, after login)."""
    sender = db.session.get(User, referral.created_by_id)
    if sender is None or not wants(sender, DECISION):
        return None
    series = db.session.get_one(DocumentSeries, referral.series_id)
    kind = kinds.get(series.kind)
    document = f"{kind.title} {reference_of(kind, series)}"
    household = db.session.get(Household, referral.household_id) if referral.household_id \
        else None
    about = document + (f" (ménage {household.reference})" if household is not None else "")
    body = _body("La Plateforme Logement d'abord a enregistré une décision sur ce document : "
                 f"{about}.",
                 f"Pour la lire, connectez-vous au service : {link('home.my_fiches')}",
                 why="vous avez envoyé ce document à la Plateforme")
    return _message(sender, f"Décision de la Plateforme – {document}", body)


@dataclass(frozen=True)
class Digest:
    """The households of a team with charter alerts, by pseudonymous reference."""

    structure: Structure
    rows: tuple[tuple[str, tuple[Alert, ...]], ...]  # (reference, its alerts)

    @property
    def subject(self) -> str:
        return f"Alertes de la charte : {plural(len(self.rows), 'ménage')} à suivre"

    def body(self) -> str:
        lines = [f"{reference}\n" + "\n".join(f"  – {_with_due(a)}" for a in found)
                 for reference, found in self.rows]
        return _body(f"Voici, au {date_fr(today_paris())}, ce que la charte attend et qui est "
                     "en retard pour les ménages suivis par votre équipe "
                     f"({self.structure.name}) :",
                     *lines,
                     f"Le détail, ménage par ménage : {link('households.dashboard')}",
                     why="votre équipe suit ces ménages")


def _with_due(alert: Alert) -> str:
    if alert.due is None:
        return alert.message
    return f"{alert.message.rstrip('.')} (échéance : {date_fr(alert.due)})."


def digest_for(structure: Structure) -> Digest | None:
    """The structure's households with alerts due, or None when nothing is late."""
    households = db.session.execute(
        select(Household.id, Household.reference)
        .where(Household.team_structure_id == structure.id)
        .order_by(Household.reference)).all()
    found = alerts_by_household([h.id for h in households])
    rows = tuple((h.reference, tuple(found[h.id])) for h in households if found[h.id])
    return Digest(structure, rows) if rows else None


def digest_messages(structure: Structure) -> list[Message]:
    """The digest for each member of the team who has not turned it off."""
    digest = digest_for(structure)
    if digest is None:
        return []
    team = db.session.execute(
        select(User).where(User.structure_id == structure.id, User.active,
                           User.role.in_(R.TEAM_ROLES)).order_by(User.email)).scalars().all()
    off = set(db.session.execute(
        select(NotificationPreference.user_id).where(
            NotificationPreference.user_id.in_([u.id for u in team]),
            NotificationPreference.notification == ALERT_DIGEST,
            NotificationPreference.enabled.is_(False))).scalars())
    body = digest.body()
    return [_message(user, digest.subject, body) for user in team if user.id not in off]


def job_finished(job) -> Message | None:
    """To whoever asked for a long job, once it is done or failed.

    `job` is any object with `requested_by` (a User), `kind_label` (French), `state`
    ("termine" or "echec") and `url` (the absolute link of its page).
    """
    user = job.requested_by
    if job.state not in (DONE, FAILED) or not wants(user, JOB_FINISHED):
        return None
    if job.state == DONE:
        subject = f"Traitement terminé : {job.kind_label}"
        said = (f"Le traitement « {job.kind_label} » que vous avez demandé est terminé.",
                f"Le résultat est à télécharger depuis sa page : {job.url}")
    else:
        subject = f"Échec du traitement : {job.kind_label}"
        said = (f"Le traitement « {job.kind_label} » que vous avez demandé n'a pas abouti.",
                f"La raison et ce que vous pouvez faire sont indiqués sur sa page : {job.url}")
    return _message(user, subject, _body(*said, why="vous avez demandé ce traitement"))


MAX_FAULTS_LISTED = 20


def registry_faults(problems: list[str]) -> list[Message]:
    """To the administrators: what the nightly registry check found (versions and files are
    named by number, kind and digest, never by person)."""
    admins = db.session.execute(
        select(User).where(User.role == R.ADMIN, User.active).order_by(User.email)
    ).scalars().all()
    listed = [f"  – {p}" for p in problems[:MAX_FAULTS_LISTED]]
    if len(problems) > MAX_FAULTS_LISTED:
        more = plural(len(problems) - MAX_FAULTS_LISTED, "autre défaut", "autres défauts")
        listed.append(f"  … et {more}.")
    body = _body(f"Le contrôle nocturne du registre a trouvé {plural(len(problems), 'défaut')} :",
                 "\n".join(listed),
                 "Pour le détail, lancez la commande flask registry check sur un serveur du "
                 "service.",
                 why="vous administrez le service")
    subject = f"Registre : {plural(len(problems), 'défaut')} au contrôle nocturne"
    return [_message(user, subject, body) for user in admins if wants(user, REGISTRY_FAULTS)]
