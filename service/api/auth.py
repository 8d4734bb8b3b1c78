"""Bearer-token authentication for every API route (cookies are never accepted there)."""

from flask import abort, g, request

from service.auth.session import user_from_bearer


def require_token():
    user = user_from_bearer(request)
    if user is None:
        abort(401, description="Jeton d'API manquant ou invalide.")
    g.api_user = user
