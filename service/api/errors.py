"""JSON errors of the API, in French, with the view's own message.

The web pages register handlers for some codes (404, 409, 413...) that would answer API clients
with a generic page message. The API blueprint registers its own handler per code, which Flask
consults first for requests routed to the blueprint, so an API client always gets
{"code", "status", "message"[, "errors"]}.
"""

from __future__ import annotations

from typing import NoReturn

from flask_smorest import abort
from werkzeug.exceptions import HTTPException

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


def abort_for(error: OperationError) -> NoReturn:
    """Answer an operation's refusal: its status, its French message, its fields or problems.

    The same answer the web page gives (service.operations.errors.http_answer); field messages
    come as {"errors": {"json": {field: [messages]}}}, preflight problems as
    {"errors": {"preflight": [...]}}.
    """
    answer = http_answer(error)
    details: dict = {}
    if answer.fields:
        details["json"] = french(answer.fields)
    if answer.problems:
        details["preflight"] = answer.problems
    abort(answer.status, message=answer.message, **({"errors": details} if details else {}))
