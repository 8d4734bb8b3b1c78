"""Bearer-token authentication for every API route (cookies are never accepted there)."""

from flask import g, request
from flask_smorest import abort

from service.auth.session import user_from_bearer


def require_token():
    user = user_from_bearer(request)
    if user is None:
        # RFC 6750 §3: a 401 names the scheme the client must use.
        abort(401, message="Jeton d'API manquant ou invalide.",
              headers={"WWW-Authenticate": 'Bearer realm="api"'})
    g.api_user = user
