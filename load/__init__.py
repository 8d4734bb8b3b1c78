"""Load test of the service (`python -m load.run`): a Locust scenario against gunicorn on
PostgreSQL, then checks that what was acknowledged is registered exactly once."""
