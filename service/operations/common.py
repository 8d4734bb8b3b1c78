"""What every operation does the same way: validate with a schema, commit or report a race."""

from __future__ import annotations

from marshmallow import Schema, ValidationError
from sqlalchemy.orm.exc import StaleDataError

from service.extensions import db
from service.operations.errors import Invalid, StaleVersion

JSON_OBJECT_EXPECTED = "Un objet JSON est attendu."


def validated(schema: Schema, data) -> dict:
    """The schema's loaded values, or Invalid with its French messages per field."""
    if not isinstance(data, dict):
        raise Invalid({"_schema": [JSON_OBJECT_EXPECTED]}, JSON_OBJECT_EXPECTED)
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise Invalid(exc.messages) from exc


def commit(stale_message: str | None = None) -> None:
    """Commit the operation's changes; a concurrent change of a versioned row is StaleVersion.

    The versioned rows (support period, tenancy, referral) carry a version counter: when two
    requests change the same row, the second one's UPDATE matches nothing and nothing of it
    is kept.
    """
    try:
        db.session.commit()
    except StaleDataError as exc:
        db.session.rollback()
        raise StaleVersion(stale_message) from exc
