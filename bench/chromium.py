"""Warm Chromium (Playwright on Debian's /usr/bin/chromium): one browser and one tab per run."""

from __future__ import annotations

import os
import re

from bench import PRINT_CSS, SHARED_DIR, Document, sample
from bench.session import Bench

CHROMIUM = os.environ.get("BENCH_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
NOTE = ("Chromium has neither string-set nor running elements: its running header stays empty "
        "and the QR footer is drawn once, at the top of page 1; « page X / Y » is drawn")


def chromium_html(doc: Document) -> str:
    """The service HTML with print.css inlined in a <style>, fonts as absolute file:// URLs."""
    css = re.sub(r"""url\(\s*['"]?(fonts/[^'")]+)['"]?\s*\)""",
                 lambda m: f'url("{(SHARED_DIR / m.group(1)).as_uri()}")', PRINT_CSS.read_text())
    return sample.html(doc).replace("</head>", f"<style>\n{css}\n</style>\n</head>", 1)


class Chromium:
    """`Chromium.start(bench)` returns a warm browser, or None with the reason in `.why_not`."""

    why_not = ""

    def __init__(self, page, version: str) -> None:
        self.page = page
        self.version = version

    @classmethod
    def start(cls, bench: Bench) -> Chromium | None:
        return bench.once("chromium", lambda: cls._launch(bench))

    @classmethod
    def _launch(cls, bench: Bench) -> Chromium | None:
        if not os.access(CHROMIUM, os.X_OK):
            cls.why_not = f"no Chromium at {CHROMIUM}"
            return None
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            cls.why_not = "playwright is not installed in the venv"
            return None
        playwright = sync_playwright().start()
        bench.on_close(playwright.stop)
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        except Exception as exc:
            cls.why_not = f"Chromium did not start: {str(exc).splitlines()[0]}"
            return None
        bench.on_close(browser.close)
        page = browser.new_page()
        # set_content keeps the tab's URL: from about:blank, Chromium refuses file:// fonts and
        # falls back to Liberation Serif. A file:// origin lets the @font-face URLs load.
        page.goto(SHARED_DIR.as_uri() + "/print.css")
        return cls(page, browser.version)

    def pdf(self, html: str, tagged: bool = False) -> bytes:
        """Same tab: set_content + page.pdf (what a warm Chromium service does per document)."""
        self.page.set_content(html)
        return self.page.pdf(prefer_css_page_size=True, print_background=True, tagged=tagged)
