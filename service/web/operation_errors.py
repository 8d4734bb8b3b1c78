"""An operation's refusal as a page shows it: French messages by field id, and the status."""

from __future__ import annotations

from flask import abort

from service.operations.errors import OperationError, http_answer
from service.web.formdata import flatten_errors


def page_errors(error: OperationError, anchor: str = "_schema") -> tuple[dict[str, str], int]:
    """({field id: message}, status) for the form page; a refusal about no field goes on `anchor`.

    A NotFound is the 404 page, as for an object the user may not see (DESIGN.md §5).
    """
    answer = http_answer(error)
    if answer.status == 404:
        abort(404)
    errors = flatten_errors(answer.fields) if answer.fields else {}
    return errors or {anchor: answer.message}, answer.status
