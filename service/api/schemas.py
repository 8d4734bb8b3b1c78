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


class FileSchema(Schema):
    format = fields.String()
    role = fields.String()
    media_type = fields.String()
    sha256 = fields.String()
    size = fields.Integer()
    url = fields.String()


class EntrySchema(Schema):
    id = fields.String()
    series_id = fields.String()
    kind = fields.String()
    title = fields.String()
    version = fields.Integer()
    status = fields.String()
    current = fields.Boolean()
    verification_code = fields.String(allow_none=True)
    pdf_sha256 = fields.String()
    docx_sha256 = fields.String(allow_none=True)
    created_at = fields.DateTime()
    files = fields.List(fields.Nested(FileSchema))
    pdf_url = fields.String()
    docx_url = fields.String(allow_none=True)


class ReferralSchema(Schema):
    id = fields.String()
    status = fields.String()
    status_label = fields.String()
    decision_reason = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    household_reference = fields.String(allow_none=True)
    latest = fields.Nested(EntrySchema)
    snapshot = fields.Dict()
