"""API response and request schemas (the fiche itself is the kind's own schema)."""

from marshmallow import Schema, fields

from service.api.spec import StrictInteger, UtcDateTime


class DraftCreateSchema(Schema):
    # Required: a POST without a body is a mistake, not a blank draft ({"data": {}} is one).
    data = fields.Dict(required=True, metadata={"description": "Réponses par section ({} pour "
                                                               "un brouillon vide)"})


class DraftUpdateSchema(Schema):
    data = fields.Dict(required=True)
    version = StrictInteger(required=True, metadata={"description": "Version lue (verrou)"})


class DraftSchema(Schema):
    id = fields.String()
    kind = fields.String()
    status = fields.String()
    version = fields.Integer(attribute="version_id")
    data = fields.Dict()
    updated_at = UtcDateTime()


class FileSchema(Schema):
    format = fields.String()
    role = fields.String()
    media_type = fields.String()
    sha256 = fields.String()
    size = fields.Integer()
    url = fields.String()


class EntryJobSchema(Schema):
    id = fields.String()
    state = fields.String()
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
    created_at = UtcDateTime()
    files = fields.List(fields.Nested(FileSchema))
    jobs = fields.List(fields.Nested(EntryJobSchema))
    pdf_url = fields.String()
    docx_url = fields.String(allow_none=True)


class ReferralSummarySchema(Schema):
    """An item of the list of fiches: no answers (they are read, and traced, one by one)."""

    id = fields.String()
    status = fields.String()
    status_label = fields.String()
    decision_reason = fields.String(allow_none=True)
    decided_at = UtcDateTime(allow_none=True)
    received_at = UtcDateTime()
    household_reference = fields.String(allow_none=True)
    version = fields.Integer(metadata={
        "description": "Version de la fiche à renvoyer avec une décision (409 si elle a changé)"})
    latest = fields.Nested(EntrySchema)
    url = fields.String()


class ReferralSchema(Schema):
    id = fields.String()
    status = fields.String()
    status_label = fields.String()
    decision_reason = fields.String(allow_none=True)
    decided_at = UtcDateTime(allow_none=True)
    household_reference = fields.String(allow_none=True)
    version = fields.Integer(metadata={
        "description": "Version de la fiche à renvoyer avec une décision (409 si elle a changé)"})
    latest = fields.Nested(EntrySchema)
    snapshot = fields.Dict()
