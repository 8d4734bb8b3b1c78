"""Long work off the request: a jobs table users can see, run by Celery workers."""
