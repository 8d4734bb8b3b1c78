"""The DOCX templates' build scripts: `build_<name>_docx` writes doc_templates/<name>.docx.

`make templates` (or `.venv/bin/python -m doc_templates._build [OUT_DIR]`) rebuilds them all;
`.venv/bin/python -m doc_templates._build.build_<name>_docx [OUT_DIR]` rebuilds one. OUT_DIR
defaults to doc_templates/, where the committed templates live; the build is reproducible, and
tests/kinds/test_docx_templates_rebuild.py checks that the committed files are what it gives.
"""

from __future__ import annotations

import pkgutil
from collections.abc import Callable
from importlib import import_module
from pathlib import Path


def builder(template: str) -> Callable[[Path], Path]:
    """The `build(out_dir)` function that writes `template` (e.g. "plan_action.docx")."""
    name = template.removesuffix(".docx")
    return import_module(f"{__name__}.build_{name}_docx").build


def builders() -> dict[str, Callable[[Path], Path]]:
    """{template file name: its build function}, one per `build_<name>_docx` module here."""
    names = sorted(module.name.removeprefix("build_").removesuffix("_docx")
                   for module in pkgutil.iter_modules(__path__)
                   if module.name.startswith("build_") and module.name.endswith("_docx"))
    return {f"{name}.docx": builder(name) for name in names}
