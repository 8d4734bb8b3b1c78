"""Managing the calls for applications (administration and financeurs): the list of the calls one
may edit, a new call prefilled from the latest one, and its edit form. The funders, the envelope
lines and the pieces are repeated rows, added, removed and moved with buttons that work without
JavaScript."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms import Form

from forms.calls import call_form
from service.applications import call_schema as S
from service.applications import vocabulary as V
from service.applications.models import CallForApplications
from service.auth.policy import require
from service.operations import calls as ops
from service.operations.errors import OperationError
from service.rendering.formatting import money, number
from service.web.formdata import field_labels, form_to_dict
from service.web.operation_errors import page_errors

bp = Blueprint("calls", __name__, url_prefix="/appels/gestion")
LISTS = ("funders", "envelope", "pieces")
# What a new row starts with.
NEW_ROWS = {"funders": {}, "envelope": {"months": "12"}, "pieces": {"required": V.ALWAYS}}
MAX_ROWS = {"funders": 10, "envelope": 20, "pieces": len(V.PIECES)}
ACTION = re.compile(r"^(?:(add|remove|up):(funders|envelope|pieces)(?::(\d+))?|refresh)$")


def _manager() -> None:
    require(ops.may_manage(current_user))


def _call(call_id: str) -> CallForApplications:
    _manager()
    try:
        return ops.editable_call(current_user, call_id)
    except OperationError as error:
        page_errors(error)  # 404
        raise


# ---- between the stored definition and the form ----

def _amount_text(value) -> str:
    """« 350 000,00 »: an amount as a French user types it."""
    try:
        return number(Decimal(str(value)), 2)
    except (InvalidOperation, ValueError):
        return "" if value is None else str(value)


def _etp_text(value) -> str:
    """« 8 », « 0,5 »: ETP as a French user types them."""
    if value in (None, ""):
        return ""
    text = _amount_text(value)
    return text[:-3] if text.endswith(",00") else (text.rstrip("0") if "," in text else text)


def form_data(definition: dict) -> dict:
    """A definition (JSON values) as the form shows it."""
    team = definition.get("expected_team") or {}
    return {
        **definition,
        "envelope": [{**line, "amount": _amount_text(line.get("amount")),
                      "quantity": str(line.get("quantity", "")),
                      "months": str(line.get("months", ""))}
                     for line in definition.get("envelope") or []],
        "expected_team": {"etp": _etp_text(team.get("etp")),
                          "encadrement_min": _etp_text(team.get("encadrement_min"))},
        "contacts": "\n".join(definition.get("contacts") or []),
    }


def _funder_choices(data: dict) -> list[tuple[str, str]]:
    """The funders declared in the form as it stands, and any value a line already holds (so
    that nothing typed is lost while the funders' rows change)."""
    choices = [(f["code"], f"{f.get('name') or f['code']} ({f['code']})")
               for f in data.get("funders") or [] if isinstance(f, dict) and f.get("code")]
    known = {code for code, _ in choices}
    for line in data.get("envelope") or []:
        value = line.get("funder") if isinstance(line, dict) else None
        if value and value not in known:
            choices.append((value, value))
            known.add(value)
    return choices


def _form_class(data: dict) -> type[Form]:
    return call_form(_funder_choices(data), S.ACCOUNTS, S.UNITS, S.PIECE_CHOICES,
                     S.REQUIREMENTS)


def _rows_action(data: dict, action: str) -> dict:
    """'add:envelope', 'remove:funders:1', 'up:pieces:3' on the answers as they stand."""
    match = ACTION.match(action)
    if not match or action == "refresh":  # the page again: its lists and total up to date
        return data
    verb, name, index = match[1], match[2], match[3]
    rows = data.setdefault(name, [])
    if verb == "add" and len(rows) < MAX_ROWS[name]:
        rows.append(dict(NEW_ROWS[name]))
    elif index is not None and int(index) < len(rows):
        position = int(index)
        if verb == "remove":
            rows.pop(position)
        elif verb == "up" and position > 0:
            rows[position - 1], rows[position] = rows[position], rows[position - 1]
    return data


def _funder_accounts(data: dict) -> dict[int, bool]:
    """{row: whether a structure of that name is registered (its financeurs instruct)}."""
    rows = [f for f in data.get("funders") or [] if isinstance(f, dict)]
    found = ops.funder_structures([{"code": str(i), "name": (f.get("name") or "").strip()}
                                   for i, f in enumerate(rows)])
    return {int(code): structure is not None for code, structure in found.items()}


def _totals(data: dict) -> tuple[str, list[tuple[str, str]]]:
    """The envelope's total, and what each declared funder brings, in French money."""
    lines = [line for line in data.get("envelope") or [] if isinstance(line, dict)]
    names: dict[str, str] = {f["code"]: f.get("name") or f["code"]
                             for f in data.get("funders") or []
                             if isinstance(f, dict) and f.get("code")}
    by_funder = [(names[code], money(S.total([li for li in lines if li.get("funder") == code])))
                 for code in names]
    return money(S.total(lines)), by_funder


# ---- pages ----

@bp.route("/")
@login_required
def index():
    _manager()
    calls = ops.managed(current_user)
    return render_template(
        "applications/calls/index.html", calls=calls,
        totals={c.id: money(S.total(c.envelope or [])) for c in calls},
        counts={c.id: ops.submitted_count(c) for c in calls})


@bp.route("/nouveau", methods=["GET", "POST"])
@login_required
def create():
    _manager()
    if request.method == "GET":
        data = form_data(ops.next_definition(current_user))
        return _page(None, data, {}, 200)
    data, action = _posted()
    if action:
        return _page(None, _rows_action(data, action), {}, 200)
    try:
        call = ops.create(current_user, data)
    except OperationError as error:
        errors, status = page_errors(error)
        return _page(None, data, errors, status)
    flash(f"Appel à candidatures enregistré\u00a0: {call.reference}.", "success")
    return redirect(url_for("calls.index"))


@bp.route("/<call_id>/modifier", methods=["GET", "POST"])
@login_required
def edit(call_id):
    call = _call(call_id)
    stored = S.definition_of(call)
    frozen = ops.submitted_count(call) > 0
    if request.method == "GET":
        return _page(call, form_data(stored), {}, 200)
    data, action = _posted()
    if frozen:  # not on the page: what the submitted dossiers were checked against
        data.update({key: stored[key] for key in S.FROZEN})
    # The version read when the page was first shown, kept through the row buttons.
    version = request.form.get("version") or None
    if action and not frozen:
        return _page(call, _rows_action(data, action), {}, 200, version)
    try:
        ops.update(call, current_user, data, version)
    except OperationError as error:
        errors, status = page_errors(error)
        return _page(call, data, errors, status, version)
    flash(f"Appel à candidatures modifié\u00a0: {call.reference}.", "success")
    return redirect(url_for("calls.index"))


def _posted() -> tuple[dict, str]:
    """The answers as posted, and the row action asked for (none: save)."""
    data = form_to_dict(_form_class({})(request.form))
    action = request.form.get("action", "")
    return data, action if ACTION.match(action) else ""


def _page(call: CallForApplications | None, data: dict, errors: dict[str, str], status: int,
          version: str | None = None):
    form = _form_class(data)(data=data)
    labels = field_labels(form)
    labels["_schema"] = "Enregistrement"
    count = ops.submitted_count(call) if call is not None else 0
    total, by_funder = _totals(data)
    return render_template(
        "applications/calls/form.html", call=call, form=form, errors=errors, labels=labels,
        version=(version or ops.version_of(call)) if call is not None else "",
        frozen=count > 0,
        frozen_message=ops.frozen_message(count) if count else "", count=count,
        total=total, by_funder=by_funder, accounts=_funder_accounts(data),
        sources={key: source for key, (_, source) in V.PIECES.items()},
        upload=V.UPLOAD, max_rows=MAX_ROWS,
        units=dict(S.UNITS), account_labels=dict(S.ACCOUNTS),
        requirement_labels=dict(S.REQUIREMENTS), piece_titles=dict(S.PIECE_CHOICES),
        etp_text=_etp_text), status
