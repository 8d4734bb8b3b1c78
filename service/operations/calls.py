"""Calls for applications as records: create one, edit one, called alike by the web pages and
the API.

The administration creates and edits any call; a financeur creates a call whose funders include
its own structure and edits the calls it instructs (`applications.instructs`). Anyone else does
not see these calls as editable (NotFound: 404 on both channels).

Once a dossier has been submitted to a call, what it was prepared and checked against is frozen
(reference, territory, funders, envelope, expected team, pieces): a change is a Conflict that
says why. The title, the contacts and the dates stay editable, the deadline only to a later
moment.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from service.applications import call_schema as S
from service.applications import vocabulary as V
from service.applications.calls import create_call
from service.applications.models import CallForApplications
from service.applications.service import calls_instructed_by, submitted_applications
from service.auth import roles as R
from service.auth.models import Structure
from service.auth.policy import has_role
from service.extensions import db
from service.operations.applications import instructs
from service.operations.common import commit, validated
from service.operations.errors import Conflict, Invalid, NotFound, StaleVersion
from service.registry import audit
from service.registry.chain import sha256_json
from service.rendering.formatting import datetime_fr
from service.rendering.typography import no_break
from service.timeutil import as_utc

NBSP = "\u00a0"
STALE = ("L'appel a été modifié entre-temps (dans un autre onglet ou par une autre personne)"
         f"{NBSP}: rechargez la page pour reprendre ses dernières informations.")
TAKEN = ("Un autre appel porte déjà cette référence" f"{NBSP}: choisissez-en une autre (par "
         "exemple avec l'année de la session).")


# ---- access and reading ----

def may_manage(user) -> bool:
    return has_role(user, R.ADMIN, R.FINANCEUR)


def managed(user) -> list[CallForApplications]:
    """The calls the user may edit, the latest deadline first."""
    return calls_instructed_by(user) if may_manage(user) else []


def editable_call(user, call_id: str | None) -> CallForApplications:
    call = db.session.get(CallForApplications, call_id) if call_id else None
    if call is None or not may_manage(user) or not instructs(user, call):
        raise NotFound()
    return call


def version_of(call: CallForApplications) -> str:
    """The edit lock: a fingerprint of what the call holds (the table has no counter)."""
    return sha256_json({"id": call.id, **S.definition_of(call)})[:16]


def submitted_count(call: CallForApplications) -> int:
    return len(submitted_applications(call))


def funder_structures(funders: list[dict]) -> dict[str, str | None]:
    """{funder code: the id of the structure named like it}: its financeur accounts instruct
    the call's dossiers; None when no structure of that name is registered."""
    names = {f["name"] for f in funders}
    found: dict[str, str] = {}
    if names:
        for name, structure_id in db.session.execute(select(Structure.name, Structure.id).where(
                Structure.name.in_(names))):
            found[name] = structure_id
    return {f["code"]: found.get(f["name"]) for f in funders}


def _bump_years(text: str) -> str:
    return re.sub(r"\b(20\d\d)\b", lambda m: str(int(m[1]) + 1), text)


def _next_year(day: date) -> date:
    last = calendar.monthrange(day.year + 1, day.month)[1]
    return day.replace(year=day.year + 1, day=min(day.day, last))


def next_definition(user) -> dict:
    """What a new call's form starts from: the latest call the user manages, a year later
    (its reference and title with the next year, its dates a year on), so that next year's
    call is a few edits; an empty call when there is none."""
    calls = managed(user)
    if not calls:
        funders = ([{"code": "", "name": user.structure.name}]
                   if has_role(user, R.FINANCEUR) else [])
        # Every piece the service knows, in its usual order; one envelope line to fill.
        pieces = [{"key": key, "required": V.IF_GROUPED if key == "conventions" else V.ALWAYS}
                  for key in V.PIECES]
        return {"reference": "", "title": "", "territory": "", "funders": funders,
                "envelope": [{"months": 12}],
                "expected_team": {"etp": "", "encadrement_min": ""}, "pieces": pieces,
                "contacts": [], "deadline": {"date": "", "time": S.DEFAULT_TIME},
                "results_on": "", "launch_on": ""}
    latest = max(calls, key=lambda c: (as_utc(c.deadline), as_utc(c.created_at)))
    definition = S.definition_of(latest)
    deadline = definition["deadline"]
    definition.update(
        reference=_bump_years(latest.reference)[:40], title=_bump_years(latest.title),
        deadline={**deadline, "date": _next_year(date.fromisoformat(deadline["date"])
                                                 ).isoformat()},
        results_on=_next_year(latest.results_on).isoformat(),
        launch_on=_next_year(latest.launch_on).isoformat())
    return definition


# ---- writing ----

def _reference_taken(reference: str, call_id: str | None = None) -> bool:
    query = select(CallForApplications.id).where(
        func.lower(CallForApplications.reference) == reference.lower())
    if call_id:
        query = query.where(CallForApplications.id != call_id)
    return db.session.execute(query).first() is not None


def _own_structure_among(user, structures: dict[str, str | None]) -> None:
    """A financeur's call has its own structure among the funders (else it could not see it)."""
    if has_role(user, R.ADMIN) or user.structure_id in structures.values():
        return
    raise Invalid({"funders": [
        f"Votre structure ({user.structure.name}) doit figurer parmi les financeurs de "
        f"l'appel{NBSP}: indiquez son nom exact, tel qu'il est enregistré dans le service."]})


def _checked(user, data, call_id: str | None = None) -> tuple[dict, dict[str, str | None]]:
    definition = S.stored(validated(S.CallSchema(), data))
    if _reference_taken(definition["reference"], call_id):
        raise Invalid({"reference": [TAKEN]})
    structures = funder_structures(definition["funders"])
    _own_structure_among(user, structures)
    return definition, structures


def create(user, data) -> CallForApplications:
    """A new call from its definition (CallSchema)."""
    if not may_manage(user):
        raise NotFound()
    definition, structures = _checked(user, data)
    call = create_call(definition, {code: sid for code, sid in structures.items() if sid})
    audit.record("create", "call", call.id, user=user, reference=call.reference)
    try:
        commit(STALE)
    except IntegrityError as exc:  # the same reference registered at the same moment
        db.session.rollback()
        raise Invalid({"reference": [TAKEN]}) from exc
    return call


def _frozen_changes(call: CallForApplications, definition: dict) -> list[str]:
    current = S.definition_of(call)
    return [key for key in S.FROZEN
            if S.frozen_part(current, key) != S.frozen_part(definition, key)]


def frozen_message(count: int, changed: list[str] | None = None) -> str:
    dossiers = "un dossier a déjà été déposé" if count == 1 else \
        f"{count} dossiers ont déjà été déposés"
    text = (f"Pour cet appel, {dossiers}{NBSP}: la référence, le territoire, les financeurs, "
            "l'enveloppe, l'équipe attendue et les pièces demandées ne peuvent plus changer, "
            "car les dossiers ont été préparés et vérifiés selon ces règles. Le titre, les "
            "contacts et les dates restent modifiables, et la date limite ne peut qu'être "
            "reportée.")
    if changed:
        text += f" Modification refusée{NBSP}: " + ", ".join(
            S.FROZEN_LABELS[key] for key in changed) + "."
    return text


def update(call: CallForApplications, user, data, version: str | None = None
           ) -> CallForApplications:
    """Replace the call's definition (CallSchema, complete); `version` is version_of(call)
    as the user read it."""
    editable_call(user, call.id)
    if version is not None and version != version_of(call):
        raise StaleVersion(STALE)
    definition, structures = _checked(user, data, call.id)
    count = submitted_count(call)
    if count:
        changed = _frozen_changes(call, definition)
        if changed:
            raise Conflict(frozen_message(count, changed))
        if definition["deadline"] < as_utc(call.deadline):
            raise Invalid({"deadline": {"date": [
                f"Des dossiers ont déjà été déposés{NBSP}: la date limite peut être reportée, "
                f"pas avancée (elle est fixée au {no_break(datetime_fr(call.deadline))})."]}})
    before = S.definition_of(call)
    call.reference = definition["reference"]
    call.title = definition["title"]
    call.territory = definition["territory"]
    call.funders = [{**f, "structure_id": structures.get(f["code"])}
                    for f in definition["funders"]]
    call.envelope = definition["envelope"]
    call.expected_team = definition["expected_team"]
    call.pieces = definition["pieces"]
    call.contacts = definition["contacts"]
    # Stored in UTC, as create_call does: SQLite keeps no offset.
    call.deadline = definition["deadline"].astimezone(UTC)
    call.results_on = definition["results_on"]
    call.launch_on = definition["launch_on"]
    after = S.definition_of(call)
    changes = sorted(key for key in after if after[key] != before[key])
    audit.record("update", "call", call.id, user=user, changes=changes)
    try:
        commit(STALE)
    except IntegrityError as exc:
        db.session.rollback()
        raise Invalid({"reference": [TAKEN]}) from exc
    return call

