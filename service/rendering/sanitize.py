"""Make a context safe for XML: strip control characters from every string, recursively."""

from __future__ import annotations

import re

from markupsafe import Markup

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def strip_controls(value):
    if isinstance(value, Markup):  # our own generated markup (QR code), never user text
        return value
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    if isinstance(value, dict):
        return {k: strip_controls(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [strip_controls(v) for v in value]
    return value
