"""JSON errors of the API, in French, with the view's own message.

The web pages register handlers for some codes (404, 409, 413...) that would answer API clients
with a generic page message. The API blueprint registers its own handler per code, which Flask
consults first for requests routed to the blueprint, so an API client always gets
{"code", "status", "message"[, "errors"]}.
"""

from __future__ import annotations

from typing import NoReturn

from flask import abort as flask_abort
from flask import jsonify
from flask_smorest import abort
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from service.operations.errors import OperationError, http_answer

MESSAGES = {
    400: "Requête mal formée.",
    401: "Jeton d'API manquant ou invalide.",
    403: "Vous n'avez pas les droits nécessaires pour cette action.",
    404: "Cette ressource n'existe pas, ou vous n'y avez pas accès.",
    405: "Méthode non autorisée sur cette ressource.",
    409: "Conflit avec l'état actuel de la ressource.",
    413: "Le contenu envoyé est trop volumineux.",
    415: "Type de contenu non pris en charge.",
    422: "Données non valides.",
    429: "Trop de demandes : réessayez dans quelques minutes.",
}
# marshmallow and webargs speak English; the service speaks French (same words as the web form).
TRANSLATIONS = {
    "Unknown field.": "Champ inconnu.",
    "Missing data for required field.": "Ce champ est obligatoire.",
    "Field may not be null.": "Ce champ est obligatoire.",
    "Invalid input type.": "Type de données non valide.",
    "Invalid type.": "Type de données non valide.",
    "Invalid value.": "Valeur non valide.",
    "Not a valid integer.": "Nombre entier attendu.",
    "Not a valid mapping type.": "Un objet JSON est attendu.",
    "Not a valid list.": "Une liste est attendue.",
    "Not a valid string.": "Texte attendu.",
    "Not a valid boolean.": "Valeur oui/non attendue.",
    "Invalid JSON body.": "Corps JSON non valide.",
}


def french(messages):
    if isinstance(messages, dict):
        return {key: french(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [french(value) for value in messages]
    if isinstance(messages, str):
        return TRANSLATIONS.get(messages, messages)
    return messages


def handle_api_error(error: HTTPException):
    """Same payload as flask-smorest's handler (abort(..., message=, errors=, headers=))."""
    code = error.code or 500
    data = getattr(error, "data", None) or {}
    payload = {"code": code, "status": error.name,
               "message": data.get("message") or MESSAGES.get(code, error.name)}
    errors = data.get("errors", data.get("messages"))
    if errors:
        payload["errors"] = french(errors)
    return payload, code, data.get("headers") or {}


def register(blueprint) -> None:
    for code in MESSAGES:
        blueprint.register_error_handler(code, handle_api_error)


# flask_smorest ships no type information, so mypy cannot see that its abort always raises.
def abort_for(error: OperationError) -> NoReturn:  # type: ignore[misc]
    """Answer an operation's refusal: its status, its French message, its fields or problems.

    The same answer the web page gives (service.operations.errors.http_answer); field messages
    come as {"errors": {"json": {field: [messages]}}}, preflight problems as
    {"errors": {"preflight": [...]}}.
    """
    answer = http_answer(error)
    if answer.status >= 500:
        # A fault the operation reported itself (a stored file that fails its check): its own
        # French message, not the generic one of an unexpected 500.
        response = jsonify(code=answer.status, status=HTTP_STATUS_CODES[answer.status],
                           message=answer.message)
        response.status_code = answer.status
        flask_abort(response)
    details: dict = {}
    if answer.fields:
        details["json"] = french(answer.fields)
    if answer.problems:
        details["preflight"] = answer.problems
    abort(answer.status, message=answer.message, **({"errors": details} if details else {}))
