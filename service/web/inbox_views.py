"""The Plateforme's inbox of received fiches de lien and its decisions."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from forms.decision import DecisionForm
from service import kinds
from service.auth.models import Structure
from service.auth.policy import can_decide, can_use_inbox, can_view_referral, require
from service.extensions import db
from service.operations.errors import OperationError
from service.operations.referrals import check_decision, decide, opened
from service.referrals.models import DECISIONS, RECUE, REFUSAL_REASONS, STATUSES, Referral
from service.referrals.service import accompanying_teams, latest_entry
from service.registry.models import RegistryEntry
from service.rendering.typography import NBSP, plural
from service.timeutil import PARIS, today_paris
from service.web.formdata import answers, section_form
from service.web.operation_errors import page_errors
from service.web.pagination import paginate

bp = Blueprint("inbox", __name__, url_prefix="/plateforme")


def _day(value: str | None):
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@bp.route("/fiches")
@login_required
def index():
    require(can_use_inbox(current_user))
    status = request.args.get("statut", "")
    structure_id = request.args.get("structure", "")
    start, end = _day(request.args.get("du")), _day(request.args.get("au"))
    # One statement per table whatever the number of fiches shown (structures, households).
    query = (select(Referral).options(selectinload(Referral.structure),
                                      selectinload(Referral.household))
             .order_by(Referral.received_at.desc(), Referral.id.desc()))
    if status in STATUSES:
        query = query.where(Referral.status == status)
    if structure_id:
        query = query.where(Referral.structure_id == structure_id)
    if start:
        query = query.where(Referral.received_at >= datetime.combine(start, time(), PARIS))
    if end:
        query = query.where(
            Referral.received_at < datetime.combine(end + timedelta(days=1), time(), PARIS))
    page = paginate(query, key=Referral.id)
    referrals = page.items
    structures = db.session.execute(
        select(Structure).where(Structure.kind == "orienteur").order_by(Structure.name)
    ).scalars().all()
    return render_template("inbox/index.html", referrals=referrals, page=page, statuses=STATUSES,
                           structures=structures, filters={
                               "statut": status, "structure": structure_id,
                               "du": request.args.get("du", ""), "au": request.args.get("au", "")})


def _decision_form(formdata=None) -> DecisionForm:
    form = DecisionForm(formdata)
    form.decision.choices = list(DECISIONS.items())
    form.reason.choices = [("", "— Choisir —"), *REFUSAL_REASONS.items()]
    form.team_structure_id.choices = [("", "— Choisir —")] + [
        (s.id, s.name) for s in accompanying_teams()]
    return form


@bp.route("/fiches/<referral_id>", methods=["GET", "POST"])
@login_required
def show(referral_id):
    referral = db.session.get(Referral, referral_id)
    require(referral is not None and can_view_referral(current_user, referral)
            and can_use_inbox(current_user))
    form = _decision_form(request.form if request.method == "POST" else None)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        require(can_decide(current_user))
        choice = dict(decision=form.decision.data, reason=form.reason.data,
                      comment=form.comment.data, team_structure_id=form.team_structure_id.data,
                      # A page without the version read is as stale as an old one.
                      expected_version=request.form.get("version", -1, type=int))
        # The fiche page's form says it is the first step; its confirmation page does not.
        confirming = (choice["decision"] == "admis" and referral.household_id is None
                      and request.form.get("etape") == "choix")
        try:
            if confirming:  # admitting creates a household: ask first, change nothing yet
                check_decision(referral, choice.pop("decision"), current_user, **choice)
            else:
                decide(referral, choice.pop("decision"), current_user, **choice)
        except OperationError as error:
            errors, status = page_errors(error, anchor="decision")
        else:
            if confirming:
                return _confirm_admission(referral, form)
            flash(f"Décision enregistrée : {DECISIONS[form.decision.data]}.", "success")
            return redirect(url_for("inbox.show", referral_id=referral.id))
    entries = db.session.execute(
        select(RegistryEntry).where(RegistryEntry.series_id == referral.series_id)
        .order_by(RegistryEntry.version.desc())).scalars().all()
    latest = latest_entry(referral.series_id)
    opened(referral, current_user)
    return render_template("inbox/show.html", referral=referral, entries=entries, latest=latest,
                           form=form, errors=errors, statuses=STATUSES,
                           reasons=REFUSAL_REASONS, can_decide=can_decide(current_user),
                           blocks=_content(latest), waited=_waited(referral)), status


def _content(entry: RegistryEntry) -> list[dict]:
    """The fiche's answers, section by section, as on « Vérifiez vos réponses »."""
    kind = kinds.get(entry.kind)
    return [{"section": s, "rows": answers(section_form(kind, s.key,
                                                        data=entry.snapshot.get(s.key)))}
            for s in kind.sections]


def _waited(referral: Referral) -> str:
    """« depuis 12 jours » while waiting, « décidée après 3 jours » once decided."""
    received = referral.received_at.astimezone(PARIS).date()
    if referral.decided_at is not None and referral.status != RECUE:
        days = (referral.decided_at.astimezone(PARIS).date() - received).days
        return "décidée le jour de sa réception" if days == 0 else \
            f"décidée après {plural(days, 'jour').replace(' ', NBSP, 1)}"
    days = (today_paris() - received).days
    return "reçue aujourd'hui" if days == 0 else \
        f"en attente depuis {plural(days, 'jour').replace(' ', NBSP, 1)}"


def _confirm_admission(referral: Referral, form: DecisionForm):
    """What admitting will do, before it is done: a household, entrusted to this team."""
    team = next((name for value, name in form.team_structure_id.choices
                 if value == form.team_structure_id.data), "")
    return render_template("inbox/confirm_admission.html", referral=referral, form=form,
                           team=team, version=request.form.get("version", ""))
