"""gunicorn for the load test: the project's settings (gunicorn.conf.py), N workers, and a
file per worker once it is warmed, so the run starts when every worker can answer."""

import os
import runpy
from pathlib import Path

_project = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
workers = int(os.environ.get("LOAD_WORKERS", _project["workers"]))
threads = int(os.environ.get("LOAD_THREADS", _project["threads"]))
max_requests = _project["max_requests"]
max_requests_jitter = _project["max_requests_jitter"]
timeout = _project["timeout"]
accesslog = "-"
graceful_timeout = 10


def post_worker_init(worker):
    _project["post_worker_init"](worker)
    ready = os.environ.get("LOAD_READY_DIR")
    if ready:
        Path(ready, str(os.getpid())).touch()
