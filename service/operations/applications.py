"""Applications to a call, one function per action, called alike by the web pages and the API.

A candidate structure starts its application, saves its sections, uploads its pieces, previews
and submits its dossier; a funder of the call records the outcome. Access is the policy's (a
refusal is NotFound: 404 on both channels); every refusal is an OperationError in French.

A submission is long work (the assembly of a dossier of hundreds of pages): the request checks
what it can at once and queues a job (`request_submission`); the job's body (`submit`) assembles
and registers the dossier and its accusé de réception, reporting its progress on the job's page.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from marshmallow import Schema
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from service.applications import receipt
from service.applications import vocabulary as V
from service.applications.assembly import assemble, reporting
from service.applications.documents import ACCUSE_RECEPTION, DOSSIER
from service.applications.models import Application, ApplicationPiece, CallForApplications
from service.applications.schemas import (
    BudgetSchema,
    ConventionSchema,
    GroupingSchema,
    IdentitySchema,
    NoteSchema,
    OutcomeSchema,
    TeamSchema,
)
from service.applications.service import (
    application_of,
    application_subject,
    checklist,
    content_sha256,
    lending_members,
    members,
    raw_snapshot,
)
from service.auth import roles as R
from service.auth.policy import can_view_application, has_role
from service.documents.produce import produce
from service.extensions import db
from service.ids import new_id
from service.jobs.models import Job
from service.jobs.queue import enqueue
from service.jobs.runner import JobKind, register
from service.operations.common import commit, validated
from service.operations.errors import Conflict, Invalid, NotFound, StaleVersion
from service.operations.jobs import keep_file
from service.registry import audit
from service.registry.models import RegistryEntry
from service.rendering.formatting import datetime_fr
from service.timeutil import as_utc, utcnow
from service.uploads.store import Refused, accept

Progress = Callable[[int, int, str], None]
MAX_FILES_PER_PIECE = 5
# A whole dossier's uploads (SECURITY P14): what a funder downloads and reads stays bounded.
MAX_DOSSIER_FILES = 40
MAX_DOSSIER_MB = 100
STALE = ("La candidature a été modifiée entre-temps (dans un autre onglet ou par une autre "
         "personne de la structure) : rechargez la page pour reprendre ses dernières "
         "informations.")
NOT_AN_EMPLOYER = "Choisissez la structure porteuse ou un membre du groupement."
NOT_A_FUNDER = "Choisissez une ligne de financement de l'appel."
CONFIRM = ("Le dossier comporte des points à reprendre : cochez la case pour confirmer que vous "
           "le déposez tout de même.")


def after_deadline(call: CallForApplications) -> str:
    return (f"La date limite de dépôt de cet appel était le {datetime_fr(call.deadline)} : le "
            "dossier ne peut plus être déposé ni modifié.")


# ---- access ----

def is_candidate(user, application: Application) -> bool:
    return has_role(user, R.CANDIDAT) and application.structure_id == user.structure_id


def editable(application: Application | None, user) -> Application:
    """The candidate structure's own application, while its call is open."""
    if application is None or not is_candidate(user, application):
        raise NotFound()
    if not application.call.is_open():
        raise Conflict(after_deadline(application.call))
    return application


def visible(application: Application | None, user) -> Application:
    if application is None or not can_view_application(user, application):
        raise NotFound()
    return application


def instructs(user, call: CallForApplications) -> bool:
    """The call's funders (and the administration, read-only)."""
    return has_role(user, R.ADMIN) or (has_role(user, R.FINANCEUR)
                                       and user.structure_id in call.funder_structure_ids)


# ---- the candidate ----

def start(call: CallForApplications | None, user) -> Application:
    """The structure's application to `call`, created on first use (one per structure)."""
    if call is None or not has_role(user, R.CANDIDAT):
        raise NotFound()
    existing = application_of(user.structure_id, call.id)
    if existing is not None:
        return existing
    if not call.is_open():
        raise Conflict(after_deadline(call))
    application_id = new_id()
    application = Application(
        id=application_id, reference=f"CAND-{application_id[:8].upper()}", call_id=call.id,
        structure_id=user.structure_id, created_by_id=user.id, status=V.DRAFT,
        identity={"denomination": user.structure.name}, grouping={"type": V.SINGLE,
                                                                  "membres": []},
        team=[], note={}, budget={"logements": _dwellings(call), "duree_mois": 12,
                                  "charges": [], "produits": [], "contributions": []},
        conventions={})
    db.session.add(application)
    audit.record("create", "application", application.id, user=user, call=call.id)
    try:
        db.session.commit()
    except IntegrityError:  # the same structure started it at the same moment
        db.session.rollback()
        found = application_of(user.structure_id, call.id)
        if found is None:
            raise
        return found
    return application


def _dwellings(call: CallForApplications) -> int | None:
    return next((int(line["quantity"]) for line in call.envelope
                 if line.get("unit") == "logements"), None)


def _save(application: Application, attribute: str, value, user, version: int | None,
          section: str) -> Application:
    if version is not None and version != application.version_id:
        raise StaleVersion(STALE)
    setattr(application, attribute, value)
    application.updated_at = utcnow()
    audit.record("update", "application", application.id, user=user, section=section)
    commit(STALE)
    return application


def _dump(schema: Schema, data) -> dict:
    return json.loads(json.dumps(schema.dump(validated(schema, data)), default=str))


def save_identity(application, data, user, version: int | None = None) -> Application:
    editable(application, user)
    return _save(application, "identity", _dump(IdentitySchema(), data), user, version,
                 "identite")


def save_grouping(application, data, user, version: int | None = None) -> Application:
    editable(application, user)
    values = _dump(GroupingSchema(), data)
    carrier = (application.identity or {}).get("siret")
    for index, member in enumerate(values.get("membres") or []):
        if carrier and member["siret"] == carrier:
            raise Invalid({"membres": {index: {"siret": [
                "C'est le SIRET de la structure porteuse : indiquez ici les autres membres."]}}})
    return _save(application, "grouping", values, user, version, "groupement")


def save_team(application, data, user, version: int | None = None) -> Application:
    editable(application, user)
    values = _dump(TeamSchema(), data)
    employers = {V.CARRIER, *(m["siret"] for m in members(application))}
    funders = {line["code"] for line in application.call.envelope} | {V.OTHER_FUNDING}
    errors: dict = {}
    for index, post in enumerate(values["postes"]):
        if post.get("employeur") not in employers:
            errors.setdefault(index, {})["employeur"] = [NOT_AN_EMPLOYER]
        if post.get("financement") not in funders:
            errors.setdefault(index, {})["financement"] = [NOT_A_FUNDER]
    if errors:
        raise Invalid({"postes": errors})
    return _save(application, "team", values["postes"], user, version, "equipe")


def save_note(application, data, user, version: int | None = None) -> Application:
    editable(application, user)
    return _save(application, "note", _dump(NoteSchema(), data), user, version, "note")


def save_budget(application, data, user, version: int | None = None) -> Application:
    editable(application, user)
    values = _dump(BudgetSchema(), data)
    funders = {line["code"] for line in application.call.envelope} | {V.OTHER_FUNDING}
    errors = {index: {"repartition": [NOT_A_FUNDER]}
              for index, line in enumerate(values.get("charges") or [])
              if set(line.get("repartition") or {}) - funders}
    if errors:
        raise Invalid({"charges": errors})
    for line in values.get("charges") or []:  # zero shares are not worth keeping
        line["repartition"] = {k: v for k, v in (line.get("repartition") or {}).items() if v}
    return _save(application, "budget", values, user, version, "budget")


def save_convention(application, member_siret: str, data, user,
                    version: int | None = None) -> Application:
    editable(application, user)
    if member_siret not in lending_members(application):
        raise NotFound()
    terms = _dump(ConventionSchema(), data)
    return _save(application, "conventions", {**(application.conventions or {}),
                                              member_siret: terms}, user, version,
                 "convention")


def upload_pieces(call: CallForApplications) -> list[str]:
    return [p["key"] for p in call.pieces if V.PIECES[p["key"]][1] == V.UPLOAD]


def add_piece(application, piece_key: str, data: bytes, filename: str | None,
              user) -> ApplicationPiece:
    """Check and keep an uploaded PDF for one of the call's pieces; a refused file is Invalid
    with its reason, and nothing is stored."""
    editable(application, user)
    if piece_key not in upload_pieces(application.call):
        raise NotFound()
    attached = [p for p in application.pieces if p.piece_key == piece_key]
    if len(attached) >= MAX_FILES_PER_PIECE:
        raise Invalid({"fichier": [f"Cette pièce compte déjà {MAX_FILES_PER_PIECE} fichiers : "
                                   "retirez-en un avant d'en ajouter."]})
    if not data:
        raise Invalid({"fichier": ["Choisissez un fichier PDF."]})
    if len(application.pieces) >= MAX_DOSSIER_FILES:
        raise Invalid({"fichier": [f"Le dossier compte déjà {MAX_DOSSIER_FILES} fichiers joints, "
                                   "le maximum : retirez-en un avant d'en ajouter."]})
    total = sum(p.upload.original_size for p in application.pieces) + len(data)
    if total > MAX_DOSSIER_MB * 1024 * 1024:
        raise Invalid({"fichier": [f"Avec ce fichier, les pièces du dossier dépasseraient "
                                   f"{MAX_DOSSIER_MB} Mo au total : retirez un fichier ou "
                                   "joignez une version plus légère."]})
    try:
        upload = accept(data, filename, user, "candidature")
    except Refused as refused:
        raise Invalid({"fichier": [refused.reason]}, refused.reason) from refused
    piece = ApplicationPiece(id=new_id(), application_id=application.id, piece_key=piece_key,
                             upload_id=upload.id, position=len(application.pieces) + 1)
    db.session.add(piece)
    application.updated_at = utcnow()
    audit.record("upload", "application", application.id, user=user, piece=piece_key,
                 sha256=upload.sha256, pages=upload.pages)
    commit(STALE)
    db.session.refresh(application)
    return piece


def remove_piece(application, piece_id: str, user) -> None:
    editable(application, user)
    piece = next((p for p in application.pieces if p.id == piece_id), None)
    if piece is None:
        raise NotFound()
    application.pieces.remove(piece)
    application.updated_at = utcnow()
    audit.record("delete", "application_piece", application.id, user=user,
                 piece=piece.piece_key)
    commit(STALE)


PREVIEW = "apercu_dossier"


def preview(application, user, progress: Progress | None = None) -> bytes:
    """The dossier as it stands, not registered (no verification code yet)."""
    visible(application, user)
    if not is_candidate(user, application):
        raise NotFound()
    return assemble(application, progress)


def request_preview(application, user, key: str) -> Job:
    """Queue the assembly of a preview: the job's page offers the PDF when it is made."""
    visible(application, user)
    if not is_candidate(user, application):
        raise NotFound()
    return enqueue(PREVIEW, "application", application.id, user, key=f"apercu:{key}")


def _preview_body(job: Job, progress) -> None:
    application = db.session.get_one(Application, job.subject_id)
    pdf = preview(application, job.requested_by, progress)
    keep_file(job, pdf, f"Dossier de candidature – {application.reference} – aperçu.pdf",
              "application/pdf")
    db.session.commit()


register(JobKind(key=PREVIEW, label="Aperçu du dossier de candidature", body=_preview_body,
                 soft_time_limit=900, time_limit=960, memory_limit_mb=2048,
                 notify_on=()))


SUBMISSION = "depot_dossier"


def _submittable(application, user, confirm: bool, at=None):
    """The candidate's own application, its call open at `at`, its checklist green or the
    remaining points confirmed."""
    if application is None or not is_candidate(user, application):
        raise NotFound()
    if not application.call.is_open(at):
        raise Conflict(after_deadline(application.call))
    result = checklist(application)
    if not result.ok and not confirm:
        raise Invalid({"confirmation": [CONFIRM]}, CONFIRM)
    return result


def request_submission(application, user, key: str, *, confirm: bool = False) -> Job:
    """Check at once what can be checked, then queue the assembly and the registration.

    The same key twice (a double click, a client's retry) is the same job. The deadline is
    judged at the moment of the request: a dossier asked for at 23:59 is not refused because
    a worker took it up at midnight."""
    _submittable(application, user, confirm)
    return enqueue(SUBMISSION, "application", application.id, user,
                   params={"confirm": confirm}, key=f"depot:{key}")


def _submission_body(job: Job, progress) -> str:
    """The job: idempotent by job id (a retried job replays what its first run registered)."""
    application = db.session.get(Application, job.subject_id)
    _, entry = submit(application, job.requested_by, f"job:{job.id}",
                      confirm=bool((job.params or {}).get("confirm")), progress=progress,
                      at=as_utc(job.created_at))
    return entry.id


def _submission_readable(user, job: Job) -> bool:
    application = db.session.get(Application, job.subject_id)
    return application is not None and can_view_application(user, application)


register(JobKind(key=SUBMISSION, label="Assemblage et dépôt du dossier de candidature",
                 body=_submission_body, soft_time_limit=900, time_limit=960,
                 memory_limit_mb=2048, readable=_submission_readable,
                 result_page=("applications.submitted", "application_id"),
                 result_label="Voir le dossier déposé et l'accusé de réception"))


def submit(application, user, key: str, *, confirm: bool = False,
           progress: Progress | None = None, at=None) -> tuple[RegistryEntry, RegistryEntry]:
    """Before the deadline (judged at `at`, by default now): assemble and register the dossier
    (a new version on each correction), then its accusé de réception. Returns (dossier,
    receipt). The submission job's body; `request_submission` is what the pages call."""
    result = _submittable(application, user, confirm, at)
    subject = application_subject(application)
    data = raw_snapshot(application)
    previous = db.session.get(RegistryEntry, application.dossier_entry_id) \
        if application.dossier_entry_id else None
    with reporting(progress):
        dossier = produce(DOSSIER, subject, data, user, f"{key}:dossier",
                          series=previous.series if previous else None).entry
    receipt_data = receipt.receipt_data(application, dossier, data, result.summary)
    earlier = db.session.get(RegistryEntry, application.receipt_entry_id) \
        if application.receipt_entry_id else None
    fingerprint = content_sha256(application)

    def submitted(entry: RegistryEntry) -> None:  # in the receipt's own transaction
        application.status = V.SUBMITTED
        application.submitted_at = dossier.created_at
        application.dossier_entry_id = dossier.id
        application.receipt_entry_id = entry.id
        application.submitted_sha256 = fingerprint
        audit.record("submit", "application", application.id, user=user, dossier=dossier.id,
                     version=dossier.version)

    entry = produce(ACCUSE_RECEPTION, subject, receipt_data, user, f"{key}:accuse",
                      series=earlier.series if earlier else None,
                      on_registered=submitted).entry
    return dossier, entry


def changed_since_submission(application: Application) -> bool:
    return bool(application.submitted_sha256) and (
        content_sha256(application) != application.submitted_sha256)


# ---- the funders ----

def call_for(user, call_id: str) -> CallForApplications:
    call = db.session.get(CallForApplications, call_id)
    if call is None or not instructs(user, call):
        raise NotFound()
    return call


def submitted_in(call: CallForApplications, application_id: str, user) -> Application:
    """A submitted application of a call the user instructs; a draft does not exist here."""
    application = db.session.execute(select(Application).where(
        Application.id == application_id, Application.call_id == call.id)).scalar_one_or_none()
    if application is None or not application.submitted or not instructs(user, call):
        raise NotFound()
    return application


def record_outcome(application: Application, data, user) -> Application:
    """Retenue or non retenue, with the reason: the candidate sees it from the results date."""
    if not has_role(user, R.FINANCEUR):
        raise NotFound()
    submitted_in(application.call, application.id, user)
    values = validated(OutcomeSchema(), data)
    application.outcome = values["outcome"]
    application.outcome_reason = values["reason"]
    application.outcome_at = utcnow()
    application.outcome_by_id = user.id
    audit.record("decide", "application", application.id, user=user, outcome=values["outcome"])
    commit(STALE)
    return application


def published_outcome(application: Application, today) -> tuple[str, str] | None:
    """(label, reason) once the call's results date has come, else None."""
    if application.outcome is None or today < application.call.results_on:
        return None
    return V.OUTCOME_LABELS[application.outcome], application.outcome_reason or ""
