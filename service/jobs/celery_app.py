"""The Celery application: configured from the Flask settings, tasks run in an app context.

No Flask import here: the app factory calls `configure(app)`, which also gives the tasks the
application they run in (a worker builds it with service.jobs.worker).
"""

from __future__ import annotations

from pathlib import Path

from celery import Celery, Task

celery = Celery("documents_logement_dabord")
_flask_app = None


class AppTask(Task):
    """Every task body runs inside the Flask application context (database, settings)."""

    @staticmethod
    def flask_app():
        if _flask_app is None:
            raise RuntimeError("Celery is not configured with the application")
        return _flask_app

    def __call__(self, *args, **kwargs):
        if _flask_app is None:
            raise RuntimeError("Celery is not configured with the application")
        with _flask_app.app_context():
            return super().__call__(*args, **kwargs)


celery.Task = AppTask


def broker_settings(broker_url: str, data_folder: str) -> dict:
    """Redis (or RabbitMQ) in production; with no broker configured, kombu's filesystem
    transport in a folder under generated/: nothing to install, one machine."""
    if broker_url:
        return {"broker_url": broker_url}
    folder = Path(data_folder)
    for sub in ("queue", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    # Every folder named, the exchange tables too (kombu's default is ./control, in the
    # working directory).
    return {"broker_url": "filesystem://", "broker_transport_options": {
        "data_folder_in": str(folder / "queue"), "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"), "store_processed": False,
        "control_folder": str(folder / "control")}}


def configure(app) -> Celery:
    global _flask_app
    _flask_app = app
    config = app.config
    # A process that configures a second application (tests, the bench) must not keep the
    # first one's broker connections.
    celery.close()
    if "amqp" in celery.__dict__:
        celery.__dict__["amqp"]._producer_pool = None
    celery.conf.update(
        **broker_settings(config["CELERY_BROKER_URL"], config["CELERY_DATA_FOLDER"]),
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        # Memory is given back: WeasyPrint keeps some after long renders.
        worker_max_tasks_per_child=config["CELERY_MAX_TASKS_PER_CHILD"],
        worker_max_memory_per_child=config["CELERY_MAX_MEMORY_PER_CHILD_KB"],
        broker_connection_retry_on_startup=True,
        task_always_eager=False,
        timezone="Europe/Paris",
        beat_schedule=config["CELERY_BEAT_SCHEDULE"],
    )
    if config.get("CELERY_VISIBILITY_TIMEOUT"):
        options = dict(celery.conf.broker_transport_options or {})
        options["visibility_timeout"] = config["CELERY_VISIBILITY_TIMEOUT"]
        celery.conf.broker_transport_options = options
    app.extensions["celery"] = celery
    return celery
