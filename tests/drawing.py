"""A signature as the browser's signature pad sends it: a stroke on a transparent canvas.

Pure PIL, no Flask: the load scenario (load/locustfile.py) draws its signatures with it too."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

STROKE = [(40, 150), (200, 60), (380, 170), (560, 80)]


def drawn_png(points: list[tuple[int, int]] = STROKE, width: int = 4) -> bytes:
    """A 600 × 220 transparent PNG with one dark-blue line through `points`."""
    canvas = Image.new("RGBA", (600, 220), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).line(points, fill=(11, 46, 92, 255), width=width)
    out = io.BytesIO()
    canvas.save(out, format="PNG")
    return out.getvalue()
