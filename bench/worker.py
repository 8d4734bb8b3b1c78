"""Warm the current process as gunicorn's post_worker_init warms a worker (service.warmup.warm).

The in-process figures are then those of a warmed worker, whatever the warm-up does (stylesheet,
fonts, templates, and any process-wide setting it makes). The app gets a throwaway SQLite
database and blob root: the warm-up only touches the database with `SELECT 1`.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import tempfile
import time
from pathlib import Path


def warm() -> str:
    """Create the app and run its warm-up; one line saying what was done (or what failed)."""
    root = Path(tempfile.mkdtemp(prefix="bench-warm-"))
    start = time.perf_counter()
    try:
        from service.app import create_app
        from service.extensions import db
        from service.warmup import warm as warm_worker

        app = create_app({
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'warm.db'}",
            "BLOB_ROOT": str(root / "objects"),
            "SECRET_KEY": secrets.token_hex(16),
            "HTTPS": False,
        })
        logging.getLogger().setLevel(logging.WARNING)  # create_app sets INFO for the server log
        warm_worker(app)
        with app.app_context():
            db.engine.dispose()
        return f"process warmed as a gunicorn worker (service.warmup.warm) in " \
               f"{time.perf_counter() - start:.1f} s"
    except Exception as exc:  # the bench still runs; the first renders then warm the caches
        return f"worker warm-up failed ({type(exc).__name__}: {exc}); caches warm on first use"
    finally:
        shutil.rmtree(root, ignore_errors=True)
