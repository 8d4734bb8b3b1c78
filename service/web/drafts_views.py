"""Generic draft pages: task list, one page per section, autosave, check answers, submit."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from service import kinds
from service.auth.policy import can_create, can_edit_draft, require
from service.documents import flow
from service.documents.models import DRAFT, Draft
from service.documents.subjects import household_subject
from service.errors import Conflict, IdempotencyConflict, Invalid, PreflightFailed
from service.extensions import db
from service.households.models import Household
from service.households.service import latest_tenancy, team_members
from service.kinds.base import PrefillSource
from service.operations import documents
from service.rendering.formatting import time_fr
from service.rendering.typography import no_break
from service.web.formdata import (
    answers,
    apply_list_action,
    field_labels,
    flatten_errors,
    form_to_dict,
    section_form,
)

bp = Blueprint("drafts", __name__, url_prefix="/brouillons")


def _draft(draft_id: str, editable: bool = True) -> Draft:
    draft = db.session.get(Draft, draft_id)
    require(draft is not None and can_edit_draft(current_user, draft))
    assert draft is not None  # require() answered 404 otherwise
    if editable and draft.status != DRAFT:
        abort(404)
    return draft


@bp.route("/nouveau/<kind_key>", methods=["POST"])
@login_required
def create(kind_key):
    kind = kinds.find(kind_key)
    require(kind is not None and kind.has_form)
    household, subject = None, None
    if request.form.get("menage"):
        household = db.session.get(Household, request.form["menage"])
        require(household is not None)
        subject = household_subject(household)
    require(can_create(current_user, kind, subject))
    draft = flow.new_draft(kind.key, current_user, data=_prefill(kind, household),
                           household_id=household.id if household else None)
    return redirect(url_for("drafts.tasks", draft_id=draft.id))


def _prefill(kind, household) -> dict:
    """What the service already knows, so nobody types it twice."""
    if kind.prefill is None:
        return {}
    if household is None:
        return kind.prefill(PrefillSource(user=current_user))
    team = tuple((m.user, m.coordinating) for m in team_members(household.id))
    return kind.prefill(PrefillSource(user=current_user, household=household,
                                      members=tuple(household.members),
                                      tenancy=latest_tenancy(household.id), team=team))


@bp.route("/<draft_id>")
@login_required
def tasks(draft_id):
    draft = _draft(draft_id)
    kind = kinds.get(draft.kind)
    sections = [(s, flow.section_status(draft, s.key)) for s in kind.sections]
    done = sum(1 for _, status in sections if status == flow.DONE)
    return render_template("drafts/tasks.html", draft=draft, kind=kind, sections=sections,
                           done=done, household=_household_of(draft))


def _household_of(draft) -> Household | None:
    """The household a draft is about, for the link back to its page."""
    return db.session.get(Household, draft.household_id) if draft.household_id else None


@bp.route("/<draft_id>/<section_key>", methods=["GET", "POST"])
@login_required
def section(draft_id, section_key):
    draft = _draft(draft_id)
    kind = kinds.get(draft.kind)
    if section_key not in {s.key for s in kind.sections}:
        abort(404)
    errors = {}
    if request.method == "POST":
        form = section_form(kind, section_key, formdata=request.form)
        raw = form_to_dict(form)
        action = request.form.get("action", "")
        if action.startswith(("add:", "remove:")):
            raw = apply_list_action(raw, action)
        try:
            section_errors = flow.save_section(draft, section_key, raw, _version())
        except flow.StaleDraft:
            return _conflict(draft, kind, section_key, raw)
        if action.startswith(("add:", "remove:")):
            anchor = action.split(":")[1]
            return redirect(url_for("drafts.section", draft_id=draft.id,
                                    section_key=section_key, _anchor=anchor))
        if action == "continue" and section_errors:
            errors = flatten_errors(section_errors)
            form = section_form(kind, section_key, data=raw)
        else:
            return redirect(_next_url(draft, kind, section_key, action))
    else:
        form = section_form(kind, section_key, data=(draft.data or {}).get(section_key))
        if request.args.get("erreurs"):
            errors = flatten_errors(flow.section_errors(
                draft.kind, section_key, (draft.data or {}).get(section_key), draft.data))
    labels = field_labels(form)
    return render_template("drafts/section.html", draft=draft, kind=kind,
                           section=kind.section(section_key), form=form, errors=errors,
                           labels=labels), (422 if errors else 200)


def expired_section(draft_id: str, section_key: str):
    """The form's token expired: show the typed answers again, unsaved, instead of losing them."""
    draft = db.session.get(Draft, draft_id) if current_user.is_authenticated else None
    if draft is None or not can_edit_draft(current_user, draft) or draft.status != DRAFT:
        rows = [(k, v) for k, v in request.form.items(multi=True)
                if k not in ("csrf_token", "version", "action") and v]
        return render_template("drafts/expired.html", rows=rows), 400
    kind = kinds.get(draft.kind)
    if section_key not in {s.key for s in kind.sections}:
        abort(404)
    form = section_form(kind, section_key, formdata=request.form)
    return render_template("drafts/section.html", draft=draft, kind=kind,
                           section=kind.section(section_key), form=form, errors={},
                           labels=field_labels(form), expired=True), 400


def _version() -> int | None:
    value = request.form.get("version", "")
    return int(value) if value.isdigit() else None


def _next_url(draft, kind, section_key, action) -> str:
    if action != "continue":
        return url_for("drafts.tasks", draft_id=draft.id)
    keys = [s.key for s in kind.sections]
    position = keys.index(section_key)
    if position + 1 < len(keys):
        return url_for("drafts.section", draft_id=draft.id, section_key=keys[position + 1])
    return url_for("drafts.review", draft_id=draft.id)


def _conflict(draft, kind, section_key, mine):
    db.session.refresh(draft)
    theirs = (draft.data or {}).get(section_key) or {}
    return render_template(
        "drafts/conflict.html", draft=draft, kind=kind, section=kind.section(section_key),
        mine=answers(section_form(kind, section_key, data=mine)),
        theirs=answers(section_form(kind, section_key, data=theirs)),
        mine_form=section_form(kind, section_key, data=mine),
    ), 409


@bp.route("/<draft_id>/<section_key>/autosave", methods=["POST"])
@login_required
def autosave(draft_id, section_key):
    draft = _draft(draft_id)
    kind = kinds.get(draft.kind)
    if section_key not in {s.key for s in kind.sections}:
        abort(404)
    raw = form_to_dict(section_form(kind, section_key, formdata=request.form))
    try:
        flow.save_section(draft, section_key, raw, _version())
    except (flow.StaleDraft, StaleDataError):
        db.session.rollback()
        return jsonify(message="Ce brouillon a été modifié ailleurs : rechargez la page "
                               "pour voir la dernière version.", conflict=True), 409
    return jsonify(version=draft.version_id,
                   message=f"Enregistré à {no_break(time_fr(draft.updated_at))}")


@bp.route("/<draft_id>/verifier")
@login_required
def review(draft_id):
    draft = _draft(draft_id)
    _, missing = flow.validate_all(draft)
    return _review_page(draft, errors=missing, submitted=False)


def _review_page(draft, errors: dict, status: int = 200,
                 preflight: PreflightFailed | None = None, submitted: bool = True):
    """« Vérifiez vos réponses »: every answer, what is still missing or wrong (with a link
    to it), and the submit button once nothing is."""
    kind = kinds.get(draft.kind)
    blocks, missing = [], []
    for s in kind.sections:
        form = section_form(kind, s.key, data=(draft.data or {}).get(s.key))
        labels = field_labels(form)
        raw = errors.get(s.key) if errors else None
        section_errors = flatten_errors(raw) if isinstance(raw, dict) else {}
        blocks.append({"section": s, "rows": answers(form), "labels": labels,
                       "errors": section_errors})
        if raw is not None and not section_errors:  # the whole section is still to fill in
            missing.append({"text": f"{s.letter}. {s.title} : section à compléter",
                            "href": url_for("drafts.section", draft_id=draft.id,
                                            section_key=s.key, erreurs=1)})
        for field_id, message in section_errors.items():
            anchor = "" if field_id == "_schema" else field_id
            missing.append({
                "text": f"{s.letter}. {labels.get(field_id, s.title)} : {message}",
                "href": url_for("drafts.section", draft_id=draft.id, section_key=s.key,
                                erreurs=1, _anchor=anchor or None)})
    return render_template("drafts/review.html", draft=draft, kind=kind, blocks=blocks,
                           missing=missing, has_errors=bool(errors) and submitted,
                           preflight=_preflight_items(draft, preflight),
                           household=_household_of(draft),
                           idempotency_key=str(uuid.uuid4())), status


def _preflight_items(draft, failure: PreflightFailed | None) -> list[dict]:
    """Each problem of the produced document; one traced to an answer names its section and
    field, and links to it."""
    if failure is None:
        return []
    kind = kinds.get(draft.kind)
    placed = {item.message: item for item in failure.located}
    items = []
    for problem in failure.problems:
        item = placed.get(str(problem))
        if item is None:
            items.append({"text": str(problem), "href": None})
            continue
        form = section_form(kind, item.section, data=(draft.data or {}).get(item.section))
        label = field_labels(form).get(item.field_id, item.title)
        items.append({"text": f"{item.letter}. {item.title} – {label} : {item.bare}",
                      "href": url_for("drafts.section", draft_id=draft.id,
                                      section_key=item.section, _anchor=item.field_id)})
    return items


@bp.route("/<draft_id>/envoyer", methods=["POST"])
@login_required
def submit(draft_id):
    draft = db.session.get(Draft, draft_id)
    require(draft is not None and can_edit_draft(current_user, draft))
    key = request.form.get("idempotency_key", "")[:80]
    try:
        uuid.UUID(key)
    except ValueError:
        abort(400)
    try:
        result = flow.finalise(draft, current_user, key)
    except Invalid as exc:
        return _review_page(draft, errors=exc.fields, status=422)
    except PreflightFailed as exc:
        return _review_page(draft, errors={}, status=422, preflight=exc)
    except IdempotencyConflict:
        abort(409)
    except Conflict:
        abort(404)
    return redirect(url_for("documents.confirmation", entry_id=result.entry.id))


@bp.route("/<draft_id>/supprimer", methods=["GET", "POST"])
@login_required
def discard(draft_id):
    """Delete a draft, after a confirmation page: whoever may edit it, its author or not (a
    colleague's abandoned draft)."""
    draft = _draft(draft_id)
    kind = kinds.get(draft.kind)
    household = _household_of(draft)
    back = (url_for("households.show", household_id=household.id) if household is not None
            else url_for("home.index"))
    if request.method == "POST":
        documents.discard_draft(draft, current_user)
        flash("Le brouillon a été supprimé.", "success")
        return redirect(back)
    return render_template("drafts/discard.html", draft=draft, kind=kind, household=household)
