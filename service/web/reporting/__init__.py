"""The pages of the bilans and of their records; `init_app` plugs them (kinds, pages, API) into
the app factory."""

from __future__ import annotations

from flask import Flask

from service.api import api
from service.api import reporting as reporting_api
from service.extensions import csrf
from service.reporting.registration import register_kinds
from service.web.reporting import bilans, records


def init_app(app: Flask) -> None:
    """After the web pages and the API are set up: the kinds, the blueprints, the API's."""
    register_kinds()
    app.register_blueprint(bilans.bp)
    app.register_blueprint(records.bp)
    api.register_blueprint(reporting_api.blp)
    csrf.exempt(reporting_api.blp)  # bearer tokens only, as every API blueprint


# The catalogue is read before any app exists (the kind contract tests list it when they are
# collected): importing the app factory's module, which imports this one, completes it.
register_kinds()
