"""Validation of the bilans' own records: staff posts, collective actions, practice sessions."""

from __future__ import annotations

import re
from decimal import Decimal

from marshmallow import Schema, fields, validate

from service.finance.vocabulary import FUNDERS
from service.kinds.fields import MESSAGES, EmptyIsNone, Text, choice, date_field, integer, text
from service.reporting.vocabulary import COLLECTIVE_KINDS, POSTS


class FrDecimal(EmptyIsNone, fields.Decimal):
    default_error_messages = {**MESSAGES, "invalid": "Nombre non valide (ex. : 0,5)."}

    def __init__(self, **kw):
        super().__init__(places=2, as_string=True, **kw)

    def _normalise(self, value):
        return re.sub(r"\s", "", value).replace(",", ".") if isinstance(value, str) else value


def decimal(low: str, high: str) -> FrDecimal:
    french = f"Entre {low.replace('.', ',')} et {high.replace('.', ',')}."
    return FrDecimal(required=True, validate=validate.Range(
        min=Decimal(low), max=Decimal(high), error=french))


class StaffPostSchema(Schema):
    year = integer(required=True, minimum=2000, maximum=2100)
    post = choice(POSTS, required=True)
    label = text()
    etp = decimal("0.05", "1.0")
    months = decimal("0", "12")
    funder = choice(FUNDERS)


class CollectiveActionSchema(Schema):
    on = date_field(required=True)
    kind = choice(COLLECTIVE_KINDS, required=True)
    title = text(required=True)
    participants = integer(required=True, minimum=0, maximum=1000)


class PracticeSessionSchema(Schema):
    on = date_field(required=True)
    facilitator = text()
    expected = integer(required=True, minimum=1, maximum=100)
    attendees = fields.List(Text(), load_default=list)  # checked against the team
