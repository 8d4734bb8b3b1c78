"""Assemble an application's dossier: one PDF (cover, table of contents with page numbers, a
bookmark per piece, the pieces in the call's order, « page n / N » and the verification code on
every page, uploaded pages included); its ZIP is service.applications.archive.

One WeasyPrint layout makes the cover, the table of contents, the generated pieces and one empty
page per page of every uploaded file: page numbers, the running footer and the bookmarks are
then the layout's own, for the whole dossier. pypdf draws each uploaded page onto its empty page
as a form XObject, scaled into the space above the footer: the file's content is copied as it
is (no parsing, no renaming of its resources). The uploads were cleaned when they were received
(service.uploads); the assembled file is checked again for active content.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from flask import current_app
from markupsafe import Markup
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
)

from service.applications import contexts, pages, stamp
from service.applications import vocabulary as V
from service.applications.service import loaded, raw_snapshot
from service.errors import PreflightFailed
from service.rendering.pdf import layout, render_html, write
from service.rendering.preflight_pdf import ACTIVE
from service.timeutil import utcnow
from service.uploads.store import upload_store

Progress = Callable[[int, int, str], None]
TEMPLATE = "dossier_candidature.html"
# piece key -> (body template, context, DOCX template, kind)
GENERATED = {
    "note_intention": ("candidature/_note_intention.html", contexts.note_context,
                       "note_intention.docx"),
    "descriptif_equipe": ("candidature/_descriptif_equipe.html", contexts.team_context,
                          "descriptif_equipe.docx"),
    "budget": ("candidature/_budget_previsionnel.html", contexts.budget_context,
               "budget_previsionnel.docx"),
}
CONVENTION = ("candidature/_convention.html", "convention_mise_a_disposition.docx")
TEMPLATES = (TEMPLATE, *(g[0] for g in GENERATED.values()), CONVENTION[0],
             *(g[2] for g in GENERATED.values()), CONVENTION[1])

A4 = (595.28, 841.89)

_progress: ContextVar[Progress | None] = ContextVar("dossier_progress", default=None)


@contextmanager
def reporting(progress: Progress | None) -> Iterator[None]:
    """Report the steps of an assembly made inside `produce` (the dossier kind's outputs)."""
    token = _progress.set(progress)
    try:
        yield
    finally:
        _progress.reset(token)


class Steps:
    def __init__(self, progress: Progress | None, total: int):
        self.progress, self.total, self.done = progress, total, 0

    def __call__(self, message: str) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total, message)


def _pages_text(count: int) -> str:
    return f"{count}\u00a0page{'s' if count > 1 else ''}"


def dossier_context(data: dict) -> dict:
    """The dossier's context from an application's loaded snapshot: its cover and its pieces
    in the call's order (generated ones with their own context `c`)."""
    grouping = contexts.grouping_context(data)
    names = contexts.employer_names(data)
    uploads = {p["key"]: p["files"] for p in data.get("pieces") or []}
    employers = {post.get("employeur") for post in data["equipe"].get("postes") or []}
    pieces: list[dict] = []

    def add(title: str, **entry) -> None:
        number = str(len(pieces) + 1)
        pieces.append({"numero": number, "titre": title, "fichiers": [], "manquante": False,
                       "_anchor": f"piece-{number}", **entry})

    for item in data["call"]["pieces"]:
        title, source = V.PIECES[item["key"]]
        if item["required"] == V.IF_GROUPED and not grouping["groupee"]:
            continue
        if item["key"] == "conventions":
            for member in data["groupement"].get("membres") or []:
                if member["siret"] in employers:
                    add(f"Convention de mise à disposition – {names[member['siret']]}",
                        source="generated", _fragment=CONVENTION[0], _docx=CONVENTION[1],
                        c=contexts.convention_context(data, member["siret"])["c"])
            continue
        if source != V.UPLOAD:
            fragment, build, docx = GENERATED[item["key"]]
            add(title, source="generated", _fragment=fragment, _docx=docx, c=build(data)["c"])
            continue
        files = uploads.get(item["key"], [])
        add(title, source="upload", manquante=not files)
        anchor, listed = pieces[-1]["_anchor"], []
        for index, f in enumerate(files):
            # Two empty pages stand for a file of several pages in the layout: its first, and
            # its last, whose page counter jumps over the pages inserted between them.
            first = anchor if index == 0 else f"{anchor}-{index}"
            listed.append({"fichier": f["filename"], "pages_texte": _pages_text(f["pages"]),
                           "_sha256": f["sha256"], "_recu": f["original_sha256"],
                           "_pages": f["pages"], "_first": first,
                           "_last": f"{first}-fin" if f["pages"] > 1 else None})
        pieces[-1]["fichiers"] = listed
    identity = contexts.identity_context(data)
    return {
        "dossier": {
            "structure": identity["denomination"], "siret": identity["siret"],
            "reference": data["reference"], "type": grouping["type"],
            "membres": [f"{m['denomination']} (SIRET {m['siret']})"
                        for m in grouping["membres"]],
            "appel": contexts.call_context(data["call"]),
        },
        "pieces": pieces,
        "_sauts": sorted({f["_pages"] - 1 for p in pieces for f in p["fichiers"]
                          if f["_pages"] > 1}),
    }


# ---- the PDF ----

def render_dossier(context: dict, progress: Progress | None = None) -> bytes:
    templates = current_app.config["DOC_TEMPLATES"]
    files = [(piece, f) for piece in context["pieces"] for f in piece["fichiers"]]
    steps = Steps(progress, len(files) + 3)
    steps("Mise en page de la couverture, du sommaire et des pièces produites")
    document = layout(templates, render_html(templates, TEMPLATE, context))
    where = {anchor: index for index, page in enumerate(document.pages)
             for anchor in page.anchors}
    steps(f"Écriture des {len(document.pages)} pages mises en page")
    base = PdfReader(io.BytesIO(write(document)))
    writer = PdfWriter(clone_from=base)
    font = stamp.load_font(str(Path(templates) / "_shared" / "fonts"))
    font_ref = stamp.add_font(writer, font)
    uploaded: set[int] = set()
    store = upload_store()
    shift = 0  # pages inserted so far: every later laid-out page moved by as many

    def draw(position: int, page) -> None:
        target = writer.pages[position]
        pages.draw_page(writer, target, page)
        assert target.indirect_reference is not None  # a writer's pages are all referenced
        uploaded.add(target.indirect_reference.idnum)

    for piece, f in files:
        steps(f"Ajout de la pièce {piece['numero']} : {f['fichier']} ({f['pages_texte']})")
        source = PdfReader(io.BytesIO(store.get(f["_sha256"]))).pages
        draw(where[f["_first"]] + shift, source[0])
        if f["_last"] is None:
            continue
        last = where[f["_last"]] + shift
        draw(last, source[len(source) - 1])
        for index in range(1, len(source) - 1):  # the middle pages, before the last one
            writer.insert_blank_page(A4[0], A4[1], last + index - 1)
            draw(last + index - 1, source[index])
        shift += len(source) - 2
    steps("Écriture du dossier")
    total = len(writer.pages)
    lines = footer_lines(context["doc"])
    for number, page in enumerate(writer.pages, start=1):
        # pypdf types a page's reference as optional; a writer's pages all have one.
        stamp.stamp(writer, page, font_ref, stamp.footer_ops(
            font, float(page.mediabox.width), number, total,
            lines if page.indirect_reference.idnum in uploaded  # type: ignore[union-attr]
            else ()))
    writer.add_metadata({k: v for k, v in (base.metadata or {}).items()})
    if context["doc"].get("verification_url"):
        # pypdf escapes the punctuation of text strings: the code is also written as a name,
        # where the verification page's quick search (registry.codes.code_in_pdf) finds it.
        # pypdf types its info dictionary as optional; add_metadata above has created it.
        writer._info.get_object()[  # type: ignore[union-attr,index]
            NameObject("/VerificationCode")] = NameObject(
            f"/verification-code={context['doc']['verification_code']}")
    active = sorted(active_names(writer))
    if active:
        raise PreflightFailed([f"Le PDF contient un élément actif interdit ({name})."
                               for name in active])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def active_names(writer: PdfWriter) -> set[str]:
    """The forbidden names anywhere in the writer's objects (preflight's list), read in memory:
    reading the written file again would parse every page once more."""
    found: set[str] = set()
    stack: list = [obj for obj in writer._objects if obj is not None]
    while stack:
        obj = stack.pop()
        if isinstance(obj, DictionaryObject):
            found.update(k for k in obj if k in ACTIVE)
            stack.extend(v for v in obj.values() if not isinstance(v, IndirectObject))
            found.update(str(v) for v in obj.values() if isinstance(v, NameObject) and v in ACTIVE)
        elif isinstance(obj, ArrayObject):
            stack.extend(v for v in obj if not isinstance(v, IndirectObject))
    return found


def footer_lines(doc: dict) -> tuple[str, ...]:
    """The running footer's text, for the uploaded pages (their QR code is the cover's)."""
    first = f"{doc['title']} – réf. {doc['reference']} – version {doc['version']}"
    if not doc.get("verification_url"):
        return (first, doc["verification_code"])
    return (first, f"Vérifier l'authenticité : {doc['verification_url']}",
            f"Code de vérification : {doc['verification_code']}")


def dossier_pdf(context: dict) -> bytes:
    """The dossier kind's PDF output (inside `produce`: the steps go to `reporting`)."""
    pdf = render_dossier(context, _progress.get())
    context["_assembled"] = pdf  # the ZIP output, made next from the same context, carries it
    return pdf


def preview_doc(application) -> dict:
    """The `doc` block of an assembly that is not registered: no verification code yet."""
    now = utcnow().replace(microsecond=0)
    return {
        "title": "Dossier de candidature", "reference": application.reference,
        "version": "aperçu", "issued_at": now, "supersedes_version": None,
        "organisation": current_app.config["ORGANISATION_NAME"],
        "author_structure": application.structure.name, "author_name": "",
        "household_reference": application.reference, "registry_id": "",
        "snapshot_sha256": "", "template_name": TEMPLATE, "template_sha256": "",
        "verification_code": "Aperçu : ce dossier n'est pas déposé, il n'a pas encore de code "
                             "de vérification.",
        "verification_url": "", "qr": Markup(""),
    }


def assemble(application, progress: Progress | None = None, doc: dict | None = None) -> bytes:
    """The application's dossier as it stands, as one PDF. Without `doc` (a registered
    version's), it is a preview: the footer says it is not submitted."""
    context = dossier_context(loaded(raw_snapshot(application)))
    context["doc"] = doc or preview_doc(application)
    return render_dossier(context, progress)
