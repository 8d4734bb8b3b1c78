"""`python -m bench.cold_start`: what a fresh worker pays on its first render, step by step.

Modules are imported first (a gunicorn worker imports them when it loads the app), then each
lazily built cache is timed on first use, then the same call again warm. Prints one JSON line.
"""

from __future__ import annotations

import json

from bench import DOCX_TEMPLATE, HTML_TEMPLATE, TEMPLATES_DIR, sample
from bench.timing import timed


def main() -> None:
    from service.rendering import docx, pdf

    ctx = sample.context()
    steps = {}
    steps["print.css + FontConfiguration (_engine)"] = timed(
        lambda: pdf._engine(TEMPLATES_DIR))[0]
    seconds, html = timed(lambda: pdf.render_html(TEMPLATES_DIR, HTML_TEMPLATE, ctx))
    steps["first Jinja render (template compile)"] = seconds
    steps["first html_to_pdf"] = timed(lambda: pdf.html_to_pdf(TEMPLATES_DIR, html))[0]
    steps["second html_to_pdf (warm)"] = timed(lambda: pdf.html_to_pdf(TEMPLATES_DIR, html))[0]
    steps["first render_docx"] = timed(lambda: docx.render_docx(TEMPLATES_DIR, DOCX_TEMPLATE,
                                                                 ctx))[0]
    steps["second render_docx (warm)"] = timed(lambda: docx.render_docx(
        TEMPLATES_DIR, DOCX_TEMPLATE, ctx))[0]
    print(json.dumps(steps))


if __name__ == "__main__":
    main()
