"""The Celery worker's entry point: `celery -A service.jobs.worker worker` (and `beat`).

The Flask application is named `flask_app`, not `app`: Celery's -A looks for `app` first.
"""

from service.app import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
