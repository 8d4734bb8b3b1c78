"""Pages of the bilans' records (team lead and gestion locative): each lists the exercise's
rows and takes a new one through its operation; the ledger also imports a year's CSV."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import Form

from forms.reporting import (
    CollectiveActionForm,
    ExpenseForm,
    ForecastLineForm,
    GapExplanationForm,
    ImportForm,
    PracticeSessionForm,
    StaffPostForm,
)
from service.auth.policy import can_keep_bilan_records, require
from service.extensions import db
from service.finance.forecast import ForecastLine, GapExplanation
from service.finance.ledger import Expense
from service.finance.schemas import ACCOUNT_CHOICES, FORECAST_CHOICES
from service.finance.vocabulary import (
    EXPENSE_CATEGORIES,
    FUNDER_LABELS,
    FUNDERS,
    TARGET_ETP,
    TARGET_MANAGEMENT_ETP,
)
from service.households.models import Household
from service.operations import reporting as operations
from service.operations.errors import OperationError
from service.rendering.formatting import date_short, money, number
from service.reporting.bilan_financier import SCOPES
from service.reporting.records import CollectiveAction, PracticeSession, StaffPost
from service.reporting.vocabulary import COLLECTIVE_KINDS, POSTS
from service.timeutil import today_paris
from service.web.formdata import field_labels, form_to_dict
from service.web.operation_errors import page_errors

bp = Blueprint("bilan_records", __name__, url_prefix="/bilans/donnees")
CATEGORY_LABELS, POST_LABELS = dict(EXPENSE_CATEGORIES), dict(POSTS)
KIND_LABELS = dict(COLLECTIVE_KINDS)
ACCOUNT_LABELS = dict(FORECAST_CHOICES)


def _keeper() -> None:
    require(can_keep_bilan_records(current_user))


def _posted():
    return request.form if request.method == "POST" else None


def _year() -> int:
    return request.args.get("annee", today_paris().year, type=int)


def _page(title: str, form: Form, operation: Callable, rows: list[list[str]],
          headings: list[str], done: str, endpoint: str, intro: str = "", extra=None,
          multipart: bool = False):
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            operation(form)
        except OperationError as error:
            errors, status = page_errors(error)
        else:
            flash(done, "success")
            return redirect(url_for(endpoint, annee=_year()))
    return render_template("bilans/records.html", title=title, form=form, errors=errors,
                           labels=field_labels(form), rows=rows, headings=headings,
                           intro=intro, year=_year(), extra=extra or {},
                           multipart=multipart), status


def _of_structure(model, column, year: int):
    start, end = date(year, 1, 1), date(year, 12, 31)
    return list(db.session.execute(
        select(model).where(model.structure_id == current_user.structure_id,
                            column >= start, column <= end).order_by(column)).scalars())


@bp.route("/depenses", methods=["GET", "POST"])
@login_required
def expenses():
    _keeper()
    form = ExpenseForm(_posted())
    form.category.choices = [("", "— Choisir —"), *EXPENSE_CATEGORIES]
    form.account.choices = [("", "— Choisir —"), *ACCOUNT_CHOICES]
    form.funder.choices = [("", "— Choisir —"), *FUNDERS]
    rows = _of_structure(Expense, Expense.on, _year())
    references = dict(db.session.execute(select(Household.id, Household.reference).where(
        Household.id.in_({e.household_id for e in rows if e.household_id}))).all())

    def record(form):
        upload = request.files.get("justificatif")
        data = upload.read() if upload and upload.filename else None
        operations.record_expense(current_user, form_to_dict(form), data,
                                  upload.filename if upload else None)

    table = [[date_short(e.on), money(e.amount), CATEGORY_LABELS.get(e.category, e.category),
              e.account, FUNDER_LABELS.get(e.funder, e.funder), e.label,
              references.get(e.household_id, ""), e.id if e.supporting_sha256 else ""]
             for e in rows]
    return _page("Dépenses (grand livre)", form, record, table,
                 ["Date", "Montant", "Nature", "Compte", "Financement", "Libellé", "Ménage",
                  "Justificatif"], "Dépense enregistrée.", "bilan_records.expenses",
                 extra={"import_form": ImportForm(), "total": money(sum(
                     (e.amount for e in rows), 0))}, multipart=True)


@bp.route("/depenses/import", methods=["POST"])
@login_required
def import_expenses():
    _keeper()
    upload = request.files.get("fichier")
    try:
        done = operations.import_expenses(current_user, upload.read() if upload else b"")
    except OperationError as error:
        answer = page_errors(error, anchor="fichier")
        problems = (getattr(error, "fields", {}) or {}).get("fichier", [])
        return render_template("bilans/import_errors.html", message=error.message,
                               problems=problems, year=_year()), answer[1]
    flash(f"{number(done.count)} dépense(s) importée(s).", "success")
    return redirect(url_for("bilan_records.expenses", annee=_year()))


@bp.route("/depenses/<expense_id>/justificatif")
@login_required
def supporting(expense_id):
    try:
        expense, data = operations.supporting_pdf(current_user, expense_id)
    except OperationError as error:
        page_errors(error)
        raise
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="justificatif-{expense.on}.pdf"'})


@bp.route("/equipe", methods=["GET", "POST"])
@login_required
def staff():
    _keeper()
    form = StaffPostForm(_posted(), data=None if request.method == "POST" else {
        "year": str(_year())})
    form.post.choices = [("", "— Choisir —"), *POSTS]
    form.funder.choices = [("", "— Choisir —"), *FUNDERS]
    rows = list(db.session.execute(select(StaffPost).where(
        StaffPost.structure_id == current_user.structure_id, StaffPost.year == _year())
        .order_by(StaffPost.post)).scalars())
    table = [[POST_LABELS.get(p.post, p.post), p.label or "", number(p.etp, 2),
              number(p.months, 1), number(p.etp * p.months / 12, 2)] for p in rows]
    return _page("Équipe : postes et temps de travail", form,
                 lambda f: operations.record_staff_post(current_user, form_to_dict(f)), table,
                 ["Poste", "Intitulé", "ETP", "Mois pourvus", "ETP réalisés"],
                 "Poste enregistré.", "bilan_records.staff",
                 intro=f"ETP réalisés : ETP × mois pourvus ÷ 12 ; l'appel à candidatures "
                       f"attend {number(TARGET_ETP)} ETP dont "
                       f"{number(TARGET_MANAGEMENT_ETP, 1)} ETP d'encadrement au moins.")


@bp.route("/actions-collectives", methods=["GET", "POST"])
@login_required
def actions():
    _keeper()
    form = CollectiveActionForm(_posted())
    form.kind.choices = [("", "— Choisir —"), *COLLECTIVE_KINDS]
    rows = _of_structure(CollectiveAction, CollectiveAction.on, _year())
    table = [[date_short(a.on), KIND_LABELS.get(a.kind, a.kind), a.title,
              number(a.participants)] for a in rows]
    return _page("Actions collectives", form,
                 lambda f: operations.record_collective_action(current_user, form_to_dict(f)),
                 table, ["Date", "Type", "Intitulé", "Participants"], "Action enregistrée.",
                 "bilan_records.actions")


@bp.route("/analyse-de-pratiques", methods=["GET", "POST"])
@login_required
def practice():
    _keeper()
    team = operations.team_professionals(current_user)
    form = PracticeSessionForm(_posted(), data=None if request.method == "POST" else {
        "expected": str(len(team))})
    form.attendees.choices = [(u.id, u.full_name) for u in team]
    rows = _of_structure(PracticeSession, PracticeSession.on, _year())
    table = [[date_short(s.on), s.facilitator or "", number(s.expected)] for s in rows]
    return _page("Analyse de pratiques professionnelles", form,
                 lambda f: operations.record_practice_session(current_user, form_to_dict(f)),
                 table, ["Date", "Intervenant", "Attendus"], "Séance enregistrée.",
                 "bilan_records.practice",
                 intro="La participation de l'équipe aux séances mensuelles est obligatoire.")


@bp.route("/previsions", methods=["GET", "POST"])
@login_required
def forecasts():
    _keeper()
    form = ForecastLineForm(_posted(), data=None if request.method == "POST" else {
        "year": str(_year())})
    form.funder.choices = [("", "— Choisir —"), *FUNDERS]
    form.account.choices = [("", "— Choisir —"), *FORECAST_CHOICES]
    rows = list(db.session.execute(select(ForecastLine).where(
        ForecastLine.structure_id == current_user.structure_id, ForecastLine.year == _year())
        .order_by(ForecastLine.funder, ForecastLine.account)).scalars())
    gaps = list(db.session.execute(select(GapExplanation).where(
        GapExplanation.structure_id == current_user.structure_id)
        .order_by(GapExplanation.period.desc())).scalars())
    gap_form = GapExplanationForm(data={"debut": f"{_year()}-01-01", "fin": f"{_year()}-12-31"})
    gap_form.scope.choices = [(s.code, s.title) for s in SCOPES]
    gap_form.account.choices = [("", "— Choisir —"), *FORECAST_CHOICES]
    table = [[FUNDER_LABELS.get(r.funder, r.funder), ACCOUNT_LABELS.get(r.account, r.account),
              money(r.amount)] for r in rows]
    return _page("Prévisions et écarts", form,
                 lambda f: operations.save_forecast_line(current_user, form_to_dict(f)), table,
                 ["Financement", "Compte", "Prévu"], "Prévision enregistrée.",
                 "bilan_records.forecasts",
                 intro="Sans budget prévisionnel retenu dans le service, la colonne « Prévision » "
                       "du bilan financier vient de ces lignes.",
                 extra={"gap_form": gap_form, "gaps": gaps,
                        "scopes": {s.code: s.title for s in SCOPES}})


@bp.route("/ecarts", methods=["POST"])
@login_required
def gap():
    _keeper()
    form = GapExplanationForm(request.form)
    form.scope.choices = [(s.code, s.title) for s in SCOPES]
    form.account.choices = FORECAST_CHOICES
    try:
        operations.save_gap_explanation(current_user, form_to_dict(form))
    except OperationError as error:
        errors, status = page_errors(error)
        return render_template("bilans/import_errors.html", message=error.message,
                               problems=list(errors.values()), year=_year()), status
    flash("Explication enregistrée.", "success")
    return redirect(url_for("bilan_records.forecasts", annee=_year()))
