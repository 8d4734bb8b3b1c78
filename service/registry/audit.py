"""Append-only audit log of who created, viewed, downloaded or decided what, and when."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from service.extensions import db
from service.registry.models import AuditEvent


def record(action: str, object_type: str, object_id: str | None = None,
           household_id: str | None = None, user=None, **details) -> AuditEvent:
    """Add an event to the current transaction; the caller commits with its own change."""
    actor: Any = user if user is not None else (current_user if has_request_context() else None)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        user_id=actor.id if authenticated else None,
        role=actor.role if authenticated else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        household_id=household_id,
        details=details,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event
