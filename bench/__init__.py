"""Performance bench for the document service (`python -m bench`, `make bench`).

Each module has one job: `timing` measures, `verdicts` prints PASS/FAIL lines and keeps them for
bench/results.json, `sample` builds the documents' inputs, `engines` wraps the renderers,
`chromium` and `libreoffice` drive the peer engines, `worker` warms a process as gunicorn warms a
worker, `server`/`client` drive gunicorn over HTTP, and one `case_*` module per measured case.
Budgets come from docs/PERFORMANCE.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = str(PROJECT_ROOT / "doc_templates")
SHARED_DIR = PROJECT_ROOT / "doc_templates" / "_shared"
PRINT_CSS = SHARED_DIR / "print.css"
RESULTS_JSON = Path(__file__).resolve().parent / "results.json"


@dataclass(frozen=True)
class Document:
    """A document kind the bench renders: its templates and its golden sample (tests/golden)."""

    key: str  # short name in figures and results.json
    label: str  # name in the printed lines
    kind: str  # template base name and tests/golden/<kind>/sample.py

    @property
    def html_template(self) -> str:
        return f"{self.kind}.html"

    @property
    def docx_template(self) -> str:
        return f"{self.kind}.docx"


FICHE = Document("fiche", "fiche de lien", "fiche_de_lien")
PLAN = Document("plan", "plan d'action", "plan_action")
PROTOCOL = Document("protocol", "protocole de crise", "protocole_crise")
DOCUMENTS = (FICHE, PLAN, PROTOCOL)

HTML_TEMPLATE = FICHE.html_template
DOCX_TEMPLATE = FICHE.docx_template
INPUT_JSON = PROJECT_ROOT / "tests" / "golden" / "fiche_de_lien" / "input.json"
