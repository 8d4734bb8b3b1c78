"""Case: fiche, plan and protocol DOCX: the service's renderer vs raw docxtpl, alternating."""

from __future__ import annotations

from functools import partial

from bench import DOCUMENTS, engines
from bench.session import Bench, heading
from bench.timing import alternate


def run(bench: Bench) -> None:
    heading("Fiche, plan and protocol DOCX: service render_docx vs raw docxtpl")
    fns = {}
    for doc in DOCUMENTS:
        fns[f"{doc.key}/service"] = partial(engines.service_docx, doc)
        fns[f"{doc.key}/raw"] = partial(engines.raw_docx, doc)
    stats = alternate(fns, bench.runs, bench.warmups)
    for doc in DOCUMENTS:
        service, raw = stats[f"{doc.key}/service"], stats[f"{doc.key}/raw"]
        size = len(engines.service_docx(doc))
        print(f"  {doc.label} ({size / 1024:.0f} KB):")
        print("  " + service.line("service render_docx (controls stripped, properties)"))
        print("  " + raw.line("raw docxtpl: load, render, save"))
        print(f"    service / raw (info): {service.median / raw.median:.2f}×")
        bench.record("docx", f"{doc.key}/service", service)
        bench.record("docx", f"{doc.key}/raw", raw)
    print("  no budget in PERFORMANCE.md (reference: docxtpl 0.08 s warm, template load 10 ms)")
