"""Case 6: WeasyPrint (service path) vs warm Chromium (Playwright) on our own template."""

from __future__ import annotations

import os
import re

from bench import PRINT_CSS, SHARED_DIR, engines, pdfinfo, sample
from bench.session import Bench, heading
from bench.timing import alternate

CHROMIUM = os.environ.get("BENCH_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
BUDGET = 3.5
NAME = "fiche PDF, WeasyPrint / warm Chromium"


def chromium_html() -> str:
    """The service HTML with print.css inlined in a <style>, fonts as absolute file:// URLs."""
    css = re.sub(r"""url\(\s*['"]?(fonts/[^'")]+)['"]?\s*\)""",
                 lambda m: f'url("{(SHARED_DIR / m.group(1)).as_uri()}")', PRINT_CSS.read_text())
    return sample.html().replace("</head>", f"<style>\n{css}\n</style>\n</head>", 1)


def run(bench: Bench) -> None:
    heading("6. WeasyPrint vs warm Chromium on our template")
    if not os.access(CHROMIUM, os.X_OK):
        bench.verdicts.skip(NAME, f"no Chromium at {CHROMIUM}")
        return
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        bench.verdicts.skip(NAME, "playwright is not installed in the venv")
        return
    html = chromium_html()
    playwright = sync_playwright().start()
    bench.on_close(playwright.stop)
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    except Exception as exc:
        bench.verdicts.skip(NAME, f"Chromium did not start: {str(exc).splitlines()[0]}")
        return
    bench.on_close(browser.close)
    page = browser.new_page()
    # set_content keeps the tab's URL: from about:blank, Chromium refuses file:// fonts and
    # falls back to Liberation Serif. A file:// origin lets the @font-face URLs load.
    page.goto(SHARED_DIR.as_uri() + "/print.css")

    def chromium_pdf() -> bytes:
        page.set_content(html)
        return page.pdf(prefer_css_page_size=True, print_background=True)

    print(f"  Chromium {browser.version} → {pdfinfo.describe(chromium_pdf())}")
    print(f"  WeasyPrint   → {pdfinfo.describe(engines.service_pdf())}")
    print("  (Chromium has no string-set: its running header/footer strings stay empty; "
          "page X / Y is drawn)")
    stats = alternate({"weasyprint": engines.service_pdf, "chromium": chromium_pdf},
                      bench.runs, bench.warmups)
    print(stats["weasyprint"].line("WeasyPrint, service render_pdf"))
    print(stats["chromium"].line("Chromium, same tab: set_content + page.pdf"))
    bench.verdicts.check(NAME, stats["weasyprint"].median / stats["chromium"].median, BUDGET,
                         detail="medians, alternating rounds")
