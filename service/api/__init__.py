"""JSON API (flask-smorest, OpenAPI 3 at /api/v1/openapi.json), bearer-token authentication."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from service.api import (
    decisions,
    documents,
    fiches,
    households,
    jobs,
    path,
    spec,
    verification,
)
from service.extensions import csrf

api = Api()
BLUEPRINTS = (fiches.blp, documents.blp, decisions.blp, households.blp, path.blp, jobs.blp,
              verification.blp)


def init_api(app: Flask) -> None:
    app.config.setdefault("API_SPEC_OPTIONS", {
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
        "info": {"description": "Fiches de lien et registre des documents. Authentification : "
                                "en-tête « Authorization: Bearer <jeton> » (jeton créé dans "
                                "« Mon compte »)."},
    })
    api.init_app(app)
    spec.init_spec(app, api)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
        # Bearer tokens only, never cookies: cross-site requests cannot carry them, so no
        # CSRF. The verification API is public and changes nothing.
        csrf.exempt(blueprint)
