"""The worker of the queue tests: the service's worker plus the tests' job kinds."""

from service.jobs.worker import celery  # noqa: F401  (the worker's entry point)
from tests.jobs import kinds  # noqa: F401  (registers the tests' job kinds)
