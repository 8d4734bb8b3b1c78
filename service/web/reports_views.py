"""Documents built from the records for a period (bilans): choose the period, produce, list."""

from __future__ import annotations

import uuid
from datetime import date

from flask import Blueprint, abort, redirect, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from forms.reports import PeriodForm
from service import kinds
from service.auth.policy import can_create, can_read_series, require
from service.documents.models import DocumentSeries
from service.documents.subjects import subject_of
from service.errors import OperationError
from service.extensions import db
from service.kinds.base import PERIOD
from service.operations import documents
from service.registry.models import RegistryEntry
from service.timeutil import today_paris
from service.web.jobs_views import next_page
from service.web.operation_errors import page_errors

bp = Blueprint("reports", __name__, url_prefix="/rapports")


def _producible() -> list:
    return [k for k in kinds.with_subject(PERIOD) if can_create(current_user, k)]


def _readable_entries() -> list[tuple[RegistryEntry, str]]:
    """The period documents of the user's structure that the user may read, newest first."""
    period_kinds = [k.key for k in kinds.with_subject(PERIOD)]
    if not period_kinds:
        return []
    series = db.session.execute(
        select(DocumentSeries).where(DocumentSeries.kind.in_(period_kinds),
                                     DocumentSeries.structure_id == current_user.structure_id)
    ).scalars().all()
    periods = {s.id: subject.reference for s in series
               if can_read_series(current_user, s, subject := subject_of(s))}
    if not periods:
        return []
    entries = db.session.execute(
        select(RegistryEntry).where(RegistryEntry.series_id.in_(periods))
        .order_by(RegistryEntry.created_at.desc())).scalars()
    return [(entry, periods[entry.series_id]) for entry in entries]


def _last_year() -> dict:
    year = today_paris().year - 1
    return {"debut": date(year, 1, 1), "fin": date(year, 12, 31)}


@bp.route("/")
@login_required
def index():
    producible, entries = _producible(), _readable_entries()
    require(producible or entries)
    return _page(producible, entries, PeriodForm(data=_last_year()), {}, None)


def _page(producible, entries, form, errors, failed_kind, status: int = 200):
    return render_template("reports/index.html", producible=producible, entries=entries,
                           form=form, errors=errors, failed_kind=failed_kind,
                           idempotency_key=str(uuid.uuid4())), status


@bp.route("/<kind_key>", methods=["POST"])
@login_required
def produce(kind_key):
    kind = kinds.find(kind_key)
    require(kind is not None and kind in _producible())
    key = request.form.get("idempotency_key", "")[:80]
    try:
        uuid.UUID(key)
    except ValueError:
        abort(400)
    form = PeriodForm(formdata=request.form)
    try:
        job = documents.request_period_document(kind, form.debut.data, form.fin.data,
                                                current_user, f"web:{key}")
    except OperationError as exc:
        errors, status = page_errors(exc, anchor="debut")
        return _page(_producible(), _readable_entries(), form, errors, kind, status)
    return redirect(next_page(job))
