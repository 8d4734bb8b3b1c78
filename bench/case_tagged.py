"""Case: what WeasyPrint's tagged (accessible) PDF, `pdf_tags=True`, costs on the fiche.

Tags change only the writing step, so one laid-out document is written both ways in alternating
calls, and the extra time is compared with a whole render (layout + untagged write), whether or
not the service tags its PDFs. The collector is paused during each timed call and run between
calls: a full collection lands on a random call and is several times the difference measured.
"""

from __future__ import annotations

import gc
import io
from functools import partial

from bench import FICHE, TEMPLATES_DIR, engines, sample
from bench.session import Bench, heading
from bench.timing import Stats, alternate


def _structure(pdf: bytes) -> str:
    from pypdf import PdfReader

    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    marked = (root.get("/MarkInfo") or {}).get("/Marked", False)
    return f"StructTreeRoot {'yes' if '/StructTreeRoot' in root else 'no'}, Marked {marked}"


def _paused(fn):
    """`fn` with the cyclic collector paused (alternate's `before` collects, untimed)."""
    def call():
        gc.disable()
        try:
            return fn()
        finally:
            gc.enable()
    return call


def run(bench: Bench) -> None:
    from service.rendering.pdf import layout

    heading("Tagged PDF (pdf_tags=True) on the fiche: its cost")
    service = engines.service_pdf(FICHE)
    print(f"  the service's PDF: {len(service) / 1024:.0f} KB, {_structure(service)} "
          f"({'tagged' if engines.service_tags() else 'untagged'})")
    html = sample.html(FICHE)
    document = layout(TEMPLATES_DIR, html)
    for label, tags in (("untagged", False), ("tagged", True)):
        pdf = document.write_pdf(uncompressed_pdf=False, pdf_tags=tags)
        print(f"  {label + ':':<9} {len(pdf) / 1024:.0f} KB, {_structure(pdf)}")
    stats: dict[str, Stats] = alternate({
        "layout": _paused(partial(layout, TEMPLATES_DIR, html)),
        "untagged": _paused(partial(document.write_pdf, uncompressed_pdf=False)),
        "tagged": _paused(partial(document.write_pdf, uncompressed_pdf=False, pdf_tags=True)),
    }, bench.runs, bench.warmups, before=gc.collect)
    print(stats["layout"].line("layout (HTML → pages), shared by both"))
    print(stats["untagged"].line("write_pdf()"))
    print(stats["tagged"].line("write_pdf(pdf_tags=True)"))
    render = stats["layout"].median + stats["untagged"].median
    extra = stats["tagged"].median - stats["untagged"].median
    print(f"  tags cost {extra * 1000:.1f} ms: {extra / render:+.1%} of an untagged render "
          f"(info, no budget; PERFORMANCE.md reference: +14 %)")
    for name, value in stats.items():
        bench.record("tagged", f"fiche/{name}", value)
    bench.record("tagged", "fiche/extra_share_of_render", extra / render)
