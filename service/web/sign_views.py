"""Signing a protocol on one screen, one signatory after the other, then sealing it."""

from __future__ import annotations

import base64

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from service import kinds
from service.auth.policy import can_sign, require
from service.documents import sealing
from service.documents.access import readable
from service.documents.signatures import DRAWN, QUALITIES, REFUSED, TYPED
from service.registry.models import FINAL
from service.registry.store import is_current

bp = Blueprint("sign", __name__, url_prefix="/documents/<entry_id>")
MAX_DRAWING = 700_000  # characters of the data: URL posted by the canvas


def _signable(entry_id: str):
    entry, series, subject = readable(current_user, entry_id)
    require(can_sign(current_user, kinds.get(entry.kind), subject) and entry.status == FINAL
            and is_current(entry))
    return entry, subject.household


@bp.route("/signatures", methods=["GET", "POST"])
@login_required
def collect(entry_id):
    entry, household = _signable(entry_id)
    error = None
    if request.method == "POST":
        method = request.form.get("methode", "")
        png = None
        if method == DRAWN:
            png = _png_from_form(request.form.get("dessin", ""))
        if method == TYPED and request.form.get("accepte") != "y":
            error = "Cochez la case pour signer en tapant votre nom."
        else:
            try:
                sealing.record(entry, current_user, name=request.form.get("nom", ""),
                               quality=request.form.get("qualite", ""), method=method, png=png,
                               reason=request.form.get("motif"))
            except ValueError as exc:
                error = str(exc)
        if error is None:
            flash("Signature enregistrée.", "success")
            return redirect(url_for("sign.collect", entry_id=entry.id))
    return render_template("documents/sign.html", entry=entry, household=household,
                           signatures=sealing.signatures_of(entry), qualities=QUALITIES,
                           missing=sealing.missing(entry), error=error,
                           methods={DRAWN: DRAWN, TYPED: TYPED, REFUSED: REFUSED}), \
        (422 if error else 200)


def _png_from_form(value: str) -> bytes | None:
    prefix = "data:image/png;base64,"
    if not value.startswith(prefix) or len(value) > MAX_DRAWING:
        return None
    try:
        return base64.b64decode(value[len(prefix):], validate=True)
    except ValueError:
        return None


@bp.route("/sceller", methods=["POST"])
@login_required
def seal(entry_id):
    entry, household = _signable(entry_id)
    problems = sealing.missing(entry)
    if problems:
        flash(" ".join(problems), "error")
        return redirect(url_for("sign.collect", entry_id=entry.id))
    signed = sealing.seal_version(entry, current_user, household.reference)
    flash("Document signé et scellé.", "success")
    return redirect(url_for("documents.confirmation", entry_id=signed.id))
