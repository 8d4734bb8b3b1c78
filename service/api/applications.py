"""API for calls for applications: a candidate structure's application (sections, pieces,
checklist, submission) and the funders' instruction (dossiers, comparison, outcome). Same
operations, fields and French messages as the web pages."""

from __future__ import annotations

from flask import g, request
from flask_smorest import Blueprint

from service.api import errors
from service.api.auth import require_token
from service.api.documents import entries_json, entry_json, idempotency_key
from service.api.jobs import JobSchema, job_answer
from service.applications import comparison
from service.applications import vocabulary as V
from service.applications.models import Application, CallForApplications
from service.applications.service import (
    calls_instructed_by,
    checklist,
    dossier_entry,
    open_calls,
    receipt_entry,
)
from service.auth import roles as R
from service.auth.policy import has_role
from service.auth.policy import require as require_found
from service.extensions import db
from service.operations import applications as ops
from service.operations.errors import OperationError
from service.rendering.formatting import money
from service.timeutil import today_paris

blp = Blueprint("api_applications", __name__, url_prefix="/api/v1",
                description="Appels à candidatures : la candidature d'une structure (sections, "
                            "pièces, vérification, dépôt) et l'instruction par les financeurs")
blp.before_request(require_token)
errors.register(blp)

SAVES = {"identite": ops.save_identity, "groupement": ops.save_grouping,
         "equipe": ops.save_team, "note": ops.save_note, "budget": ops.save_budget}


def _run(operation, *args, **kwargs):
    try:
        return operation(*args, **kwargs)
    except OperationError as error:
        errors.abort_for(error)


def call_json(call: CallForApplications) -> dict:
    return {"id": call.id, "reference": call.reference, "titre": call.title,
            "territoire": call.territory, "date_limite": call.deadline.isoformat(),
            "ouvert": call.is_open(), "resultats": call.results_on.isoformat(),
            "lancement": call.launch_on.isoformat(),
            "enveloppe": [{"code": line["code"], "libelle": line["label"],
                           "montant": line["amount"], "quantite": line["quantity"],
                           "unite": line["unit"], "mois": line["months"]}
                          for line in call.envelope],
            "pieces": call.pieces}


def checklist_json(application: Application) -> dict:
    result = checklist(application)
    return {"complet": result.ok, "resume": result.summary,
            "controles": [{"cle": c.key, "titre": c.title, "statut": c.status,
                           "problemes": list(c.problems), "pourquoi": c.why,
                           "details": list(c.details)} for c in result.checks]}


def application_json(application: Application) -> dict:
    dossier, receipt = dossier_entry(application), receipt_entry(application)
    outcome = ops.published_outcome(application, today_paris())
    return {
        "id": application.id, "reference": application.reference,
        "appel": application.call_id, "statut": application.status,
        "version": application.version_id,
        "identite": application.identity, "groupement": application.grouping,
        "equipe": {"postes": application.team}, "note": application.note,
        "budget": application.budget, "conventions": application.conventions,
        "pieces": [{"id": p.id, "piece": p.piece_key, "fichier": p.upload.filename,
                    "pages": p.upload.pages, "sha256": p.upload.original_sha256}
                   for p in application.pieces],
        "depose_le": application.submitted_at.isoformat() if application.submitted_at else None,
        "dossier": entry_json(dossier) if dossier else None,
        "accuse": entry_json(receipt) if receipt else None,
        "resultat": {"resultat": outcome[0], "motif": outcome[1]} if outcome else None,
    }


def _own(application_id: str) -> Application:
    application = db.session.get(Application, application_id)
    require_found(application is not None and ops.is_candidate(g.api_user, application))
    assert application is not None  # require_found() answered 404 otherwise
    return application


@blp.route("/appels")
@blp.response(200)
def calls():
    """Les appels : tous pour une structure candidate, ceux qu'il instruit pour un financeur."""
    if has_role(g.api_user, R.CANDIDAT):
        return [call_json(c) for c in open_calls()]
    require_found(has_role(g.api_user, R.FINANCEUR, R.ADMIN))
    return [call_json(c) for c in calls_instructed_by(g.api_user)]


@blp.route("/appels/<call_id>/candidatures", methods=["POST"])
@blp.response(201)
def start(call_id):
    """Commencer (ou retrouver) la candidature de sa structure à un appel."""
    application = _run(ops.start, db.session.get(CallForApplications, call_id), g.api_user)
    return application_json(application)


@blp.route("/candidatures/<application_id>")
@blp.response(200)
def application(application_id):
    """La candidature, ses sections telles qu'enregistrées, ses pièces, son dépôt."""
    return application_json(_own(application_id))


@blp.route(f"/candidatures/<application_id>/<any({', '.join(SAVES)}):section>",
           methods=["PUT"])
@blp.response(200)
def save_section(application_id, section):
    """{version, data}: une section (identite, groupement, equipe, note, budget)."""
    found = _own(application_id)
    require_found(section in SAVES)
    body = request.get_json(silent=True) or {}
    version = body.get("version") if isinstance(body, dict) else None
    _run(SAVES[section], found, body.get("data") if isinstance(body, dict) else None,
         g.api_user, version if isinstance(version, int) else None)
    return application_json(found)


@blp.route("/candidatures/<application_id>/conventions/<member_siret>", methods=["PUT"])
@blp.response(200)
def save_convention(application_id, member_siret):
    """{version, data}: la convention de mise à disposition d'un membre qui prête du personnel."""
    found = _own(application_id)
    body = request.get_json(silent=True) or {}
    _run(ops.save_convention, found, member_siret, body.get("data"), g.api_user,
         body.get("version") if isinstance(body.get("version"), int) else None)
    return application_json(found)


@blp.route(f"/candidatures/<application_id>/pieces/<any({', '.join(V.PIECES)}):piece_key>",
           methods=["POST"])
@blp.response(201)
def add_piece(application_id, piece_key):
    """Joindre un PDF (champ multipart « fichier ») ; un fichier refusé : 422 et la raison."""
    found = _own(application_id)
    upload = request.files.get("fichier")
    piece = _run(ops.add_piece, found, piece_key, upload.read() if upload else b"",
                 upload.filename if upload else None, g.api_user)
    return {"id": piece.id, "piece": piece.piece_key, "pages": piece.upload.pages,
            "sha256": piece.upload.original_sha256, "retire": piece.upload.removed}


@blp.route("/candidatures/<application_id>/pieces/<uuid:piece_id>", methods=["DELETE"])
@blp.response(204)
def remove_piece(application_id, piece_id):
    _run(ops.remove_piece, _own(application_id), str(piece_id), g.api_user)
    return ""


@blp.route("/candidatures/<application_id>/verification")
@blp.response(200)
def verification(application_id):
    """La vérification du dossier, règle par règle, avec la raison de chacune."""
    return checklist_json(_own(application_id))


@blp.route("/candidatures/<application_id>/depot", methods=["POST"])
@blp.response(202, JobSchema)
def submit(application_id):
    """Déposer le dossier avant la date limite ({confirmation: true} s'il reste des points à
    reprendre) ; idempotent par Idempotency-Key. L'assemblage et l'enregistrement sont un
    travail long : la réponse est ce travail, à suivre à son adresse (`url`) ; une fois
    terminé, la candidature donne le dossier déposé et son accusé de réception."""
    found = _own(application_id)
    body = request.get_json(silent=True) or {}
    return job_answer(_run(ops.request_submission, found, g.api_user, idempotency_key(),
                           confirm=bool(isinstance(body, dict) and body.get("confirmation"))))


@blp.route("/candidatures/<application_id>/apercu", methods=["POST"])
@blp.response(202, JobSchema)
def preview(application_id):
    """Assembler un aperçu du dossier tel qu'il est (non enregistré) : un travail long, dont
    le fichier se télécharge à `file_url` une fois terminé."""
    return job_answer(_run(ops.request_preview, _own(application_id), g.api_user,
                           idempotency_key()))


# ---- the funders ----

@blp.route("/appels/<call_id>/dossiers")
@blp.response(200)
def dossiers(call_id):
    """Les dossiers déposés d'un appel (jamais les brouillons), avec leur vérification."""
    call = _run(ops.call_for, g.api_user, call_id)
    dossiers = entries_json(dossier_entry(a) for a in comparison.submitted_applications(call))
    return [{"id": row.application_id, "structure": row.structure,
             "reference": row.reference, "type": row.kind,
             "depose_le": row.submitted_at.isoformat(), "version": row.version,
             "verification": comparison.checklist_text(row.checklist),
             "dossier": dossier, "resultat": row.outcome or None}
            for row, dossier in zip(comparison.rows(call), dossiers, strict=True)]


@blp.route("/appels/<call_id>/comparaison")
@blp.response(200)
def compare(call_id):
    """Le tableau de comparaison (montants en euros, textes en français)."""
    call = _run(ops.call_for, g.api_user, call_id)
    return [{"structure": r.structure, "type": r.kind, "etp": str(r.etp),
             "encadrement": str(r.encadrement),
             "etp_par_diplome": {k: str(v) for k, v in r.by_diploma.items() if v},
             "budget_total": str(r.total), "budget_total_texte": money(r.total),
             "par_financeur": {k: str(v) for k, v in r.by_funder.items()},
             "cout_par_logement": str(r.per_dwelling) if r.per_dwelling is not None else None,
             "cout_par_etp": str(r.per_etp) if r.per_etp is not None else None,
             "verification": comparison.checklist_text(r.checklist)} for r in comparison.rows(call)]


@blp.route("/appels/<call_id>/dossiers/<application_id>/resultat", methods=["POST"])
@blp.response(200)
def outcome(call_id, application_id):
    """{outcome: retenue|non_retenue, reason}: publié à la structure à la date des résultats."""
    call = _run(ops.call_for, g.api_user, call_id)
    found = _run(ops.submitted_in, call, application_id, g.api_user)
    _run(ops.record_outcome, found, request.get_json(silent=True), g.api_user)
    return {"id": found.id, "resultat": found.outcome, "motif": found.outcome_reason}
