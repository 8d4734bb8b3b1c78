"""The Celery worker of the queue bench: the service's worker plus the bench's job kinds."""

from bench.queue_kinds import register_kinds
from service.jobs.worker import celery  # noqa: F401  (the worker's entry point)

register_kinds()
