"""API response and request schemas (the fiche itself is the kind's own schema)."""

from marshmallow import Schema, fields


class DraftCreateSchema(Schema):
    data = fields.Dict(load_default=dict, metadata={"description": "Réponses par section"})


class DraftUpdateSchema(Schema):
    data = fields.Dict(required=True)
    version = fields.Integer(required=True, metadata={"description": "Version lue (verrou)"})


class DraftSchema(Schema):
    id = fields.String()
    kind = fields.String()
    status = fields.String()
    version = fields.Integer(attribute="version_id")
    data = fields.Dict()
    updated_at = fields.DateTime()


class EntrySchema(Schema):
    id = fields.String()
    series_id = fields.String()
    kind = fields.String()
    title = fields.String()
    version = fields.Integer()
    current = fields.Boolean()
    pdf_sha256 = fields.String()
    docx_sha256 = fields.String(allow_none=True)
    created_at = fields.DateTime()
    pdf_url = fields.String()
    docx_url = fields.String()


class ReferralSchema(Schema):
    id = fields.String()
    status = fields.String()
    status_label = fields.String()
    decision_reason = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    household_reference = fields.String(allow_none=True)
    latest = fields.Nested(EntrySchema)
    snapshot = fields.Dict()
