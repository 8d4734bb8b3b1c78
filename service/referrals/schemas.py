"""Validation of the Plateforme's decision on a fiche de lien (web form and API alike)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, post_load, validate, validates_schema

from service.kinds.fields import Text, text
from service.referrals.models import DECISIONS, REFUSAL_REASONS

CHOOSE_DECISION = "Choisissez une décision."
REFUSAL_REASON_NEEDED = "Indiquez le motif du refus."
TEAM_NEEDED = "Choisissez l'équipe qui accompagnera le ménage."


class DecisionSchema(Schema):
    decision = Text(required=True, validate=validate.OneOf(list(DECISIONS), error=CHOOSE_DECISION),
                    error_messages={"required": CHOOSE_DECISION, "null": CHOOSE_DECISION})
    reason = text(max_length=40)  # checked below: required and from the list for a refusal
    team_structure_id = text(max_length=36)  # checked against the teams by the operation
    comment = text(max_length=2000)

    @validates_schema
    def _consequences(self, data, **kw):
        problems = {}
        if data.get("decision") == "refuse" and data.get("reason") not in REFUSAL_REASONS:
            problems["reason"] = [REFUSAL_REASON_NEEDED]
        if data.get("decision") == "admis" and not data.get("team_structure_id"):
            problems["team_structure_id"] = [TEAM_NEEDED]
        if problems:
            raise ValidationError(problems)

    @post_load
    def _reason_for_refusals_only(self, data, **kw):
        if data.get("decision") != "refuse":
            data["reason"] = None
        return data
