"""Warm a worker before its first request: stylesheet, fonts, templates, DB connection."""

from __future__ import annotations

import datetime
import gc
import logging

from flask import Flask
from sqlalchemy import text

from service import kinds
from service.demo import sample_input
from service.documents.produce import provenance_meta, render
from service.extensions import db
from service.registry.codes import new_code

log = logging.getLogger(__name__)


def warm(app: Flask) -> None:
    """Render each kind's sample once and touch the database; failures only log."""
    with app.app_context(), app.test_request_context():
        try:
            db.session.execute(text("SELECT 1"))
            # One render warms the shared stylesheet, fonts and engines for every kind.
            kind = next(k for k in kinds.CATALOGUE.values() if sample_input(k.key) is not None)
            sample = sample_input(kind.key)
            assert sample is not None  # the kind was picked for having one
            data = kind.schema().load(sample)
            render(kind, data, {**provenance_meta(kind, new_code()), **_meta(app, kind.title)})
            app.jinja_env.get_template("drafts/section.html")
        except Exception:  # a cold worker still works, only slower
            log.exception("worker warm-up failed")
        finally:
            db.session.remove()
    # Everything loaded so far (engines, fonts, stylesheet, templates) lives as long as the
    # worker: frozen out of the garbage collector's generations, full collections no longer
    # walk it (they were about a quarter of a render's time in a warmed worker).
    gc.collect()
    gc.freeze()


def _meta(app: Flask, title: str) -> dict:
    return {
        "title": title, "reference": "WARMUP", "version": 1,
        "issued_at": datetime.datetime.now(datetime.UTC).replace(microsecond=0),
        "author_structure": "", "author_name": "", "registry_id": "warmup",
        "snapshot_sha256": "0" * 64, "organisation": app.config["ORGANISATION_NAME"],
        "household_reference": "", "supersedes_version": None,
    }
