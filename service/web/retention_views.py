"""« Conservation des données »: the administration's list of the files past their retention
period (DOMAIN.md §8.4), with the legal basis of each rule. References only, never a name."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from service.attachments import attachment
from service.auth import roles as R
from service.auth.policy import has_role, require
from service.extensions import db
from service.registry import audit
from service.registry.store import blob_store
from service.retention.erasure import SUBJECT_LABELS
from service.retention.flagging import standing_flags, standing_query
from service.retention.models import HOUSEHOLD, Erasure
from service.retention.rules import RULES
from service.web.pagination import paginate

bp = Blueprint("retention", __name__, url_prefix="/administration")
RECENT_ERASURES = 50


@bp.route("/conservation")
@login_required
def index():
    require(has_role(current_user, R.ADMIN))
    page = paginate(standing_query())
    erasures = db.session.execute(
        select(Erasure).order_by(Erasure.erased_at.desc()).limit(RECENT_ERASURES)).scalars()
    return render_template("retention/index.html", rows=standing_flags(page.items), page=page,
                           rules=list(RULES.values()), household=HOUSEHOLD,
                           erasures=list(erasures), subject_labels=SUBJECT_LABELS,
                           rules_by_key=RULES)


@bp.route("/conservation/effacements/<erasure_id>/recepisse.pdf")
@login_required
def receipt(erasure_id):
    """The receipt of one erasure (no personal data in it: a reference, a digest, counts)."""
    require(has_role(current_user, R.ADMIN))
    erasure = db.session.get(Erasure, erasure_id)
    if erasure is None:
        abort(404)
    data = blob_store().get(erasure.receipt_sha256)
    audit.record("download", "erasure_receipt", erasure.id, None, user=current_user)
    db.session.commit()
    return attachment(data, "application/pdf",
                      f"Récépissé d'effacement {erasure.erased_at:%Y-%m-%d} {erasure.id[:8]}.pdf")
