"""Charts of the bilans, drawn by matplotlib's SVG backend from the same figures as the tables.

A hidden figure (small count) is not drawn: its bar is absent and the caption says so. The SVG is
reproducible (fixed ids, no date) and its text is drawn as paths, so that it looks the same on
every machine and WeasyPrint needs no font for it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

NAVY, GREY, LIGHT = "#1b365d", "#8c96a3", "#6f8fb8"
WIDTH_IN, HEIGHT_IN = 6.7, 2.7  # 170 mm × 69 mm: the width of an A4 page's text
HIDDEN = "Aucune valeur à représenter (effectifs nuls ou inférieurs à 5, non diffusés)"


def _figure(height: float = HEIGHT_IN):
    # matplotlib takes half a second to import: only the processes drawing a bilan pay it.
    import matplotlib

    matplotlib.use("svg", force=True)
    from matplotlib.figure import Figure

    matplotlib.rcParams.update({"svg.fonttype": "path", "svg.hashsalt": "bilan",
                                "font.family": "DejaVu Sans", "font.size": 7,
                                "axes.edgecolor": GREY, "axes.labelcolor": "#1a1f26",
                                "xtick.color": "#1a1f26", "ytick.color": "#1a1f26"})
    figure = Figure(figsize=(WIDTH_IN, height))
    return figure, figure.add_subplot()


class Chart(Markup):
    """A chart as SVG markup for the PDF, which the DOCX shows as a picture of the same figure
    (service.rendering.docx reads `docx_picture`): one drawing, the same numbers in both."""

    figure: Any = None  # matplotlib's Figure, imported only where a bilan is drawn
    WIDTH_MM = 165.0

    def docx_picture(self) -> tuple[bytes, float]:
        """(PNG at 200 dpi, width in millimetres)."""
        out = io.BytesIO()
        self.figure.savefig(out, format="png", dpi=200, bbox_inches="tight",
                            metadata={"Software": None})
        return out.getvalue(), self.WIDTH_MM


def _svg(figure, label: str) -> Chart:
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None},
                   bbox_inches="tight")
    svg = out.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{_attr(label)}" ', 1)
    chart = Chart(svg)  # noqa: S704  (drawn by matplotlib from numbers; labels escaped)
    chart.figure = figure
    return chart


def _attr(text: str) -> str:
    return (text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def _style(axes) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(length=2)


def bars(label: str, names: Sequence[str], values: Sequence) -> Markup:
    """Horizontal bars, one per name, with its value written at the end; None is not drawn."""
    figure, axes = _figure(max(1.2, 0.32 * len(names) + 0.5))
    _style(axes)
    positions = list(range(len(names)))[::-1]
    drawn = [float(v) if v is not None else 0.0 for v in values]
    axes.barh(positions, drawn, color=NAVY, height=0.6)
    top = max(drawn + [1.0])
    for y, value in zip(positions, values, strict=True):
        axes.text((float(value) if value is not None else 0) + top * 0.01, y,
                  _fr(value) if value is not None else "masqué", va="center", fontsize=7,
                  color="#1a1f26" if value is not None else GREY)
    axes.set_yticks(positions, list(names))
    axes.set_xlim(0, top * 1.15)
    axes.xaxis.set_visible(False)
    axes.spines["bottom"].set_visible(False)
    return _svg(figure, label)


def columns(label: str, names: Sequence[str], series: Sequence[tuple[str, Sequence]]) -> Markup:
    """Grouped vertical bars (entries and exits by month); None is not drawn."""
    figure, axes = _figure()
    _style(axes)
    width = 0.8 / max(1, len(series))
    colours = (NAVY, LIGHT, GREY)
    for i, (name, values) in enumerate(series):
        xs = [x + (i - (len(series) - 1) / 2) * width for x in range(len(names))]
        heights = [float(v) if v is not None else 0.0 for v in values]
        axes.bar(xs, heights, width=width * 0.95, color=colours[i % 3], label=name)
        for x, value in zip(xs, values, strict=True):
            if value:
                axes.text(x, float(value), _fr(value), ha="center", va="bottom", fontsize=6)
    axes.set_xticks(range(len(names)), [_month(n) for n in names])
    axes.set_ylim(bottom=0)
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.legend(frameon=False, fontsize=7)
    if not any(v for _, values in series for v in values):
        axes.set_yticks([])
        axes.text(0.5, 0.5, HIDDEN, transform=axes.transAxes, ha="center", va="center",
                  color=GREY)
    return _svg(figure, label)


def curves(label: str, names: Sequence[str], series: Sequence[tuple[str, Sequence]]) -> Markup:
    """One line per series (the monthly file active, this period and the previous one)."""
    figure, axes = _figure()
    _style(axes)
    for (name, values), colour, style in zip(series, (NAVY, GREY), ("-", "--"), strict=False):
        points = [(x, float(v)) for x, v in enumerate(values) if v is not None]
        if points:
            axes.plot([p[0] for p in points], [p[1] for p in points], style, color=colour,
                      marker="o", markersize=3, label=name)
            if colour == NAVY:
                for x, y in points:
                    axes.annotate(_fr(y), (x, y), textcoords="offset points", xytext=(0, 4),
                                  ha="center", fontsize=6)
    axes.set_xticks(range(len(names)), [_month(n) for n in names])
    axes.set_ylim(bottom=0)
    axes.yaxis.get_major_locator().set_params(integer=True)
    if axes.get_legend_handles_labels()[0]:  # every figure hidden: nothing drawn to name
        axes.legend(frameon=False, fontsize=7)
    return _svg(figure, label)


# The usual French abbreviations of the months (« avr. », never « avri »).
MONTHS = {"janvier": "janv.", "février": "févr.", "mars": "mars", "avril": "avr.",
          "mai": "mai", "juin": "juin", "juillet": "juil.", "août": "août",
          "septembre": "sept.", "octobre": "oct.", "novembre": "nov.", "décembre": "déc."}


def _month(name: str) -> str:
    """« novembre 2026 » → « nov. »; a label that is not a month stays as it is."""
    first = name.split()[0].lower() if name.split() else name
    return MONTHS.get(first, name)


def _fr(value) -> str:
    number = float(value)
    text = f"{number:.1f}".replace(".", ",")
    return text[:-2] if text.endswith(",0") else text
