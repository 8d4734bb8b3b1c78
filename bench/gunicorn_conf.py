"""gunicorn config for the bench: the worker reports its pid and port once the app is loaded."""

import json
import os

bind = ["127.0.0.1:0"]
workers = int(os.environ.get("BENCH_WORKERS", "1"))
threads = int(os.environ.get("BENCH_THREADS", "1"))
accesslog = None
graceful_timeout = 5


def post_worker_init(worker):
    """Written after the worker imported the app: the next request is the first one it serves."""
    from service.warmup import warm

    warm(worker.wsgi)  # as in the project's gunicorn.conf.py
    path = os.environ.get("BENCH_READY_FILE")
    if not path:
        return
    port = worker.sockets[0].getsockname()[1]
    with open(path + ".tmp", "w") as fh:
        json.dump({"pid": os.getpid(), "port": port}, fh)
    os.replace(path + ".tmp", path)
