"""A candidate structure's pages: its calls, its application's sections, pieces, checklist,
preview and submission (role candidat; phone and desktop; works without JavaScript)."""

from __future__ import annotations

import re
import uuid

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from wtforms import Form

from forms.applications import ConventionForm, GroupingForm, IdentityForm, NoteForm
from forms.applications import budget_form as make_budget_form
from forms.applications import team_form as make_team_form
from service.applications import vocabulary as V
from service.applications.checklist import LABELS as CHECK_LABELS
from service.applications.models import Application, CallForApplications
from service.applications.schemas import CHARGE_ACCOUNTS, CONTRIBUTION_ACCOUNTS, PRODUIT_ACCOUNTS
from service.applications.service import (
    applications_of_structure,
    call_wording,
    checklist,
    dossier_entry,
    employer_names,
    funder_columns,
    lending_members,
    members,
    open_calls,
    receipt_entry,
)
from service.auth import roles as R
from service.auth.policy import has_role, require
from service.extensions import db
from service.jobs.models import FAILED
from service.operations import applications as ops
from service.operations.errors import OperationError
from service.timeutil import today_paris
from service.web.formdata import apply_list_action, field_labels, form_to_dict
from service.web.jobs_views import next_page
from service.web.operation_errors import page_errors

bp = Blueprint("applications", __name__, url_prefix="/candidatures")

# section key in the URL -> (title, stored attribute, save operation)
SECTIONS = {
    "identite": ("Identité de la structure", "identity", ops.save_identity),
    "type": ("Type de candidature", "grouping", ops.save_grouping),
    "equipe": ("Équipe de professionnels", "team", ops.save_team),
    "note": ("Note d'intention", "note", ops.save_note),
    "budget": ("Budget prévisionnel", "budget", ops.save_budget),
}
# Which checklist rules tell whether a section is done.
SECTION_RULES = {
    "identite": ("identite", "agrement_ilgls", "territoire"),
    "type": (),
    "equipe": ("equipe_etp", "encadrement", "qualifications"),
    "note": ("note_intention",),
    "conventions": ("conventions",),
    "budget": ("budget_equilibre", "logements", "enveloppe_"),
    "pieces": ("piece_",),
}
DECIMAL = re.compile(r"^-?\d+\.\d+$")


def _candidate() -> None:
    require(has_role(current_user, R.CANDIDAT))


def _application(application_id: str) -> Application:
    application = db.session.get(Application, application_id)
    require(application is not None and ops.is_candidate(current_user, application))
    assert application is not None  # require() answered 404 otherwise
    return application


def _french(value):
    """Stored values as a French user types them: « 0,5 », « 42000,00 »."""
    if isinstance(value, dict):
        return {k: _french(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_french(v) for v in value]
    if isinstance(value, str) and DECIMAL.match(value):
        return value.replace(".", ",")
    return "" if value is None else value


@bp.route("/")
@login_required
def home():
    """The calls, the structure's applications, their status and published outcome."""
    _candidate()
    mine = {a.call_id: a for a in applications_of_structure(current_user.structure_id)}
    outcomes = {a.id: ops.published_outcome(a, today_paris()) for a in mine.values()}
    return render_template("applications/home.html", calls=open_calls(), mine=mine,
                           outcomes=outcomes)


@bp.route("/appels/<call_id>/commencer", methods=["POST"])
@login_required
def start(call_id):
    _candidate()
    try:
        application = ops.start(db.session.get(CallForApplications, call_id), current_user)
    except OperationError as error:
        flash(page_errors(error)[0].get("_schema", ""), "error")
        return redirect(url_for("applications.home"))
    return redirect(url_for("applications.show", application_id=application.id))


def section_statuses(application: Application, result) -> list[tuple[str, str, str, str]]:
    """(key, title, url, status) of the task list."""
    def status(rules: tuple[str, ...]) -> str:
        found = [c for c in result.checks if any(c.key.startswith(r) for r in rules)]
        if any(c.status == "a_corriger" for c in found):
            return "À corriger"
        return "Terminé" if all(c.ok for c in found) else "À compléter"

    rows = [(key, title, url_for("applications.section", application_id=application.id,
                                  section=key), status(SECTION_RULES[key]))
            for key, (title, _, _) in SECTIONS.items()]
    rows[1] = (*rows[1][:3], "Terminé" if (application.grouping or {}).get("type")
               else "À compléter")
    if (application.grouping or {}).get("type") == V.GROUPED:
        rows.insert(3, ("conventions", "Conventions de mise à disposition",
                        url_for("applications.conventions", application_id=application.id),
                        status(SECTION_RULES["conventions"])))
    rows.append(("pieces", "Pièces à joindre", url_for("applications.pieces",
                                                        application_id=application.id),
                 status(SECTION_RULES["pieces"])))
    return rows


@bp.route("/<application_id>/")
@login_required
def show(application_id):
    application = _application(application_id)
    result = checklist(application)
    return render_template(
        "applications/show.html", application=application, result=result,
        sections=section_statuses(application, result), open=application.call.is_open(),
        dossier=dossier_entry(application), receipt=receipt_entry(application),
        changed=ops.changed_since_submission(application),
        outcome=ops.published_outcome(application, today_paris()), key=str(uuid.uuid4()))


def _section_form(application: Application, section: str) -> type[Form]:
    if section == "identite":
        return IdentityForm
    if section == "type":
        return GroupingForm
    if section == "note":
        return NoteForm
    if section == "equipe":
        names = employer_names(application)
        employers = [(V.CARRIER, f"{names[V.CARRIER]} (structure porteuse)")] + [
            (m["siret"], m["denomination"]) for m in members(application)]
        return make_team_form(employers, funder_columns(application.call))
    return make_budget_form(funder_columns(application.call), CHARGE_ACCOUNTS,
                            PRODUIT_ACCOUNTS, CONTRIBUTION_ACCOUNTS)


def _stored(application: Application, section: str) -> dict:
    value = getattr(application, SECTIONS[section][1]) or {}
    return _french({"postes": value} if section == "equipe" else value)


@bp.route("/<application_id>/<section>", methods=["GET", "POST"])
@login_required
def section(application_id, section):
    application = _application(application_id)
    if section not in SECTIONS:
        abort(404)
    title, _, operation = SECTIONS[section]
    form_class = _section_form(application, section)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        raw = form_to_dict(form_class(request.form))
        action = request.form.get("action", "")
        if action.startswith(("add:", "remove:")):
            form = form_class(data=apply_list_action(raw, action))
            return _section_page(application, section, title, form, errors, 200)
        try:
            operation(application, raw, current_user, _version())
        except OperationError as error:
            errors, status = page_errors(error)
            form = form_class(data=raw)
        else:
            flash(f"{title} : enregistré.", "success")
            return redirect(url_for("applications.show", application_id=application.id))
    else:
        form = form_class(data=_stored(application, section))
    return _section_page(application, section, title, form, errors, status)


def _section_page(application, section, title, form, errors, status):
    wording = call_wording(application.call)
    for field in form:  # labels and hints that name the call's figures
        if "{" in field.label.text:
            field.label.text = field.label.text.format(**wording)
        if "{" in (field.description or ""):
            field.description = field.description.format(**wording)
    return render_template("applications/section.html", application=application,
                           section=section, title=title, form=form, errors=errors,
                           labels=field_labels(form), wording=wording,
                           columns=funder_columns(application.call)), status


def _version() -> int | None:
    value = request.form.get("version", "")
    return int(value) if value.isdigit() else None


@bp.route("/<application_id>/conventions")
@login_required
def conventions(application_id):
    application = _application(application_id)
    names = employer_names(application)
    lenders = [(siret, names[siret], bool((application.conventions or {}).get(siret)))
               for siret in lending_members(application)]
    return render_template("applications/conventions.html", application=application,
                           lenders=lenders)


@bp.route("/<application_id>/conventions/<member_siret>", methods=["GET", "POST"])
@login_required
def convention(application_id, member_siret):
    application = _application(application_id)
    require(member_siret in lending_members(application))
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form = ConventionForm(request.form)
        try:
            ops.save_convention(application, member_siret, form_to_dict(form), current_user,
                                _version())
        except OperationError as error:
            errors, status = page_errors(error)
        else:
            flash("Convention enregistrée.", "success")
            return redirect(url_for("applications.conventions", application_id=application.id))
    else:
        form = ConventionForm(data=_french((application.conventions or {}).get(member_siret,
                                                                               {})))
    name = employer_names(application)[member_siret]
    return render_template("applications/section.html", application=application,
                           section="convention", title=f"Convention avec {name}", form=form,
                           errors=errors, labels=field_labels(form), columns=[]), status


@bp.route("/<application_id>/pieces", methods=["GET", "POST"])
@login_required
def pieces(application_id):
    application = _application(application_id)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        piece_key = request.form.get("piece", "")
        upload = request.files.get("fichier")
        try:
            ops.add_piece(application, piece_key, upload.read() if upload else b"",
                          upload.filename if upload else None, current_user)
        except OperationError as error:
            found, status = page_errors(error, anchor="fichier")
            errors = {f"fichier-{piece_key}": found.get("fichier") or found.get("_schema")}
        else:
            flash("Fichier vérifié et joint au dossier.", "success")
            return redirect(url_for("applications.pieces", application_id=application.id,
                                    _anchor=f"piece-{piece_key}"))
    keys = ops.upload_pieces(application.call)
    required = {p["key"]: p["required"] for p in application.call.pieces}
    grouped = (application.grouping or {}).get("type") == V.GROUPED
    listed = [(key, V.PIECES[key][0], [p for p in application.pieces if p.piece_key == key],
               required[key] == V.ALWAYS or grouped) for key in keys]
    labels = {f"fichier-{key}": title for key, title, _, _ in listed}
    return render_template("applications/pieces.html", application=application,
                           pieces=listed, errors=errors, labels=labels,
                           max_files=ops.MAX_FILES_PER_PIECE,
                           dossier_files=ops.MAX_DOSSIER_FILES,
                           dossier_mb=ops.MAX_DOSSIER_MB), status


@bp.route("/<application_id>/pieces/<piece_id>/retirer", methods=["POST"])
@login_required
def remove_piece(application_id, piece_id):
    application = _application(application_id)
    try:
        ops.remove_piece(application, piece_id, current_user)
    except OperationError as error:
        page_errors(error)
    flash("Fichier retiré du dossier.", "success")
    return redirect(url_for("applications.pieces", application_id=application.id))


@bp.route("/<application_id>/verification")
@login_required
def check(application_id):
    application = _application(application_id)
    return render_template("applications/checklist.html", application=application,
                           result=checklist(application), labels=CHECK_LABELS)


@bp.route("/<application_id>/apercu", methods=["POST"])
@login_required
def preview(application_id):
    """The assembly of a preview is a job: its page follows the progress, then offers the PDF."""
    application = _application(application_id)
    job = ops.request_preview(application, current_user, _request_key())
    return redirect(next_page(job))


def _request_key() -> str:
    """The form's one-time key (a double click is one request); a missing one is a new key."""
    key = request.form.get("idempotency_key", "")[:80]
    return key or str(uuid.uuid4())


@bp.route("/<application_id>/depot", methods=["GET", "POST"])
@login_required
def submit(application_id):
    application = _application(application_id)
    result = checklist(application)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            job = ops.request_submission(application, current_user, _request_key(),
                                         confirm=request.form.get("confirmation") == "oui")
        except OperationError as error:
            errors, status = page_errors(error, anchor="confirmation")
        else:
            if job.state == FAILED:
                return redirect(url_for("jobs.show", job_id=job.id))
            if job.finished:
                flash("Dossier déposé : votre accusé de réception est prêt.", "success")
            return redirect(next_page(job))
    return render_template("applications/submit.html", application=application, result=result,
                           open=application.call.is_open(), errors=errors,
                           key=str(uuid.uuid4()),
                           labels={"confirmation": "Confirmation"}), status


@bp.route("/<application_id>/depose")
@login_required
def submitted(application_id):
    application = _application(application_id)
    require(application.submitted)
    return render_template("applications/submitted.html", application=application,
                           dossier=dossier_entry(application),
                           receipt=receipt_entry(application))
