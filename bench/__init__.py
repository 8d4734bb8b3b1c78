"""Performance bench for the document service (`python -m bench`, `make bench`).

Each module has one job: `timing` measures, `verdicts` prints PASS/FAIL lines, `sample` builds
the fiche de lien inputs, `engines` wraps the renderers, `server`/`client` drive gunicorn over
HTTP, and one `case_*` module per measured case. Budgets come from docs/PERFORMANCE.md.
"""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = str(PROJECT_ROOT / "doc_templates")
SHARED_DIR = PROJECT_ROOT / "doc_templates" / "_shared"
PRINT_CSS = SHARED_DIR / "print.css"
HTML_TEMPLATE = "fiche_de_lien.html"
DOCX_TEMPLATE = "fiche_de_lien.docx"
INPUT_JSON = PROJECT_ROOT / "tests" / "golden" / "fiche_de_lien" / "input.json"
