"""API of the bilans and their records: expenses (one, or a year's CSV), staff posts,
collective actions, practice sessions, forecasts and gap explanations; the bilans a caller may
read, their figures (small counts hidden but for the team lead) and the households behind one
figure (the team lead only); the pseudonymous export per household."""

from __future__ import annotations

from datetime import date

from flask import Response, g, request
from flask_smorest import Blueprint

from service.api import errors
from service.api.auth import require_token
from service.auth import roles as R
from service.auth.policy import has_role
from service.auth.policy import require as require_found
from service.extensions import db
from service.operations import reporting as operations
from service.operations.errors import Invalid, OperationError
from service.registry import audit
from service.reporting import export
from service.reporting.framework import Scope
from service.reporting.reading import figures, readable_bilans, traced
from service.timeutil import today_paris

blp = Blueprint("api_reporting", __name__, url_prefix="/api/v1",
                description="Bilans d'activités et financiers, et les données dont ils sont "
                            "faits (mêmes champs et mêmes messages que les pages du site)")
blp.before_request(require_token)
errors.register(blp)


def _apply(operation, *args):
    try:
        return operation(g.api_user, *args)
    except OperationError as error:
        errors.abort_for(error)


@blp.route("/depenses", methods=["POST"])
@blp.response(201)
def add_expense():
    """{on, amount, category, account, funder, label, household (référence, facultatif)}."""
    return {"id": _apply(operations.record_expense, request.get_json(silent=True)).id}


@blp.route("/depenses/import", methods=["POST"])
@blp.response(201)
def import_expenses():
    """A year's ledger as CSV (corps text/csv, ou champ multipart « fichier »); one wrong line
    and nothing is imported (422 with the list of lines)."""
    upload = request.files.get("fichier")
    raw = upload.read() if upload else request.get_data()
    done = _apply(operations.import_expenses, raw)
    return {"import_id": done.import_id, "count": done.count}


@blp.route("/equipe/postes", methods=["POST"])
@blp.response(201)
def add_staff_post():
    """{year, post, label, etp, months, funder}."""
    return {"id": _apply(operations.record_staff_post, request.get_json(silent=True)).id}


@blp.route("/actions-collectives", methods=["POST"])
@blp.response(201)
def add_collective_action():
    """{on, kind, title, participants}."""
    return {"id": _apply(operations.record_collective_action,
                         request.get_json(silent=True)).id}


@blp.route("/analyse-de-pratiques", methods=["POST"])
@blp.response(201)
def add_practice_session():
    """{on, facilitator, expected, attendees: [ids of the structure's accounts]}."""
    return {"id": _apply(operations.record_practice_session,
                         request.get_json(silent=True)).id}


@blp.route("/previsions", methods=["PUT"])
@blp.response(200)
def put_forecast():
    """{year, funder, account, amount}: replaces the forecast of that line."""
    return {"id": _apply(operations.save_forecast_line, request.get_json(silent=True)).id}


@blp.route("/ecarts", methods=["PUT"])
@blp.response(200)
def put_gap():
    """{debut, fin, scope (consolide, iml_ddets, fsl_metropole), account, text}."""
    return {"id": _apply(operations.save_gap_explanation, request.get_json(silent=True)).id}


@blp.route("/bilans")
@blp.response(200)
def bilans():
    """The bilans the caller may read (funders: every structure's)."""
    return {"bilans": [{"id": e.id, "kind": e.kind, "title": e.title,
                        "periode": e.snapshot["periode"], "structure": e.structure.name,
                        "created_at": e.created_at.isoformat(), "formats": e.formats}
                       for e in readable_bilans(g.api_user)]}


@blp.route("/bilans/<entry_id>")
@blp.response(200)
def bilan(entry_id):
    """A bilan d'activités' figures: exact for its team lead, small counts hidden otherwise."""
    found = _apply(figures, entry_id)
    audit.record("view", "document", found.entry.id, None, user=g.api_user, via="api")
    db.session.commit()
    return {"id": found.entry.id, "exact": found.exact, "periode": found.entry.snapshot[
        "periode"], "precedente": found.entry.snapshot["precedente"],
        "indicateurs": [{"code": t["code"], "title": t["title"], "definition": t["definition"],
                         "lignes": [{"key": r["_key"], "label": r["label"], "valeur": r["now"],
                                     "precedente": r["before"]} for r in t["rows"]]}
                        for t in found.tables]}


@blp.route("/bilans/<entry_id>/indicateurs/<code>/<line>")
@blp.response(200)
def bilan_trace(entry_id, code, line):
    """The pseudonymous references behind one figure (the team lead of the structure only)."""
    found, figure, references = _apply(traced, entry_id, code, line)
    audit.record("view", "document", found.entry.id, None, user=g.api_user, via="api",
                 traced=f"{code}/{line}", households=len(references))
    db.session.commit()
    return {"code": code, "line": line, "label": figure["row"]["label"],
            "valeur": figure["row"]["now"], "menages": references}


@blp.route("/export-menages")
@blp.response(200, content_type="text/csv")
def export_households():
    """One row per household followed during ?debut=&fin= (by default the previous year),
    for the team lead, CSV."""
    require_found(has_role(g.api_user, R.ENCADRANT))
    year = today_paris().year - 1
    try:
        start = date.fromisoformat(request.args.get("debut") or f"{year}-01-01")
        end = date.fromisoformat(request.args.get("fin") or f"{year}-12-31")
    except ValueError:
        errors.abort_for(Invalid(message="Indiquez debut et fin (AAAA-MM-JJ)."))
    scope = Scope(g.api_user.structure_id, start, end)
    audit.record("export", "households", None, None, user=g.api_user, format="csv", via="api")
    db.session.commit()
    return Response(export.as_csv(scope), mimetype="text/csv; charset=utf-8")
