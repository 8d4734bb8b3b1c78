"""The one Jinja environment for documents: StrictUndefined, autoescape, French filters."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from service.rendering.formatting import FILTERS
from service.rendering.typography import FILTERS as TYPOGRAPHY


@lru_cache(maxsize=4)
def document_env(templates_dir: str) -> Environment:
    """Shared by the HTML templates and docxtpl; a missing value is an error, never a blank."""
    env = Environment(
        loader=FileSystemLoader(templates_dir),
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(FILTERS)
    env.filters.update(TYPOGRAPHY)
    return env


def template_sha256(templates_dir: str, *names: str) -> str:
    """Hash of the template files (and the shared CSS) that produced a document."""
    digest = hashlib.sha256()
    base = Path(templates_dir)
    for name in (*names, "_shared/base.html", "_shared/macros.html", "_shared/print.css"):
        path = base / name
        if path.exists():
            digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
