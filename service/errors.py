"""Errors the domain reports to users, in French; `operations.errors` maps them to HTTP.

They live at the bottom of the layers so that every layer may raise them.
"""

from __future__ import annotations

from collections.abc import Sequence


class OperationError(Exception):
    """Base of every error an operation reports to a user; `message` is French."""

    status = 400
    message = "La demande n'a pas pu être traitée."

    def __init__(self, message: str | None = None):
        super().__init__(message or self.message)
        if message:
            self.message = message


class Invalid(OperationError):
    """Input refused: `fields` maps each field (nested for sections) to its French messages."""

    status = 422
    message = "Données non valides."

    def __init__(self, fields: dict | list | None = None, message: str | None = None):
        super().__init__(message)
        self.fields = fields or {}


class PreflightFailed(OperationError):
    """The rendered document would be released with a fault; nothing was registered."""

    status = 422
    message = "Le document produit n'a pas passé les contrôles ; rien n'a été enregistré."

    def __init__(self, problems: list[str], located: Sequence = ()):
        super().__init__("; ".join(problems))
        self.message = PreflightFailed.message
        self.problems = problems
        # The problems traced to an answer (service.documents.locate.Located), for the form.
        self.located = tuple(located)

    @property
    def messages(self) -> list[str]:
        return self.problems


class IdempotencyConflict(OperationError):
    """The same idempotency key was used before for a different payload."""

    status = 409
    message = "Cette clé d'idempotence a déjà servi pour un autre document."


class StaleVersion(OperationError):
    """The record changed since the version the user read."""

    status = 409
    message = "Ces informations ont été modifiées entre-temps : rechargez la page."


class Conflict(OperationError):
    """The action does not fit the record's current state (already sent, already sealed…)."""

    status = 409
    message = "Cette action n'est plus possible dans l'état actuel du document."


class NotFound(OperationError):
    """Missing, or not visible to this user: both answer 404 (DESIGN.md §5)."""

    status = 404
    message = "Cette ressource n'existe pas, ou vous n'y avez pas accès."
