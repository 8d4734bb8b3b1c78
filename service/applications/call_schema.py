"""A call for applications as data: the marshmallow schema of its definition, shared by the web
form and the API (same French messages beside the same fields), and the conversions between a
loaded definition, the JSON columns of CallForApplications and the definition as typed.

The rules of service.applications.checklist, budget and comparison read what this schema keeps:
each envelope line's code (the candidates' posts and budget lines point at it), amount, account
(74-*), quantity, unit (« logements » and « ETP » have ratios of their own) and months; the
expected team's etp and encadrement_min; the pieces in the call's order; the deadline's day in
Paris and the territory.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal

from marshmallow import (
    Schema,
    ValidationError,
    fields,
    validate,
    validates_schema,
)

from service.applications import vocabulary as V
from service.applications.schemas import FrDecimal, FrEmail
from service.finance import accounts as A
from service.kinds.fields import (
    MESSAGES,
    FrDate,
    FrInteger,
    Money,
    Text,
    choice,
    text,
)
from service.rendering.formatting import date_fr, datetime_fr
from service.rendering.typography import no_break
from service.timeutil import PARIS, as_utc

NBSP = "\u00a0"
MAX_ENVELOPE_AMOUNT = 100_000_000
# The budget accounts a call's subsidy may be entered on: the 74 lines of the CERFA chart.
ACCOUNTS = [(code, label) for code, label in A.choices(A.PRODUIT) if code.startswith("74-")]
# What an envelope line counts; the code is the word the checks print (« pour 64 logements »).
UNITS = [("logements", "logements"), ("ETP", "ETP"), ("ménages", "ménages"),
         ("places", "places")]
REQUIREMENTS = [(V.ALWAYS, "Toujours"),
                (V.IF_GROUPED, "Pour une candidature groupée seulement")]
PIECE_CHOICES = [(key, title) for key, (title, _) in V.PIECES.items()]
# A code names an envelope line in the candidates' team and budget (a form field's name there):
# « autre » is the column of the resources outside the envelope; the others are WTForms' own.
CODE = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
RESERVED_CODES = frozenset({V.OTHER_FUNDING, "data", "errors", "meta", "process", "validate",
                            "populate_obj", "form_errors"})
# The last minute of a deadline is included: « 23:59 » closes at 23:59:59.
DEFAULT_TIME = "23:59"
TIME = re.compile(r"^(\d{1,2})\s*[:hH]\s*(\d{2})?(?::(\d{2}))?$")


class Code(Text):
    """A line's or a funder's code: lower case, digits and « _ »."""

    def _deserialize(self, value, attr, data, **kwargs):
        found = super()._deserialize(value, attr, data, **kwargs)
        if found is None:
            return None
        if not CODE.match(found):
            raise ValidationError(f"Le code s'écrit en minuscules sans accent, chiffres et "
                                  f"«{NBSP}_{NBSP}», 30 caractères au plus (ex.{NBSP}: "
                                  f"iml_ddets).")
        if found in RESERVED_CODES:
            raise ValidationError(f"«{NBSP}{found}{NBSP}» est réservé par le service"
                                  f"{NBSP}: choisissez un autre code.")
        return found


def code(required: bool = True) -> Code:
    return Code(required=required, allow_none=not required)


def rows(schema, what: str, max_items: int):
    """A required list of at least one row, with a message saying what to add."""
    return fields.List(fields.Nested(schema), required=True, validate=[
        validate.Length(min=1, error=f"Indiquez au moins {what}."),
        validate.Length(max=max_items, error=f"{max_items} lignes au plus.")],
        error_messages={**MESSAGES, "required": f"Indiquez au moins {what}.",
                        "null": f"Indiquez au moins {what}.",
                        "invalid": "Une liste est attendue."})


class Deadline(fields.Field):
    """The deadline as typed: {date, time} (« 2026-03-31 », « 23:59 », Paris time; no time is
    the whole day) or an ISO timestamp (without offset: Paris time). Loaded as an aware
    datetime; written back as {date, time} in Paris."""

    default_error_messages = MESSAGES

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            return _timestamp(value)
        if not isinstance(value, dict):
            raise ValidationError("Indiquez la date et l'heure limites de dépôt.")
        unknown = set(value) - {"date", "time"}
        if unknown:
            raise ValidationError({key: ["Champ inconnu."] for key in sorted(unknown)})
        day_text = value.get("date")
        time_text = value.get("time")
        errors: dict[str, list[str]] = {}
        day = None
        if not isinstance(day_text, str) or not day_text.strip():
            errors["date"] = ["Indiquez le jour de la date limite."]
        else:
            day = _day(day_text.strip())
            if day is None:
                errors["date"] = [f"Date non valide (jj/mm/aaaa, ex.{NBSP}: 31/03/2026)."]
        hour = None
        if time_text is not None and not isinstance(time_text, str):
            errors["time"] = ["Texte attendu."]
        else:
            hour = _time((time_text or "").strip() or DEFAULT_TIME)
            if hour is None:
                errors["time"] = [f"Heure non valide (ex.{NBSP}: 23:59 ou 12 h 00)."]
        if errors:
            raise ValidationError(errors)
        assert day is not None and hour is not None
        return datetime.combine(day, hour, tzinfo=PARIS)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        local = as_utc(value).astimezone(PARIS)
        shown = f"{local.hour:02d}:{local.minute:02d}"
        return {"date": local.date().isoformat(),
                "time": shown if local.second == 59 else f"{shown}:{local.second:02d}"}


def _timestamp(value: str) -> datetime:
    try:
        found = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(f"Date et heure non valides (ex.{NBSP}: 2026-03-31T23:59:59, "
                              "heure de Paris).") from None
    return found.replace(tzinfo=PARIS) if found.tzinfo is None else found.astimezone(PARIS)


def _day(value: str) -> date | None:
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value)
    try:
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
        return date.fromisoformat(value)
    except ValueError:
        return None


def _time(value: str) -> time | None:
    match = TIME.match(value)
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2] or 0)
    second = int(match[3]) if match[3] is not None else 59
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


class EmailList(fields.Field):
    """The call's contacts: a list of addresses, or one text with an address per line (or
    separated by commas or semicolons), as the web form sends it."""

    default_error_messages = MESSAGES

    def _deserialize(self, value, attr, data, **kwargs):
        if value is None or value == "":
            return []
        if isinstance(value, str):
            items = [v for v in re.split(r"[\s,;]+", value) if v]
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            items = [v.strip() for v in value if v.strip()]
        else:
            raise ValidationError("Une liste d'adresses électroniques est attendue.")
        if len(items) > 10:
            raise ValidationError("10 adresses au plus.")
        checker = FrEmail(required=True)
        found: list[str] = []
        for item in items:
            try:
                checker.deserialize(item)
            except ValidationError:
                raise ValidationError(f"Adresse électronique non valide{NBSP}: «{NBSP}{item}"
                                      f"{NBSP}» (ex.{NBSP}: nom@structure.fr).") from None
            if item.lower() not in {f.lower() for f in found}:
                found.append(item)
        return found

    def _serialize(self, value, attr, obj, **kwargs):
        return list(value or [])


class FunderSchema(Schema):
    code = code()
    name = text(required=True, max_length=200)


def _positive_amount() -> Money:
    return Money(required=True, validate=[
        validate.Range(min=0, min_inclusive=False,
                       error=f"Le montant doit être supérieur à 0{NBSP}€."),
        validate.Range(max=MAX_ENVELOPE_AMOUNT, error="Montant hors limites.")])


class EnvelopeLineSchema(Schema):
    code = code()
    funder = text(required=True, max_length=30)
    credits = text(required=True, max_length=40)
    label = text(required=True, max_length=200)
    account = choice(ACCOUNTS, required=True)
    amount = _positive_amount()
    quantity = FrInteger(required=True, validate=validate.Range(
        min=1, max=100_000, error="Entre 1 et 100 000."))
    unit = choice(UNITS, required=True)
    months = FrInteger(required=True, validate=validate.Range(
        min=1, max=60, error="Entre 1 et 60 mois."))


class ExpectedTeamSchema(Schema):
    etp = FrDecimal(required=True, validate=validate.Range(
        min=Decimal("0.5"), max=Decimal("500"), error="Entre 0,5 et 500 ETP."))
    encadrement_min = FrDecimal(required=True, validate=validate.Range(
        min=Decimal("0"), max=Decimal("500"), error="Entre 0 et 500 ETP."))

    @validates_schema
    def _lead_within_team(self, data, **kw):
        team, lead = data.get("etp"), data.get("encadrement_min")
        if team is not None and lead is not None and lead > team:
            raise ValidationError("L'encadrement ne peut pas dépasser l'équipe attendue.",
                                  "encadrement_min")


class PieceSchema(Schema):
    key = Text(required=True, validate=validate.OneOf(
        [k for k, _ in PIECE_CHOICES],
        error=f"Pièce inconnue{NBSP}: choisissez l'une des pièces de la liste."))
    required = choice(REQUIREMENTS, required=True)


def _date(required_message: str) -> FrDate:
    return FrDate(required=True, error_messages={
        **FrDate.default_error_messages, "required": required_message,
        "null": required_message})


class CallSchema(Schema):
    """A call's definition. The rules across fields: every envelope line's funder is one of
    the declared funders; codes and pieces appear once; the results come after the deadline's
    day (in Paris) and the launch after the results."""

    reference = Text(required=True, validate=[
        validate.Length(max=40, error="40 caractères au maximum."),
        validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9-]*$", error=(
            "La référence s'écrit en lettres sans accent, chiffres et tirets (ex."
            f"{NBSP}: AAP-BAIL-DABORD-2026)."))])
    title = text(required=True, max_length=300)
    territory = text(required=True, max_length=200)
    funders = rows(FunderSchema, "un financeur", 10)
    envelope = rows(EnvelopeLineSchema, "une ligne à l'enveloppe", 20)
    expected_team = fields.Nested(ExpectedTeamSchema, required=True,
                                  error_messages=MESSAGES)
    pieces = rows(PieceSchema, "une pièce à joindre", len(V.PIECES))
    contacts = EmailList(load_default=list)
    deadline = Deadline(required=True, error_messages={
        **MESSAGES, "required": "Indiquez la date limite de dépôt.",
        "null": "Indiquez la date limite de dépôt."})
    results_on = _date("Indiquez la date d'annonce des résultats.")
    launch_on = _date("Indiquez la date de lancement de l'action.")

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _across(self, data, original, **kw):
        """Read from what was sent, so that a line with a wrong amount still hears that its
        funder is not declared: every problem is told at once."""
        errors: dict = {}
        sent = original if isinstance(original, dict) else {}
        funders = _sent_rows(sent.get("funders"))
        lines = _sent_rows(sent.get("envelope"))
        pieces = _sent_rows(sent.get("pieces"))
        _once(funders, "code", "funders", "Ce code figure déjà parmi les financeurs.", errors)
        _once(lines, "code", "envelope", "Ce code figure déjà dans l'enveloppe.", errors)
        _once(pieces, "key", "pieces", "Cette pièce figure déjà dans la liste.", errors)
        declared = {_clean(f.get("code")) for f in funders} - {""}
        for index, line in enumerate(lines):
            funder = _clean(line.get("funder"))
            if funder and funder not in declared:
                _add(errors, "envelope", index, "funder",
                     "Ce financeur n'est pas déclaré parmi les financeurs de l'appel"
                     f"{NBSP}: ajoutez-le, ou choisissez l'un d'eux.")
        deadline, results, launch = (data.get("deadline"), data.get("results_on"),
                                     data.get("launch_on"))
        if deadline is not None and results is not None:
            last_day = deadline.astimezone(PARIS).date()
            if results <= last_day:
                errors["results_on"] = [
                    f"L'annonce des résultats ({no_break(date_fr(results))}) doit venir après "
                    f"le jour de la date limite de dépôt ({no_break(datetime_fr(deadline))})."]
        if results is not None and launch is not None and launch <= results:
            errors["launch_on"] = [
                f"Le lancement de l'action ({no_break(date_fr(launch))}) doit venir après "
                f"l'annonce des résultats ({no_break(date_fr(results))})."]
        if errors:
            raise ValidationError(errors)


def _sent_rows(value) -> list[dict]:
    return [r if isinstance(r, dict) else {} for r in value] if isinstance(value, list) else []


def _clean(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _once(items: list[dict], key: str, field: str, message: str, errors: dict) -> None:
    seen: set[str] = set()
    for index, item in enumerate(items):
        value = _clean(item.get(key))
        if value and value in seen:
            _add(errors, field, index, key, message)
        seen.add(value)


def _add(errors: dict, field: str, index: int, key: str, message: str) -> None:
    errors.setdefault(field, {}).setdefault(index, {})[key] = [message]


# ---- conversions ----

# What a submitted dossier was prepared and checked against: frozen once one is submitted.
FROZEN = ("reference", "territory", "funders", "envelope", "expected_team", "pieces")
FROZEN_LABELS = {"reference": "la référence", "territory": "le territoire",
                 "funders": "les financeurs", "envelope": "l'enveloppe",
                 "expected_team": "l'équipe attendue", "pieces": "les pièces demandées"}


def _cents(value: Decimal) -> str:
    return str(Decimal(value).quantize(A.CENT))


def stored(values: dict) -> dict:
    """A loaded definition as the call's columns hold it (decimals as strings): what
    service.applications.calls.create_call takes."""
    return {
        "reference": values["reference"], "title": values["title"],
        "territory": values["territory"],
        "funders": [{"code": f["code"], "name": f["name"]} for f in values["funders"]],
        "envelope": [{"code": line["code"], "funder": line["funder"],
                      "credits": line["credits"], "label": line["label"],
                      "account": line["account"], "amount": _cents(line["amount"]),
                      "quantity": int(line["quantity"]), "unit": line["unit"],
                      "months": int(line["months"])} for line in values["envelope"]],
        "expected_team": {"etp": _cents(values["expected_team"]["etp"]),
                          "encadrement_min": _cents(values["expected_team"]["encadrement_min"])},
        "pieces": [{"key": p["key"], "required": p["required"]} for p in values["pieces"]],
        "contacts": list(values.get("contacts") or []),
        "deadline": values["deadline"],
        "results_on": values["results_on"], "launch_on": values["launch_on"],
    }


def definition_of(call) -> dict:
    """A stored call as its definition is typed (JSON values): what the API answers, what an
    edit form starts from, and what a PUT may send back as it is."""
    return {
        "reference": call.reference, "title": call.title, "territory": call.territory,
        "funders": [{"code": f["code"], "name": f["name"]} for f in call.funders or []],
        "envelope": [dict(line) for line in call.envelope or []],
        "expected_team": {"etp": str(call.expected_team.get("etp", "")),
                          "encadrement_min": str(call.expected_team.get("encadrement_min",
                                                                        ""))},
        "pieces": [{"key": p["key"], "required": p["required"]} for p in call.pieces or []],
        "contacts": list(call.contacts or []),
        "deadline": Deadline()._serialize(call.deadline, "deadline", call),
        "results_on": call.results_on.isoformat(), "launch_on": call.launch_on.isoformat(),
    }


def frozen_part(definition: dict, key: str):
    """A frozen part of a stored definition, comparable from one definition to another."""
    value = definition[key]
    if key == "funders":
        return [{"code": f["code"], "name": f["name"]} for f in value]
    if key == "envelope":
        return [{**line, "amount": _cents(Decimal(str(line["amount"]))),
                 "quantity": int(line["quantity"]), "months": int(line["months"])}
                for line in value]
    if key == "expected_team":
        return {k: _cents(Decimal(str(v))) for k, v in value.items()}
    return value


def total(envelope: list[dict]) -> Decimal:
    """The envelope's total; a line whose amount is not (yet) a number counts for nothing."""
    found = Decimal(0)
    for line in envelope:
        typed = re.sub(r"[\s\u00a0\u202f€]", "", str(line.get("amount") or "0"))
        try:
            amount = Decimal(typed.replace(",", "."))
        except ArithmeticError:
            continue
        if amount.is_finite() and 0 < amount <= MAX_ENVELOPE_AMOUNT:
            found += amount
    return found.quantize(A.CENT)

