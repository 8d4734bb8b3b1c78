"""The pages of calls for applications: candidate structures and funders; `init_app` plugs them
(kinds, pages, API) into the app factory."""

from __future__ import annotations

from flask import Flask

from service.api import api
from service.api import applications as applications_api
from service.api import calls as calls_api
from service.applications.documents import register_kinds
from service.extensions import csrf
from service.web.applications import calls, candidate, funder


def init_app(app: Flask) -> None:
    """After the web pages and the API are set up: the kinds, the blueprints, the API's."""
    register_kinds()
    app.register_blueprint(candidate.bp)
    app.register_blueprint(funder.bp)
    app.register_blueprint(calls.bp)
    api.register_blueprint(applications_api.blp)
    api.register_blueprint(calls_api.blp)
    csrf.exempt(applications_api.blp)  # bearer tokens only, as every API blueprint
    csrf.exempt(calls_api.blp)


# The catalogue is read before any app exists (the kind contract tests list it when they are
# collected): importing the app factory's module, which imports this one, completes it.
register_kinds()
