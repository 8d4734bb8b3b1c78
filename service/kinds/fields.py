"""marshmallow fields with French error messages and the text hygiene every kind needs."""

from __future__ import annotations

import datetime as dt
import re

from marshmallow import ValidationError, fields, missing, types, validate

from service.kinds import hygiene

REQUIRED = "Ce champ est obligatoire."
MESSAGES: types.ErrorMessages = {
    "required": REQUIRED,
    "null": REQUIRED,
    "invalid": "Valeur non valide.",
}
SHORT = 200
LONG = 6000


def clean_text(value: str) -> str:
    return hygiene.clean(value)


class Text(fields.String):
    """A string in NFC, control characters removed; empty means missing; a character with no
    place in a name or a sentence (service.kinds.hygiene) is refused, named, beside the field."""

    default_error_messages = {**MESSAGES, "invalid": "Texte non valide."}

    def _deserialize(self, value, attr, data, **kwargs):
        text = clean_text(super()._deserialize(value, attr, data, **kwargs))
        if not text and self.required:
            raise self.make_error("required")
        message = hygiene.problem(text)
        if message is not None:
            raise ValidationError(message)
        return text or None

    def _validate(self, value):
        if value is not None:  # an empty optional answer is not checked against the list
            super()._validate(value)


def text(required: bool = False, max_length: int = SHORT, **kw) -> Text:
    return Text(
        required=required,
        allow_none=not required,
        validate=validate.Length(
            max=max_length, error=f"{max_length} caractères au maximum."
        ),
        **kw,
    )


def choice(choices, required: bool = False) -> Text:
    codes = [c for c, _ in choices]
    return Text(
        required=required,
        allow_none=not required,
        validate=validate.OneOf(codes, error="Choisissez une valeur dans la liste."),
    )


def choices(choices, required: bool = False, max_items: int = 30) -> fields.List:
    codes = [c for c, _ in choices]
    return fields.List(
        Text(validate=validate.OneOf(codes, error="Valeur non reconnue.")),
        required=required,
        load_default=missing if required else list,
        validate=validate.Length(
            min=1 if required else 0,
            max=max_items,
            error="Cochez au moins une case." if required else "Trop de valeurs.",
        ),
        error_messages=MESSAGES,
    )


class EmptyIsNone:
    """Mixin: an empty answer is None (or 'required'), and validators never see None."""

    def _deserialize(self, value, attr, data, **kwargs):
        if value in ("", None):
            if self.required:
                raise self.make_error("required")
            return None
        return super()._deserialize(self._normalise(value), attr, data, **kwargs)

    def _normalise(self, value):
        return value

    def _validate(self, value):
        if value is not None:
            super()._validate(value)


class FrDate(EmptyIsNone, fields.Date):
    default_error_messages = {**MESSAGES, "invalid": "Date non valide (jj/mm/aaaa)."}


def as_day(value) -> dt.date | None:
    """A loaded date or the raw ISO text of a draft; None when absent or unreadable (rules
    spanning sections also run on raw drafts)."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def date_field(required: bool = False) -> FrDate:
    return FrDate(required=required, allow_none=not required)


class Money(EmptyIsNone, fields.Decimal):
    """Decimal euros; accepts '1 234,56' as typed in France."""

    default_error_messages = {**MESSAGES, "invalid": "Montant non valide (ex. : 1 234,56)."}

    def __init__(self, **kw):
        super().__init__(places=2, as_string=True, **kw)

    def _normalise(self, value):
        if isinstance(value, str):
            return re.sub(r"[\s\u00a0\u202f€]", "", value).replace(",", ".")
        return value


def money(required: bool = False) -> Money:
    return Money(
        required=required,
        allow_none=not required,
        validate=validate.Range(min=0, max=1_000_000, error="Montant hors limites."),
    )


class FrInteger(EmptyIsNone, fields.Integer):
    default_error_messages = {**MESSAGES, "invalid": "Nombre entier attendu."}


def integer(required: bool = False, minimum: int = 0, maximum: int = 120) -> FrInteger:
    return FrInteger(
        required=required,
        allow_none=not required,
        validate=validate.Range(
            min=minimum, max=maximum, error=f"Entre {minimum} et {maximum}."
        ),
    )


def nested_list(schema, required: bool = False, min_items: int = 0, max_items: int = 20):
    return fields.List(
        fields.Nested(schema),
        required=required,
        load_default=missing if required else list,
        validate=validate.Length(
            min=min_items,
            max=max_items,
            error=f"Entre {min_items} et {max_items} lignes." if min_items else
            f"{max_items} lignes au maximum.",
        ),
        error_messages=MESSAGES,
    )
