"""WeasyPrint's user-agent stylesheet, less the rules that style pseudo-elements we never make.

WeasyPrint's html5_ua.css gives `::marker`, `::footnote-call`, `::footnote-marker`,
`::note-call`, `::note-marker` and `::note-callback` rules with no element in their selector: they
match every element, so every element of a document gets six pseudo-element styles computed and
kept, about a tenth of a render for nothing. Our documents have no footnotes or notes and put
markers only on list items, so here the note rules are dropped and the marker rule is scoped to
`li`; every other rule is WeasyPrint's own, read from the installed package, so an upgrade
carries over. The rendered pages are the same to the pixel (tests/rendering/test_user_agent.py).
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from weasyprint import CSS, HTML
from weasyprint.css.counters import CounterStyle
from weasyprint.html import UA, UA_FORM_STYLESHEET, UA_STYLESHEET

log = logging.getLogger(__name__)

# The universal pseudo-element rules of html5_ua.css, one per line in the file.
_NOTE_RULES = re.compile(r"^::(?:footnote|note)-[a-z]+ \{[^}\n]*\}\n", re.MULTILINE)
_MARKER_RULE = re.compile(r"^::marker \{", re.MULTILINE)
_NOTE_PSEUDO_ELEMENTS = 5  # footnote-call, footnote-marker, note-call, note-marker, note-callback


def trimmed_ua_text(text: str) -> str | None:
    """`text` without the universal note rules and with `li::marker`; None if they are not there."""
    trimmed, notes = _NOTE_RULES.subn("", text)
    trimmed, markers = _MARKER_RULE.subn("li::marker {", trimmed)
    if notes != _NOTE_PSEUDO_ELEMENTS or markers != 1:
        return None
    return trimmed


@lru_cache(maxsize=1)
def ua_stylesheet() -> CSS:
    """The trimmed stylesheet, parsed once per process; WeasyPrint's own if its file changed."""
    trimmed = trimmed_ua_text(UA)
    if trimmed is None:  # another WeasyPrint: its rules are not the ones this module knows
        log.warning("WeasyPrint's user-agent stylesheet changed: rendering with it unmodified")
        return UA_STYLESHEET
    # Its @counter-style rules are WeasyPrint's, already in the UA_COUNTER_STYLE that every render
    # copies; parsed again into that mapping they would warn, so they go to a mapping of their own.
    return CSS(string=trimmed, counter_style=CounterStyle())


class DocumentHTML(HTML):
    """weasyprint.HTML with the trimmed user-agent stylesheet (forms keep WeasyPrint's sheet)."""

    def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
        return [ua_stylesheet(), UA_FORM_STYLESHEET] if forms else [ua_stylesheet()]
