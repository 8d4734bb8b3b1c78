"""Validation of the path records (same French messages as the document schemas)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validates_schema

from forms.path import CONTACT_KINDS
from service.kinds.fields import Text, choice, date_field, text
from service.timeutil import today_paris


class ContactSchema(Schema):
    on = date_field(required=True)
    kind = choice(CONTACT_KINDS, required=True)
    professionals = fields.List(Text(), load_default=list)  # checked against the team
    place = text()

    @validates_schema
    def _not_future(self, data, **kw):
        if data.get("on") and data["on"] > today_paris():
            raise ValidationError("Un contact ne peut pas être daté dans le futur.", "on")


class SupportSchema(Schema):
    start = date_field(required=True)
    planned_end = date_field(required=True)
    nurse_first_meeting = date_field()

    @validates_schema
    def _order(self, data, **kw):
        if data.get("start") and data.get("planned_end") and data["planned_end"] <= data["start"]:
            raise ValidationError("La fin prévue doit suivre le début.", "planned_end")
