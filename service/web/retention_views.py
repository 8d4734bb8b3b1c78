"""« Conservation des données »: the administration's list of the files past their retention
period (DOMAIN.md §8.4), with the legal basis of each rule. References only, never a name."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from service.auth import roles as R
from service.auth.policy import has_role, require
from service.retention.flagging import standing_flags, standing_query
from service.retention.models import HOUSEHOLD
from service.retention.rules import RULES
from service.web.pagination import paginate

bp = Blueprint("retention", __name__, url_prefix="/administration")


@bp.route("/conservation")
@login_required
def index():
    require(has_role(current_user, R.ADMIN))
    page = paginate(standing_query())
    return render_template("retention/index.html", rows=standing_flags(page.items), page=page,
                           rules=list(RULES.values()), household=HOUSEHOLD)
