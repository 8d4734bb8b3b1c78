"""Recording the household's path: contacts and the support period."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from marshmallow import ValidationError
from sqlalchemy import select

from forms.path import (
    ContactForm,
    DroitDeSuiteForm,
    ExaminationForm,
    SupportForm,
    TeamMemberForm,
    TenancyForm,
)
from service.auth import roles as R
from service.auth.models import User
from service.auth.policy import can_record_path, require
from service.auth.roles import LABELS as ROLE_LABELS
from service.extensions import db
from service.households.models import Household
from service.households.path import Contact, DroitDeSuite, TeamMember
from service.households.schemas import (
    ContactSchema,
    DroitDeSuiteSchema,
    ExaminationSchema,
    SupportSchema,
    TeamMemberSchema,
    TenancySchema,
)
from service.households.service import (
    latest_support,
    latest_tenancy,
    save_support,
    save_tenancy,
)
from service.ids import new_id
from service.registry import audit
from service.timeutil import today_paris
from service.web.formdata import flatten_errors, form_to_dict

bp = Blueprint("path", __name__, url_prefix="/menages/<household_id>")


def _household(household_id: str) -> Household:
    household = db.session.get(Household, household_id)
    require(household is not None and can_record_path(current_user, household))
    return household


def _team(household: Household) -> list[User]:
    return db.session.execute(
        select(User).where(User.structure_id == household.team_structure_id, User.active)
        .order_by(User.full_name)).scalars().all()


@bp.route("/contacts/nouveau", methods=["GET", "POST"])
@login_required
def new_contact(household_id):
    household = _household(household_id)
    team = {u.id: u.full_name for u in _team(household)}
    form = ContactForm(request.form if request.method == "POST" else None,
                       data=None if request.method == "POST" else {
                           "professionals": [current_user.id]})
    form.professionals.choices = list(team.items())
    errors = {}
    if request.method == "POST":
        try:
            data = ContactSchema().load(form_to_dict(form))
            if set(data["professionals"]) - team.keys():
                raise ValidationError({"professionals": ["Choisissez parmi l'équipe."]})
        except ValidationError as exc:
            errors = flatten_errors(exc.messages)
        else:
            contact = Contact(id=new_id(), household_id=household.id,
                              recorded_by_id=current_user.id, **data)
            db.session.add(contact)
            audit.record("create", "contact", contact.id, household.id)
            db.session.commit()
            flash("Contact enregistré.", "success")
            return redirect(url_for("households.show", household_id=household.id))
    return render_template("households/path_form.html", household=household, form=form,
                           errors=errors, title="Enregistrer un contact"), (422 if errors else 200)


@bp.route("/accompagnement", methods=["GET", "POST"])
@login_required
def support(household_id):
    household = _household(household_id)
    period = latest_support(household.id)
    current = {k: getattr(period, k) for k in ("start", "planned_end", "nurse_first_meeting",
                                               "end_date", "end_reason", "destination")} \
        if period else {}
    form = SupportForm(request.form if request.method == "POST" else None,
                       data={k: _as_text(v) for k, v in current.items()})
    errors = {}
    if request.method == "POST":
        try:
            data = SupportSchema().load(form_to_dict(form))
        except ValidationError as exc:
            errors = flatten_errors(exc.messages)
        else:
            save_support(household.id, data, current_user)
            flash("Accompagnement enregistré.", "success")
            return redirect(url_for("households.show", household_id=household.id))
    return render_template("households/path_form.html", household=household, form=form,
                           errors=errors, title="Accompagnement"), (422 if errors else 200)


@bp.route("/logement", methods=["GET", "POST"])
@login_required
def tenancy(household_id):
    """The dwelling and its lease: CALEOL, entry, rent, bail glissant convention, glissement."""
    household = _household(household_id)
    current = latest_tenancy(household.id)
    fields = TenancyForm()._fields.keys()
    stored = {k: getattr(current, k) for k in fields} if current else {}
    form = TenancyForm(request.form if request.method == "POST" else None,
                       data={k: _as_text(v) for k, v in stored.items()})
    errors = {}
    if request.method == "POST":
        try:
            data = TenancySchema().load(form_to_dict(form))
        except ValidationError as exc:
            errors = flatten_errors(exc.messages)
        else:
            save_tenancy(household.id, data, current_user)
            flash("Logement enregistré.", "success")
            return redirect(url_for("households.show", household_id=household.id))
    return render_template("households/path_form.html", household=household, form=form,
                           errors=errors, title="Logement et bail"), (422 if errors else 200)


def _as_text(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


@bp.route("/droit-de-suite", methods=["GET", "POST"])
@login_required
def droit_de_suite(household_id):
    """A request after the end of support, from the landlord or the tenant."""
    household = _household(household_id)
    form = DroitDeSuiteForm(request.form if request.method == "POST" else None)
    errors = {}
    if request.method == "POST":
        try:
            data = DroitDeSuiteSchema().load(form_to_dict(form))
        except ValidationError as exc:
            errors = flatten_errors(exc.messages)
        else:
            row = DroitDeSuite(id=new_id(), household_id=household.id, **data)
            db.session.add(row)
            audit.record("create", "droit_de_suite", row.id, household.id)
            db.session.commit()
            flash("Droit de suite enregistré ; pensez à informer la Plateforme.", "success")
            return redirect(url_for("households.show", household_id=household.id))
    return render_template("households/path_form.html", household=household, form=form,
                           errors=errors, title="Droit de suite"), (422 if errors else 200)


@bp.route("/equipe", methods=["GET", "POST"])
@login_required
def team(household_id):
    """Multi-référence: the professionals who follow the household, one of them coordinating."""
    household = _household(household_id)
    candidates = {u.id: f"{u.full_name} ({ROLE_LABELS[u.role]})" for u in _team(household)
                  if u.role in (R.ACCOMPAGNANT, R.INFIRMIER, R.ENCADRANT)}
    candidates.update({u.id: f"{u.full_name} ({ROLE_LABELS[u.role]})" for u in db.session.execute(
        select(User).where(User.role == R.INFIRMIER, User.active)).scalars()})
    form = TeamMemberForm(request.form if request.method == "POST" else None)
    form.user_id.choices = [("", "— Choisir —"), *candidates.items()]
    errors = {}
    if request.method == "POST":
        try:
            data = TeamMemberSchema().load(form_to_dict(form))
            if data["user_id"] not in candidates:
                raise ValidationError({"user_id": ["Choisissez un professionnel de la liste."]})
        except ValidationError as exc:
            errors = flatten_errors(exc.messages)
        else:
            members = _members(household)
            if data["coordinating"]:
                for member in members:
                    member.coordinating = False
            existing = next((m for m in members if m.user_id == data["user_id"]), None)
            if existing is None:
                existing = TeamMember(id=new_id(), household_id=household.id,
                                      user_id=data["user_id"], since=today_paris())
                db.session.add(existing)
            existing.coordinating = data["coordinating"] or existing.coordinating
            audit.record("update", "team", household.id, household.id)
            db.session.commit()
            flash("Équipe mise à jour.", "success")
            return redirect(url_for("households.show", household_id=household.id))
    return render_template("households/path_form.html", household=household, form=form,
                           errors=errors, title="Équipe qui suit le ménage"), \
        (422 if errors else 200)


def _members(household: Household) -> list[TeamMember]:
    return db.session.execute(
        select(TeamMember).where(TeamMember.household_id == household.id)).scalars().all()


@bp.route("/logement/examens", methods=["GET", "POST"])
@login_required
def examination(household_id):
    """A periodic examination of the bail glissant convention (L442-8-3 CCH)."""
    household = _household(household_id)
    tenancy = latest_tenancy(household.id)
    require(tenancy is not None and tenancy.contract == "sous_location_bail_glissant")
    form = ExaminationForm(request.form if request.method == "POST" else None)
    errors = {}
    if request.method == "POST":
        try:
            data = ExaminationSchema().load(form_to_dict(form))
        except ValidationError as exc:
            errors = flatten_errors(exc.messages)
        else:
            tenancy.examinations = [*(tenancy.examinations or []),
                                    {**data, "on": data["on"].isoformat()}]
            audit.record("update", "tenancy", tenancy.id, household.id, examination=True)
            db.session.commit()
            flash("Examen périodique enregistré.", "success")
            return redirect(url_for("households.show", household_id=household.id))
    return render_template("households/path_form.html", household=household, form=form,
                           errors=errors, title="Examen périodique du bail glissant"), \
        (422 if errors else 200)
