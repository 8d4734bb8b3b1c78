"""The snapshot a submission registers, and every generated piece reads: the call's rules, each
section as its schema loads it (service.applications.schemas), and the uploaded files."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from service.applications import vocabulary as V
from service.applications.schemas import (
    BudgetSchema,
    ConventionSchema,
    GroupingSchema,
    IdentitySchema,
    NoteSchema,
    TeamSchema,
)
from service.finance import accounts as A


class FunderSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)


class EnvelopeLineSchema(Schema):
    code = fields.String(required=True)
    funder = fields.String(required=True)
    credits = fields.String(required=True)
    label = fields.String(required=True)
    account = fields.String(required=True, validate=validate.OneOf([a.code for a in A.CHART]))
    amount = fields.Decimal(required=True, places=2, as_string=True)
    quantity = fields.Integer(required=True)
    unit = fields.String(required=True)
    months = fields.Integer(required=True)


class CallPieceSchema(Schema):
    key = fields.String(required=True, validate=validate.OneOf(list(V.PIECES)))
    required = fields.String(required=True, validate=validate.OneOf([V.ALWAYS, V.IF_GROUPED]))


class CallSnapshotSchema(Schema):
    reference = fields.String(required=True)
    title = fields.String(required=True)
    territory = fields.String(required=True)
    funders = fields.List(fields.Nested(FunderSchema), required=True)
    envelope = fields.List(fields.Nested(EnvelopeLineSchema), required=True)
    etp = fields.Decimal(required=True, places=2, as_string=True)
    encadrement_min = fields.Decimal(required=True, places=2, as_string=True)
    pieces = fields.List(fields.Nested(CallPieceSchema), required=True)
    deadline = fields.AwareDateTime(required=True)
    results_on = fields.Date(required=True)
    launch_on = fields.Date(required=True)


class UploadedFileSchema(Schema):
    filename = fields.String(required=True)
    sha256 = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))
    original_sha256 = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))
    pages = fields.Integer(required=True, validate=validate.Range(min=1))
    size = fields.Integer(required=True)


class PieceFilesSchema(Schema):
    key = fields.String(required=True, validate=validate.OneOf(list(V.PIECES)))
    files = fields.List(fields.Nested(UploadedFileSchema), required=True)


class ApplicationSnapshotSchema(Schema):
    """Everything a submission freezes: the call's rules, every section, the uploaded files."""

    reference = fields.String(required=True)
    structure = fields.String(required=True)
    call = fields.Nested(CallSnapshotSchema, required=True)
    identite = fields.Nested(IdentitySchema, required=True)
    groupement = fields.Nested(GroupingSchema, required=True)
    equipe = fields.Nested(TeamSchema, required=True)
    note = fields.Nested(NoteSchema, required=True)
    budget = fields.Nested(BudgetSchema, required=True)
    conventions = fields.Dict(keys=fields.String(), values=fields.Nested(ConventionSchema),
                              load_default=dict)
    pieces = fields.List(fields.Nested(PieceFilesSchema), load_default=list)


class ConventionSnapshotSchema(ApplicationSnapshotSchema):
    """A convention is about one lending member of the application."""

    membre = fields.String(required=True)
