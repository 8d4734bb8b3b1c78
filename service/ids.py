"""Random identifiers: every URL-visible id is a UUID4, never a sequence (no enumeration)."""

import uuid

from sqlalchemy import String
from sqlalchemy.orm import mapped_column


def new_id() -> str:
    return str(uuid.uuid4())


def id_column():
    return mapped_column(String(36), primary_key=True, default=new_id)
