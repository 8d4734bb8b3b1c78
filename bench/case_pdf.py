"""Case: fiche, plan and protocol PDF, the service against four engines in alternating rounds.

Two sets of rounds. The service's overhead over raw WeasyPrint (naive, and with the stylesheet and
FontConfiguration parsed once) is timed with the cyclic collector run, untimed, before each
call: each render then pays only the collections its own allocations trigger, where a full
collection of the worker's heap (a third of a render) would otherwise land on whichever call
comes next. The peers, warm Chromium and LibreOffice DOCX→PDF, are timed against the service
as a worker runs it, collections included. Every engine writes tagged PDFs if the service does
(same kind of document); Chromium's other kind is timed too, for information.
"""

from __future__ import annotations

import gc
from functools import partial

from bench import DOCUMENTS, engines, pdfinfo, sample
from bench.chromium import NOTE, Chromium, chromium_html
from bench.libreoffice import LibreOffice
from bench.session import Bench, heading
from bench.timing import alternate

BUDGET_RAW = 1.25  # service / naive raw WeasyPrint
BUDGET_CAREFUL = 1.1  # service / raw WeasyPrint with the stylesheet and fonts parsed once
BUDGET_CHROMIUM = 3.5  # WeasyPrint (service) / warm Chromium
BUDGET_LIBREOFFICE = 0.5  # service / LibreOffice DOCX→PDF, warm profile
LIBREOFFICE_EVERY = 2  # ~1.3 s a conversion: timed in one round out of two

WEASYPRINT = ("service", "raw", "careful")  # rounds with the collector run before each call
PEERS = ("service", "chromium", "chromium-other", "libreoffice")  # collections included
ENGINES = {
    "service": "service render_pdf (Jinja incl., cached CSS + fonts)",
    "raw": "raw WeasyPrint, naive (CSS + fonts parsed per call)",
    "careful": "raw WeasyPrint, CSS + FontConfiguration parsed once",
    "chromium": "warm Chromium, same tab: set_content + page.pdf",
    "chromium-other": "warm Chromium, the other kind (info)",
    "libreoffice": "LibreOffice DOCX→PDF (soffice, kept profile)",
}


def run(bench: Bench) -> None:
    heading("Fiche, plan and protocol PDF: service, raw WeasyPrint, Chromium, LibreOffice")
    chromium = Chromium.start(bench)
    office = LibreOffice.start(bench)
    tags = engines.service_tags()
    fns = {}
    for doc in DOCUMENTS:
        fns[f"{doc.key}/service"] = partial(engines.service_pdf, doc)
        fns[f"{doc.key}/raw"] = partial(engines.raw_pdf, doc)
        fns[f"{doc.key}/careful"] = partial(engines.raw_pdf_careful, doc)
        if chromium:
            html = chromium_html(doc)
            fns[f"{doc.key}/chromium"] = partial(chromium.pdf, html, tagged=tags)
            fns[f"{doc.key}/chromium-other"] = partial(chromium.pdf, html, tagged=not tags)
        if office:
            docx = sample.docx(doc)
            fns[f"{doc.key}/libreoffice"] = partial(office.convert, docx, doc.kind, tagged=tags)
    print(f"  the service writes {'tagged' if tags else 'untagged'} PDFs: so do the raw "
          "baselines, Chromium (page.pdf tagged=…) and LibreOffice (UseTaggedPDF)")
    if chromium:
        print(f"  Chromium {chromium.version}; {NOTE}")
    if office:
        print(f"  {office.version}, converting the service's DOCX of the same content")
    for doc in DOCUMENTS:
        print(f"  {doc.label}:")
        for engine in ENGINES:
            fn = fns.get(f"{doc.key}/{engine}")
            if fn is not None:
                print(f"    {engine:<12} → {pdfinfo.describe(fn())}")
    def group(engines_: tuple[str, ...]) -> dict:
        return {name: fn for name, fn in fns.items() if name.split("/")[1] in engines_}

    overhead = alternate(group(WEASYPRINT), bench.runs, bench.warmups, before=gc.collect)
    every = {name: LIBREOFFICE_EVERY for name in fns if name.endswith("/libreoffice")}
    stats = alternate(group(PEERS), bench.runs, bench.warmups, every=every)
    print("  WeasyPrint paths, collector run before each call:")
    _print(bench, overhead, WEASYPRINT, "overhead")
    print("  the service against its peers, collections included:")
    _print(bench, stats, PEERS, "peers")
    print("  (raw is timed with the fonts given to CSS(): verbatim, WeasyPrint drops @font-face)")
    for doc in DOCUMENTS:
        _verdicts(bench, doc, overhead, stats, chromium, office)


def _print(bench: Bench, stats: dict, engines_: tuple[str, ...], group: str) -> None:
    for doc in DOCUMENTS:
        print(f"  {doc.label}:")
        for engine in engines_:
            name = f"{doc.key}/{engine}"
            if name in stats:
                print("  " + stats[name].line(ENGINES[engine]))
                bench.record("pdf", f"{group}/{name}", stats[name])


def _verdicts(bench: Bench, doc, overhead, stats, chromium, office) -> None:
    def median(engine: str, source: dict = stats) -> float:
        return source[f"{doc.key}/{engine}"].median

    rounds = "medians, alternating rounds"
    service = median("service", overhead)
    bench.verdicts.check(f"{doc.label} PDF in-process, service / naive raw WeasyPrint",
                         service / median("raw", overhead), BUDGET_RAW, detail=rounds)
    bench.verdicts.check(f"{doc.label} PDF in-process, service / raw WeasyPrint with CSS and "
                         "FontConfiguration parsed once", service / median("careful", overhead),
                         BUDGET_CAREFUL, detail=rounds)
    service = median("service")
    name = f"{doc.label} PDF, WeasyPrint / warm Chromium"
    if chromium:
        kind = "tagged" if engines.service_tags() else "untagged"
        other = service / median("chromium-other")
        bench.verdicts.check(name, service / median("chromium"), BUDGET_CHROMIUM,
                             detail=f"{rounds}; both {kind}; {other:.2f}× against Chromium's "
                                    f"{'untagged' if kind == 'tagged' else 'tagged'} PDF")
    else:
        bench.verdicts.skip(name, Chromium.why_not)
    name = f"{doc.label} PDF, service / LibreOffice DOCX→PDF (warm profile)"
    if office:
        bench.verdicts.check(name, service / median("libreoffice"), BUDGET_LIBREOFFICE,
                             detail=f"{rounds}; soffice timed in 1 round of {LIBREOFFICE_EVERY}")
    else:
        bench.verdicts.skip(name, LibreOffice.why_not)
