"""Validation of the path records (same French messages as the document schemas)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validates_schema

from service.households.vocabulary import (
    CALEOL_DECISIONS,
    CONTACT_KINDS,
    CONTRACTS,
    END_REASONS,
    LANDLORD_TYPES,
)
from service.kinds.fields import Text, choice, date_field, integer, money, text
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
    extension_until = date_field()
    extension_reason = text()
    end_date = date_field()
    end_reason = choice(END_REASONS)
    destination = text()

    @validates_schema
    def _end_and_extension(self, data, **kw):
        problems = {}
        if data.get("end_date") and not data.get("end_reason"):
            problems["end_reason"] = ["Indiquez le motif de fin."]
        # An extension is a pair: the new planned end and why (kept in the history).
        if data.get("extension_until") and not data.get("extension_reason"):
            problems["extension_reason"] = ["Indiquez le motif de la prolongation."]
        if data.get("extension_reason") and not data.get("extension_until"):
            problems["extension_until"] = ["Indiquez la nouvelle fin prévue de la prolongation."]
        if problems:
            raise ValidationError(problems)

    @validates_schema
    def _order(self, data, **kw):
        if data.get("start") and data.get("planned_end") and data["planned_end"] <= data["start"]:
            raise ValidationError("La fin prévue doit suivre le début.", "planned_end")


class TenancySchema(Schema):
    landlord_name = text(required=True)
    landlord_type = choice(LANDLORD_TYPES, required=True)
    address = text(required=True, max_length=300)
    typology = text(max_length=20)
    contract = choice(CONTRACTS, required=True)
    caleol_date = date_field()
    caleol_decision = choice(CALEOL_DECISIONS)
    entry_date = date_field()
    rent = money()
    charges = money()
    convention_signed = date_field()
    examination_months = integer(minimum=1, maximum=60)
    glissement_date = date_field()

    @validates_schema
    def _bail_glissant(self, data, **kw):
        if data.get("contract") == "sous_location_bail_glissant":
            missing = {k: ["Obligatoire pour un bail glissant (convention L442-8-3 CCH)."]
                       for k in ("convention_signed", "examination_months") if not data.get(k)}
            if missing:
                raise ValidationError(missing)


class DroitDeSuiteSchema(Schema):
    on = date_field(required=True)
    requested_by = choice([("bailleur", ""), ("locataire", "")], required=True)
    reason = text(required=True, max_length=2000)
    action = text(max_length=2000)


class TeamMemberSchema(Schema):
    user_id = text(required=True, max_length=36)
    coordinating = fields.Boolean(load_default=False)


class ExaminationSchema(Schema):
    on = date_field(required=True)
    participants = text(required=True)
    conclusion = text(required=True, max_length=2000)
