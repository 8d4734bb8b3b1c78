"""The bilans' pages: the list, a bilan's figures (each opening its households for the team
lead; small counts hidden for everyone else) and the pseudonymous export per household."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from flask import Blueprint, Response, render_template, request
from flask_login import current_user, login_required

from service.auth import roles as R
from service.auth.policy import has_role, require
from service.errors import OperationError
from service.extensions import db
from service.registry import audit
from service.reporting import export
from service.reporting.catalogue import BY_CODE
from service.reporting.framework import Scope
from service.reporting.reading import figures, readable_bilans, traced
from service.reporting.suppression import NOTE
from service.timeutil import today_paris, utcnow
from service.web.operation_errors import page_errors

bp = Blueprint("bilans", __name__, url_prefix="/bilans")


def _or_404(call, *args):
    try:
        return call(*args)
    except OperationError as error:
        page_errors(error)  # a NotFound is the 404 page
        raise


@bp.route("/")
@login_required
def index():
    entries = readable_bilans(current_user)
    keeper = has_role(current_user, R.ENCADRANT, R.GESTION_LOCATIVE)
    require(entries or keeper or has_role(current_user, R.FINANCEUR))
    year = today_paris().year - 1
    return render_template("bilans/index.html", entries=entries, keeper=keeper,
                           exporter=has_role(current_user, R.ENCADRANT), year=year)


@bp.route("/<entry_id>")
@login_required
def show(entry_id):
    found = _or_404(figures, current_user, entry_id)
    audit.record("view", "document", found.entry.id, None, user=current_user, page="bilan")
    db.session.commit()
    return render_template("bilans/show.html", found=found, note=NOTE,
                           drillable={code: i.drill for code, i in BY_CODE.items()},
                           period=found.entry.snapshot["periode"],
                           previous=found.entry.snapshot["precedente"])


@bp.route("/<entry_id>/<code>/<line>")
@login_required
def trace(entry_id, code, line):
    found, figure, references = _or_404(traced, current_user, entry_id, code, line)
    audit.record("view", "document", found.entry.id, None, user=current_user,
                 traced=f"{code}/{line}", households=len(references))
    db.session.commit()
    return render_template("bilans/trace.html", found=found, figure=figure,
                           references=references, period=found.entry.snapshot["periode"])


def _period() -> Scope:
    def read(name, default):
        try:
            return date.fromisoformat(request.args.get(name, ""))
        except ValueError:
            return default
    year = today_paris().year - 1
    start, end = read("debut", date(year, 1, 1)), read("fin", date(year, 12, 31))
    require(start <= end)
    return Scope(current_user.structure_id, start, end)


@bp.route("/export/<export_format>")
@login_required
def export_households(export_format):
    """One row per household followed during the period (the team lead, for the Plateforme)."""
    fmt = export_format
    require(has_role(current_user, R.ENCADRANT) and fmt in ("csv", "xlsx"))
    scope = _period()
    if fmt == "csv":
        data, media = export.as_csv(scope), "text/csv; charset=utf-8"
    else:
        data = export.as_xlsx(scope, utcnow(), current_user.structure.name)
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    audit.record("export", "households", None, None, user=current_user, format=fmt,
                 period=f"{scope.start.isoformat()}/{scope.end.isoformat()}")
    db.session.commit()
    name = f"Export pseudonymisé des ménages – {scope.start.isoformat()} – {scope.end.isoformat()}"
    return Response(data, mimetype=media, headers={
        "Content-Disposition": f"attachment; filename=\"export-menages.{fmt}\"; "
                               f"filename*=UTF-8''{quote(name)}.{fmt}"})
