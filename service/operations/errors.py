"""Domain errors raised by operations, and the one place that maps them to French and HTTP."""

from __future__ import annotations

from dataclasses import dataclass

from service.errors import (  # noqa: F401  (re-exported: operations raise these)
    Conflict,
    IdempotencyConflict,
    Invalid,
    NotFound,
    OperationError,
    PreflightFailed,
    StaleVersion,
)


@dataclass(frozen=True)
class Answer:
    status: int
    message: str
    fields: dict | list
    problems: list[str]


def http_answer(error: OperationError) -> Answer:
    """The status and French words both channels give for `error`."""
    return Answer(
        status=error.status,
        message=error.message,
        fields=getattr(error, "fields", {}) or {},
        problems=_placed(error),
    )


def _placed(error: OperationError) -> list[str]:
    """Preflight problems, each one traced to an answer prefixed with its section and field."""
    places = {item.message: item.placed for item in getattr(error, "located", ())}
    return [places.get(str(p), str(p)) for p in getattr(error, "problems", []) or []]
