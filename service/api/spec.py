"""What the OpenAPI document says beyond what flask-smorest derives: numbers as numbers, the
document kinds a path accepts as an enum, timestamps with their offset."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask import Flask, request
from marshmallow import ValidationError, fields

from service import kinds
from service.kinds.base import HOUSEHOLD, PERIOD
from service.timeutil import as_utc

NUMERIC_KEYWORDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
# The kinds each kind-keyed path accepts, shared with the OpenAPI document (the list objects
# themselves are in it): refreshed from the catalogue before the document is served, since
# higher layers register their kinds after the API is set up.
_KIND_ENUMS: dict[str, list[str]] = {}
_ACCEPTS = {
    HOUSEHOLD: lambda kind: kind.has_form,
    PERIOD: lambda kind: kind.collect is not None,
}


def kind_parameter(subject: str, description: str) -> dict:
    """The documentation of a `kind_key` path parameter: the kinds about `subject`."""
    keys = _KIND_ENUMS.setdefault(subject, [])
    return {"in": "path", "name": "kind_key", "required": True, "description": description,
            "schema": {"type": "string", "enum": keys}}


def refresh_kind_enums() -> None:
    for subject, keys in _KIND_ENUMS.items():
        keys[:] = sorted(k.key for k in kinds.with_subject(subject) if _ACCEPTS[subject](k))


def _numbers(self, field, ret, **kwargs) -> dict:
    """A Range on a Decimal field is written with the field's own serialisation, the string
    "0.00": strict client generators then refuse the schema. Bounds are numbers."""
    types = ret.get("type")
    if not {"number", "integer"} & set(types if isinstance(types, list) else [types]):
        return {}
    return {key: _number(ret[key]) for key in NUMERIC_KEYWORDS
            if isinstance(ret.get(key), str | Decimal)}


def _number(value) -> int | float:
    number = Decimal(str(value))
    return int(number) if number == number.to_integral_value() else float(number)


def init_spec(app: Flask, api) -> None:
    api.ma_plugin.converter.add_attribute_function(_numbers)
    refresh_kind_enums()

    @app.before_request
    def _kinds_of_the_document():
        if request.endpoint == "api-docs.openapi_json":
            refresh_kind_enums()


class UtcDateTime(fields.DateTime):
    """A timestamp always written with its offset (`…+00:00`): SQLite gives back naive
    datetimes, which `date-time` does not allow."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, datetime):
            value = as_utc(value)
        return super()._serialize(value, attr, obj, **kwargs)


class StrictInteger(fields.Integer):
    """An integer, and only one: neither "3", 3.5 nor true."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError("Nombre entier attendu.")
        return super()._deserialize(value, attr, data, **kwargs)
