"""The bilans' records, one function per action, called by their pages and the API: expenses
(one at a time or a year's CSV), staff posts, collective actions, practice sessions, forecast
lines and explanations of gaps."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from sqlalchemy import select

from service.auth.models import User
from service.auth.policy import can_keep_bilan_records
from service.extensions import db
from service.finance.forecast import ForecastLine, GapExplanation
from service.finance.ledger import Expense
from service.finance.schemas import ExpenseSchema, ForecastLineSchema, GapExplanationSchema
from service.households.models import Household
from service.ids import new_id
from service.operations.common import commit, validated
from service.operations.errors import Invalid, NotFound
from service.registry import audit
from service.reporting.records import (
    CollectiveAction,
    PracticeAttendance,
    PracticeSession,
    StaffPost,
)
from service.reporting.schemas import (
    CollectiveActionSchema,
    PracticeSessionSchema,
    StaffPostSchema,
)
from service.uploads import store as uploads

UNKNOWN_HOUSEHOLD = "Aucun ménage suivi par votre équipe ne porte cette référence."
NOT_IN_TEAM = "Choisissez parmi les professionnels de votre équipe."
# The columns of a ledger CSV, in French, as a spreadsheet saves them (« ; » between fields).
CSV_COLUMNS = ("date", "montant", "categorie", "compte", "financeur", "libelle", "menage")
CSV_FIELDS = dict(zip(CSV_COLUMNS, ("on", "amount", "category", "account", "funder", "label",
                                    "household"), strict=True))
FIELD_NAMES = {"on": "date", "amount": "montant", "category": "catégorie", "account": "compte",
               "funder": "financeur", "label": "libellé", "household": "ménage"}
MAX_CSV_LINES = 20_000
MAX_CSV_BYTES = 5 * 1024 * 1024


def _keeper(user) -> None:
    if not can_keep_bilan_records(user):
        raise NotFound()


def _household_id(reference: str | None, user) -> str | None:
    if not reference:
        return None
    found = db.session.execute(
        select(Household.id).where(Household.reference == reference.strip().upper(),
                                   Household.team_structure_id == user.structure_id)
    ).scalar_one_or_none()
    if found is None:
        raise Invalid({"household": [UNKNOWN_HOUSEHOLD]})
    return found


def _expense(values: dict, user, household_id: str | None, import_id=None) -> Expense:
    values = {k: v for k, v in values.items() if k != "household"}
    return Expense(id=new_id(), structure_id=user.structure_id, household_id=household_id,
                   recorded_by_id=user.id, import_id=import_id, **values)


def record_expense(user, data, pdf: bytes | None = None, filename: str | None = None) -> Expense:
    """One expense of the user's structure, with its supporting PDF if any: checked and cleaned
    by the uploads module (child process with limits) before anything is kept."""
    _keeper(user)
    values = validated(ExpenseSchema(), data)
    expense = _expense(values, user, _household_id(values.get("household"), user))
    if pdf:
        try:
            upload = uploads.accept(pdf, filename, user, purpose="justificatif_depense")
        except uploads.Refused as exc:
            raise Invalid({"justificatif": [exc.reason]}) from exc
        expense.supporting_sha256 = upload.sha256
    db.session.add(expense)
    audit.record("create", "expense", expense.id, expense.household_id, user=user)
    commit()
    return expense


def supporting_pdf(user, expense_id: str) -> tuple[Expense, bytes]:
    """The checked copy of an expense's supporting PDF, for its structure's keepers."""
    _keeper(user)
    expense = db.session.get(Expense, expense_id)
    if expense is None or expense.structure_id != user.structure_id \
            or not expense.supporting_sha256:
        raise NotFound()
    return expense, uploads.upload_store().get(expense.supporting_sha256)


def delete_expense(user, expense_id: str) -> None:
    _keeper(user)
    expense = db.session.get(Expense, expense_id)
    if expense is None or expense.structure_id != user.structure_id:
        raise NotFound()
    audit.record("delete", "expense", expense.id, expense.household_id, user=user,
                 amount=str(expense.amount), on=expense.on.isoformat())
    db.session.delete(expense)
    commit()


@dataclass(frozen=True)
class Imported:
    import_id: str
    count: int


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Invalid({"fichier": ["Le fichier n'est pas un texte lisible (UTF-8 ou Windows)."]})


def _french_day(value: str) -> str:
    """« 31/01/2026 » → « 2026-01-31 »; anything else is left for the schema to judge."""
    match = re.fullmatch(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*", value or "")
    return f"{match[3]}-{int(match[2]):02d}-{int(match[1]):02d}" if match else value


def _line_messages(number: int, errors: dict) -> list[str]:
    out = []
    for name, messages in errors.items():
        text = messages[0] if isinstance(messages, list) else str(messages)
        out.append(f"Ligne {number}, {FIELD_NAMES.get(name, name)} : {text}")
    return out


def import_expenses(user, raw: bytes) -> Imported:
    """A year's ledger as CSV (« ; » or « , »), header line first. Every line is checked; one
    wrong line and nothing is imported: the answer lists each wrong line in French."""
    _keeper(user)
    if len(raw) > MAX_CSV_BYTES:
        raise Invalid({"fichier": ["Le fichier dépasse 5 Mo."]})
    content = _decode(raw)
    dialect = ";" if content.split("\n", 1)[0].count(";") >= content.split("\n", 1)[0].count(",") \
        else ","
    reader = csv.DictReader(io.StringIO(content), delimiter=dialect)
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in CSV_COLUMNS[:-1] if c not in header]
    if missing:
        raise Invalid({"fichier": [
            "Colonnes manquantes : " + ", ".join(missing) + ". La première ligne doit nommer "
            "les colonnes : " + " ; ".join(CSV_COLUMNS) + "."]})
    references = dict(db.session.execute(
        select(Household.reference, Household.id)
        .where(Household.team_structure_id == user.structure_id)).tuples().all())
    schema, problems, rows = ExpenseSchema(), [], []
    for number, line in enumerate(reader, start=2):
        if number > MAX_CSV_LINES:
            raise Invalid({"fichier": [f"Le fichier dépasse {MAX_CSV_LINES} lignes."]})
        cells = {k.strip().lower(): (v or "").strip() for k, v in line.items() if k}
        if not any(cells.values()):
            continue
        data = {CSV_FIELDS[c]: cells.get(c, "") for c in CSV_COLUMNS}
        data["on"] = _french_day(data["on"])
        errors = schema.validate(data)
        reference = data.get("household", "").upper()
        if reference and reference not in references:
            errors.setdefault("household", [UNKNOWN_HOUSEHOLD])
        if errors:
            problems.extend(_line_messages(number, errors))
            continue
        rows.append((schema.load(data), references.get(reference)))
    if problems:
        raise Invalid({"fichier": problems},
                      f"Rien n'a été importé : {len(problems)} erreur(s) à corriger dans le "
                      f"fichier.")
    if not rows:
        raise Invalid({"fichier": ["Le fichier ne contient aucune dépense."]})
    import_id = new_id()
    db.session.add_all(_expense(values, user, household, import_id) for values, household in rows)
    audit.record("import", "expense", import_id, None, user=user, lines=len(rows))
    commit()
    return Imported(import_id, len(rows))


def record_staff_post(user, data) -> StaffPost:
    _keeper(user)
    post = StaffPost(id=new_id(), structure_id=user.structure_id, recorded_by_id=user.id,
                     **validated(StaffPostSchema(), data))
    db.session.add(post)
    audit.record("create", "staff_post", post.id, None, user=user)
    commit()
    return post


def record_collective_action(user, data) -> CollectiveAction:
    _keeper(user)
    action = CollectiveAction(id=new_id(), structure_id=user.structure_id,
                              recorded_by_id=user.id,
                              **validated(CollectiveActionSchema(), data))
    db.session.add(action)
    audit.record("create", "collective_action", action.id, None, user=user)
    commit()
    return action


def team_professionals(user) -> list[User]:
    """Who may attend an analyse de pratiques session: the structure's active accounts."""
    return list(db.session.execute(
        select(User).where(User.structure_id == user.structure_id, User.active)
        .order_by(User.full_name)).scalars())


def record_practice_session(user, data) -> PracticeSession:
    _keeper(user)
    values = validated(PracticeSessionSchema(), data)
    attendees = list(dict.fromkeys(values.pop("attendees")))
    if set(attendees) - {u.id for u in team_professionals(user)}:
        raise Invalid({"attendees": [NOT_IN_TEAM]})
    session = PracticeSession(id=new_id(), structure_id=user.structure_id,
                              recorded_by_id=user.id, **values)
    db.session.add(session)
    db.session.add_all(PracticeAttendance(id=new_id(), session_id=session.id, user_id=u)
                       for u in attendees)
    audit.record("create", "practice_session", session.id, None, user=user,
                 attendees=len(attendees))
    commit()
    return session


def save_forecast_line(user, data) -> ForecastLine:
    """The forecast of one account for one funder and exercise, replacing the previous one."""
    _keeper(user)
    values = validated(ForecastLineSchema(), data)
    line = db.session.execute(select(ForecastLine).where(
        ForecastLine.structure_id == user.structure_id, ForecastLine.year == values["year"],
        ForecastLine.funder == values["funder"], ForecastLine.account == values["account"])
    ).scalar_one_or_none()
    if line is None:
        line = ForecastLine(id=new_id(), structure_id=user.structure_id, **values,
                            recorded_by_id=user.id)
        db.session.add(line)
    else:
        line.amount, line.recorded_by_id = values["amount"], user.id
    audit.record("update", "forecast_line", line.id, None, user=user)
    commit()
    return line


def save_gap_explanation(user, data) -> GapExplanation:
    """Why a line of a compte rendu financier departs from its forecast."""
    _keeper(user)
    values = validated(GapExplanationSchema(), data)
    period = f"{values['debut'].isoformat()}/{values['fin'].isoformat()}"
    row = db.session.execute(select(GapExplanation).where(
        GapExplanation.structure_id == user.structure_id, GapExplanation.period == period,
        GapExplanation.scope == values["scope"], GapExplanation.account == values["account"])
    ).scalar_one_or_none()
    if row is None:
        row = GapExplanation(id=new_id(), structure_id=user.structure_id, period=period,
                             scope=values["scope"], account=values["account"],
                             text=values["text"], recorded_by_id=user.id)
        db.session.add(row)
    else:
        row.text, row.recorded_by_id = values["text"], user.id
    audit.record("update", "gap_explanation", row.id, None, user=user)
    commit()
    return row
