"""Job kinds of the queue bench: a 50-page document, and a fiche render (memory over 100 jobs)."""

from __future__ import annotations

from service.jobs.runner import JobKind, register

PAGES = 50


def _long_html() -> str:
    rows = "".join(f"<tr><td>{i}</td><td>Ligne {i} du tableau de suivi</td><td>{i * 3},00 €</td>"
                   "</tr>" for i in range(PAGES * 38))
    return ("<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><style>"
            "table{table-layout:fixed;width:100%;border-collapse:collapse}"
            "td{border:1px solid #999;padding:2pt;font:9pt sans-serif}</style></head><body>"
            f"<h1>Document de {PAGES} pages</h1><table><col style='width:15%'>"
            f"<col style='width:60%'><col style='width:25%'>{rows}</table></body></html>")


def long_document(job, progress):
    from weasyprint import HTML

    progress(1, 2, "Mise en page")
    document = HTML(string=_long_html()).render()
    progress(2, 2, f"Écriture de {len(document.pages)} pages")
    document.write_pdf()
    return None


def fiche_render(job, progress):
    from bench import FICHE, TEMPLATES_DIR, sample
    from service.rendering.pdf import render_pdf

    progress(1, 1, "Rendu de la fiche")
    render_pdf(TEMPLATES_DIR, FICHE.html_template, sample.context(FICHE))
    return None


def register_kinds() -> None:
    register(JobKind("bench_long", "Document de 50 pages", long_document,
                     soft_time_limit=600, time_limit=660))
    register(JobKind("bench_fiche", "Rendu de fiche", fiche_render))
