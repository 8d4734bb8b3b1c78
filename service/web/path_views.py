"""Recording the household's path: contacts, support period, tenancy, examinations, team."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms import Form

from forms.path import (
    ContactForm,
    DroitDeSuiteForm,
    ExaminationForm,
    SupportForm,
    TeamMemberForm,
    TenancyForm,
)
from service.auth.policy import can_record_path, require
from service.auth.roles import LABELS as ROLE_LABELS
from service.extensions import db
from service.households.models import Household
from service.households.service import (
    examinable_tenancy,
    latest_support,
    latest_tenancy,
    referent_candidates,
    team_professionals,
)
from service.operations import path as operations
from service.operations.errors import OperationError
from service.web.formdata import field_labels, form_to_dict
from service.web.operation_errors import page_errors

bp = Blueprint("path", __name__, url_prefix="/menages/<household_id>")
SUPPORT_FIELDS = ("start", "planned_end", "nurse_first_meeting", "end_date", "end_reason",
                  "destination")


def _household(household_id: str) -> Household:
    household = db.session.get(Household, household_id)
    require(household is not None and can_record_path(current_user, household))
    assert household is not None  # require() answered 404 otherwise
    return household


def _form_page(household: Household, form: Form, title: str,
               operation: Callable[[Household, dict, object], object], done: str):
    """Show the form; on POST, hand its answers to the operation and show what it refused."""
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            operation(household, form_to_dict(form), current_user)
        except OperationError as error:
            errors, status = page_errors(error)
        else:
            flash(done, "success")
            return redirect(url_for("households.show", household_id=household.id))
    return render_template("households/path_form.html", household=household, form=form,
                           errors=errors, labels=field_labels(form), title=title), status


def _posted():
    return request.form if request.method == "POST" else None


def _as_text(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


@bp.route("/contacts/nouveau", methods=["GET", "POST"])
@login_required
def new_contact(household_id):
    household = _household(household_id)
    form = ContactForm(_posted(), data=None if request.method == "POST" else {
        "professionals": [current_user.id]})
    form.professionals.choices = [(u.id, u.full_name) for u in team_professionals(household)]
    return _form_page(household, form, "Enregistrer un contact", operations.record_contact,
                      "Contact enregistré.")


@bp.route("/accompagnement", methods=["GET", "POST"])
@login_required
def support(household_id):
    household = _household(household_id)
    period = latest_support(household.id)
    stored = {k: _as_text(getattr(period, k)) for k in SUPPORT_FIELDS} if period else {}
    return _form_page(household, SupportForm(_posted(), data=stored), "Accompagnement",
                      operations.save_support, "Accompagnement enregistré.")


@bp.route("/logement", methods=["GET", "POST"])
@login_required
def tenancy(household_id):
    """The dwelling and its lease: CALEOL, entry, rent, bail glissant convention, glissement."""
    household = _household(household_id)
    current = latest_tenancy(household.id)
    stored = {k: _as_text(getattr(current, k)) for k in TenancyForm()._fields} if current else {}
    return _form_page(household, TenancyForm(_posted(), data=stored), "Logement et bail",
                      operations.save_tenancy, "Logement enregistré.")


@bp.route("/droit-de-suite", methods=["GET", "POST"])
@login_required
def droit_de_suite(household_id):
    """A request after the end of support, from the landlord or the tenant."""
    household = _household(household_id)
    return _form_page(household, DroitDeSuiteForm(_posted()), "Droit de suite",
                      operations.record_droit_de_suite,
                      "Droit de suite enregistré ; pensez à informer la Plateforme.")


@bp.route("/equipe", methods=["GET", "POST"])
@login_required
def team(household_id):
    """Multi-référence: the professionals who follow the household, one of them coordinating."""
    household = _household(household_id)
    form = TeamMemberForm(_posted())
    form.user_id.choices = [("", "— Choisir —"), *(
        (u.id, f"{u.full_name} ({ROLE_LABELS[u.role]})") for u in referent_candidates(household))]
    return _form_page(household, form, "Équipe qui suit le ménage", operations.set_team,
                      "Équipe mise à jour.")


@bp.route("/logement/examens", methods=["GET", "POST"])
@login_required
def examination(household_id):
    """A periodic examination of the bail glissant convention (L442-8-3 CCH)."""
    household = _household(household_id)
    require(examinable_tenancy(household.id) is not None)  # the page exists for a bail glissant
    return _form_page(household, ExaminationForm(_posted()),
                      "Examen périodique du bail glissant", operations.record_examination,
                      "Examen périodique enregistré.")
