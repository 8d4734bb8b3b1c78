"""gunicorn settings for `make run` and production: warm each worker before it serves."""

workers = 2
threads = 4
max_requests = 500  # WeasyPrint keeps memory between renders: recycle workers
max_requests_jitter = 50
timeout = 60
accesslog = "-"


def post_worker_init(worker):
    from service.warmup import warm

    warm(worker.wsgi)
