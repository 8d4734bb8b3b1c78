"""JSON API (flask-smorest, OpenAPI 3 at /api/v1/openapi.json), bearer-token authentication."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from service.extensions import csrf

api = Api()


def init_api(app: Flask) -> None:
    from service.api import fiches, households, verification

    app.config.setdefault("API_SPEC_OPTIONS", {
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
        "info": {"description": "Fiches de lien et registre des documents. Authentification : "
                                "en-tête « Authorization: Bearer <jeton> » (jeton créé dans "
                                "« Mon compte »)."},
    })
    api.init_app(app)
    api.register_blueprint(fiches.blp)
    api.register_blueprint(households.blp)
    api.register_blueprint(verification.blp)
    # Bearer tokens only, never cookies: cross-site requests cannot carry them, so no CSRF.
    # The verification API is public and changes nothing.
    csrf.exempt(fiches.blp)
    csrf.exempt(households.blp)
    csrf.exempt(verification.blp)
