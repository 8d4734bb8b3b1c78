"""Download a registered file (web page and API alike): checked bytes, an audited reading, and
an alert to the administrators when the stored file is missing or altered."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from service.auth import roles as R
from service.auth import throttle
from service.auth.models import User
from service.errors import NotFound, OperationError
from service.extensions import db
from service.notifications.messages import link
from service.notifications.models import REGISTRY_FAULTS, wants
from service.notifications.tasks import QUEUE_RETRY_POLICY, send_message
from service.registry import audit
from service.registry.downloads import MISSING, FileFault, VerifiedFile, open_verified
from service.registry.models import ErasedEntry, RegistryEntry
from service.registry.store import blob_store, download_name

log = logging.getLogger(__name__)
# One e-mail per file and fault per hour, however often it is asked for.
ALERT_EVERY = timedelta(hours=1)


class StoredFileUnavailable(OperationError):
    """The registered file cannot be served as registered; nothing wrong was sent."""

    status = 500
    message = ("Ce fichier ne peut pas être téléchargé : il est introuvable ou son contenu ne "
               "correspond plus à celui qui a été enregistré. L'administration du service a "
               "été prévenue ; la version enregistrée reste la référence.")


class ErasedDocument(OperationError):
    """The version's content was erased at the end of its retention period (DOMAIN.md §8.4)."""

    status = 410
    message = ("Ce document a été effacé au terme de sa durée de conservation : son contenu et "
               "ses fichiers n'existent plus. Sa trace reste au registre (date, empreintes).")


@dataclass
class Download:
    chunks: object  # an iterable of bytes
    size: int
    media_type: str
    filename: str


@dataclass(frozen=True)
class _Reading:
    """Who read which version, as plain values: a streamed file is checked after the view
    returned, when the request's database objects are detached."""

    entry_id: str
    title: str
    version: int
    household_id: str | None
    user_id: str
    role: str
    is_authenticated: bool = True

    @property
    def id(self) -> str:  # what audit.record reads of its `user`
        return self.user_id


def download(entry: RegistryEntry, fmt: str, subject_label: str, user, **details) -> Download:
    """The file of `format` of a version the caller may read (checked by the caller)."""
    stored = entry.file(fmt)
    if stored is None:
        raise NotFound()
    if db.session.get(ErasedEntry, entry.id) is not None:
        raise ErasedDocument()
    reading = _Reading(entry.id, entry.title, entry.version, entry.series.household_id,
                       user.id, user.role)
    try:
        verified: VerifiedFile = open_verified(
            blob_store(), stored, on_fault=lambda fault: alert(reading, fault))
    except FileFault as fault:
        alert(reading, fault)
        raise StoredFileUnavailable() from fault
    audit.record("download", "document", entry.id, reading.household_id, user=user,
                 format=fmt, **details)
    db.session.commit()
    return Download(verified.chunks, verified.size, stored.media_type,
                    download_name(entry, fmt, subject_label))


def alert(reading: _Reading, fault: FileFault) -> None:
    """Log, audit and e-mail the administrators (no personal data: kind, version, digest)."""
    label = f"{reading.title} v{reading.version} ({reading.entry_id})"
    problem = ("introuvable" if fault.problem == MISSING
               else f"contenu différent de l'empreinte enregistrée (obtenu {fault.found})"
               if fault.found else "taille différente de celle enregistrée")
    text = f"Fichier {fault.format.upper()} {problem} : {label}, sha256 {fault.sha256}"
    log.error("download refused: %s", text)
    try:
        audit.record("integrity_fault", "document", reading.entry_id, reading.household_id,
                     user=reading, format=fault.format, problem=fault.problem)
        db.session.commit()
        if throttle.consume(f"alerte-fichier:{fault.sha256}:{fault.problem}", 1, ALERT_EVERY):
            _email_admins(text)
    except Exception:  # noqa: BLE001  (the refusal is answered whatever happens to the alert)
        log.exception("integrity alert not recorded or not sent: %s", text)


def _email_admins(text: str) -> None:
    admins = db.session.execute(
        select(User).where(User.role == R.ADMIN, User.active).order_by(User.email)
    ).scalars().all()
    subject = "Registre : téléchargement refusé, fichier altéré ou manquant"
    body = "\n\n".join([
        "Bonjour,",
        "Un téléchargement vient d'être refusé parce que le fichier stocké ne correspond pas "
        "à la version enregistrée :",
        f"  – {text}",
        "Le fichier n'a pas été envoyé. Lancez la commande flask registry check sur un "
        "serveur du service, puis restaurez le fichier depuis la sauvegarde.",
        f"Vous recevez ce courriel parce que vous administrez le service ({link('auth.account')}).",
    ]) + "\n"
    for admin in admins:
        if wants(admin, REGISTRY_FAULTS):
            send_message.apply_async((admin.email, subject, body),
                                     retry_policy=QUEUE_RETRY_POLICY)
