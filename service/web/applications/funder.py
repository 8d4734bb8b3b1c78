"""The funders' pages (role financeur: DDETS, Métropole): the submitted dossiers of a call, their
comparison with an XLSX export, and the outcome of each application."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forms.applications import OutcomeForm
from service.applications import comparison
from service.applications.checklist import LABELS as CHECK_LABELS
from service.applications.service import (
    calls_instructed_by,
    checklist_of_snapshot,
    dossier_entry,
    receipt_entry,
)
from service.attachments import attachment
from service.auth import roles as R
from service.auth.policy import has_role, require
from service.extensions import db
from service.operations import applications as ops
from service.operations.errors import OperationError
from service.registry import audit
from service.rendering.formatting import date_fr
from service.web.formdata import field_labels, form_to_dict
from service.web.operation_errors import page_errors

bp = Blueprint("funding", __name__, url_prefix="/appels")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _funder() -> None:
    require(has_role(current_user, R.FINANCEUR, R.ADMIN))


def _call(call_id: str):
    _funder()
    try:
        return ops.call_for(current_user, call_id)
    except OperationError as error:
        page_errors(error)  # 404
        raise


@bp.route("/")
@login_required
def index():
    _funder()
    calls = calls_instructed_by(current_user)
    counts = {c.id: len(comparison.submitted_applications(c)) for c in calls}
    return render_template("funding/index.html", calls=calls, counts=counts)


@bp.route("/<call_id>/")
@login_required
def dossiers(call_id):
    call = _call(call_id)
    found = comparison.rows(call)
    return render_template("funding/dossiers.html", call=call, rows=found,
                           checklist_text=comparison.checklist_text)


@bp.route("/<call_id>/comparaison")
@login_required
def compare(call_id):
    call = _call(call_id)
    found = comparison.rows(call)
    audit.record("view", "call_comparison", call.id, user=current_user)
    db.session.commit()
    return render_template("funding/compare.html", call=call, rows=found,
                           funders=comparison.funder_columns(call),
                           diplomas=comparison.QUALIFICATIONS,
                           checklist_text=comparison.checklist_text)


@bp.route("/<call_id>/comparaison.xlsx")
@login_required
def compare_xlsx(call_id):
    call = _call(call_id)
    data = comparison.xlsx(call, comparison.rows(call))
    audit.record("download", "call_comparison", call.id, user=current_user, format="xlsx")
    db.session.commit()
    return attachment(data, XLSX, f"Comparaison des candidatures – {call.reference}.xlsx")


@bp.route("/<call_id>/dossiers/<application_id>", methods=["GET", "POST"])
@login_required
def dossier(call_id, application_id):
    """One submitted dossier: what was registered, its checklist, its files, the outcome."""
    call = _call(call_id)
    try:
        application = ops.submitted_in(call, application_id, current_user)
    except OperationError as error:
        page_errors(error)
        raise
    errors: dict[str, str] = {}
    status = 200
    form = OutcomeForm(request.form if request.method == "POST" else None,
                       data={"outcome": application.outcome or "",
                             "reason": application.outcome_reason or ""})
    if request.method == "POST":
        try:
            ops.record_outcome(application, form_to_dict(form), current_user)
        except OperationError as error:
            errors, status = page_errors(error)
        else:
            flash("Résultat enregistré : la structure le verra à partir du "
                  f"{date_fr(call.results_on)}.", "success")
            return redirect(url_for("funding.dossier", call_id=call.id,
                                    application_id=application.id))
    entry = dossier_entry(application)
    if request.method == "GET":
        audit.record("view", "application", application.id, user=current_user,
                     dossier=entry.id)
        db.session.commit()
    result = checklist_of_snapshot(entry.snapshot)
    return render_template("funding/dossier.html", call=call, application=application,
                           entry=entry, receipt=receipt_entry(application), result=result,
                           labels=CHECK_LABELS, form=form, errors=errors,
                           form_labels=field_labels(form),
                           can_decide=has_role(current_user, R.FINANCEUR)), status
