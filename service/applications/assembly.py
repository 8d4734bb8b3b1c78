"""Assemble an application's dossier: one PDF (cover, table of contents with page numbers, a
bookmark per piece, the pieces in the call's order, « page n / N » and the verification code on
every page, uploaded pages included); its ZIP is service.applications.archive.

One WeasyPrint layout makes the cover, the table of contents, the generated pieces and one empty
page per page of every uploaded file: page numbers, the running footer and the bookmarks are
then the layout's own, for the whole dossier. pypdf draws each uploaded page onto its empty page
as a form XObject, scaled into the space above the footer: the file's content is copied as it
is (no parsing, no renaming of its resources). The uploads were cleaned when they were received
(service.uploads); the assembled file is checked again for active content. The laid-out
part's objects keep their numbers and, but for its pages, the bytes WeasyPrint wrote them as:
its structure tree (the tags), outline and names are carried over without being parsed.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import cast

from flask import current_app
from markupsafe import Markup
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
    read_object,
)

from service.applications import contexts, pages, stamp
from service.applications import vocabulary as V
from service.applications.service import loaded, raw_snapshot
from service.errors import PreflightFailed
from service.interpreter import collector_paused
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
FORBIDDEN = frozenset(ACTIVE)

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
    steps = Steps(progress, len(_files(context)) + 3)
    laid_out, where = lay_out(context, steps)
    return merge(context, laid_out, where, steps)


def _files(context: dict) -> list[tuple[dict, dict]]:
    return [(piece, f) for piece in context["pieces"] for f in piece["fichiers"]]


def lay_out(context: dict, steps: Callable[[str], None] = lambda message: None
            ) -> tuple[bytes, dict[str, int]]:
    """WeasyPrint's part: the laid-out PDF (an empty page for each uploaded file's first and
    last pages) and the index of the page of each anchor."""
    templates = current_app.config["DOC_TEMPLATES"]
    steps("Mise en page de la couverture, du sommaire et des pièces produites")
    with collector_paused():  # see service/interpreter.py
        document = layout(templates, render_html(templates, TEMPLATE, context))
        where = {anchor: index for index, page in enumerate(document.pages)
                 for anchor in page.anchors}
        steps(f"Écriture des {len(document.pages)} pages mises en page")
        return write(document), where


def merge(context: dict, laid_out: bytes, where: dict[str, int],
          steps: Callable[[str], None] = lambda message: None) -> bytes:
    """pypdf's part: the uploaded pages drawn onto the laid-out PDF, every page stamped.

    The collector is paused (service/interpreter.py): pypdf's objects live until the file is
    written, and every full collection on the way walked them all, a third of the merge."""
    with collector_paused():
        return _merge(context, laid_out, where, steps)


def _merge(context: dict, laid_out: bytes, where: dict[str, int],
           steps: Callable[[str], None]) -> bytes:
    templates = current_app.config["DOC_TEMPLATES"]
    writer = _writer(laid_out)
    font = stamp.load_font(str(Path(templates) / "_shared" / "fonts"))
    font_ref = stamp.add_font(writer, font)
    opening = stamp.save_state(writer)  # one « q » stream, shared by every page
    laid = list(writer.pages)
    inserted: dict[int, list] = {}  # laid-out page -> the pages that go before it
    uploaded: set[int] = set()
    store = upload_store()

    def draw(target, page) -> None:
        pages.draw_page(writer, target, page, opening)
        assert target.indirect_reference is not None  # a writer's pages are all referenced
        uploaded.add(target.indirect_reference.idnum)

    for piece, f in _files(context):
        steps(f"Ajout de la pièce {piece['numero']} : {f['fichier']} ({f['pages_texte']})")
        source = PdfReader(io.BytesIO(store.get(f["_sha256"]))).pages
        draw(laid[where[f["_first"]]], source[0])
        if f["_last"] is None:
            continue
        last = where[f["_last"]]
        draw(laid[last], source[len(source) - 1])
        middle = inserted.setdefault(last, [])
        for index in range(1, len(source) - 1):  # the middle pages, before the last one
            sheet = _blank_page(writer)
            draw(sheet, source[index])
            middle.append(sheet)
    steps("Écriture du dossier")
    ordered = [page for index, laid_page in enumerate(laid)
               for page in (*inserted.get(index, ()), laid_page)]
    _set_pages(writer, ordered)
    total = len(ordered)
    lines = footer_lines(context["doc"])
    for number, page in enumerate(ordered, start=1):
        stamp.stamp(writer, page, font_ref, stamp.footer_ops(
            font, float(page.mediabox.width), number, total,
            lines if page.indirect_reference.idnum in uploaded else ()), opening)
    writer.add_metadata({})  # the laid-out file's information dictionary, made if it had none
    if context["doc"].get("verification_url"):
        # pypdf escapes the punctuation of text strings: the code is also written as a name,
        # where the verification page's quick search (registry.codes.code_in_pdf) finds it.
        # pypdf types its info dictionary as optional; add_metadata above has made sure of it.
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


PACKING = ("/ObjStm", "/XRef")  # what a file's objects were packed in: not written again
INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
# What an object kept verbatim must hold to be read for the active content check: one of the
# forbidden names, or a « # » (a name may spell its letters as #xx codes).
SUSPECT = re.compile(b"|".join([*(re.escape(name.encode()) for name in ACTIVE), b"#"]))


class Verbatim(PdfObject):
    """An object of the laid-out file written back as the bytes it was packed as, never
    parsed: the thousands of elements of the structure tree (the tags), the outline, the
    names, the fonts — nothing the merge changes. Its number is the one it had."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.indirect_reference = None

    def write_to_stream(self, stream) -> None:
        stream.write(self.data)

    def parsed(self, writer: PdfWriter) -> PdfObject:
        # The references it holds point into the writer, where the objects keep their numbers.
        return read_object(io.BytesIO(self.data), writer)  # type: ignore[arg-type]


def _writer(laid_out: bytes) -> PdfWriter:
    """A writer holding the laid-out file's objects under their own numbers, less the object
    streams and the cross-reference stream they were packed in."""
    writer = _verbatim_writer(PdfReader(io.BytesIO(laid_out)))
    if writer is not None:
        return writer
    # Another shape of file: every object read, by a reader of its own (the one given up on
    # may hold references already pointed into the other writer).
    writer = PdfWriter(PdfReader(io.BytesIO(laid_out)), full=True)
    for index, obj in enumerate(writer._objects):
        if isinstance(obj, StreamObject) and obj.get("/Type") in PACKING:
            writer._objects[index] = None
    return writer


def _verbatim_writer(base: PdfReader) -> PdfWriter | None:
    """The writer of `_writer` for a file as WeasyPrint writes it (one revision, objects
    packed in object streams, no encryption), None for another: the packed objects are kept
    `Verbatim` but for the page tree, the pages and what drawing on a page reads (its
    resources, its contents, its boxes). Reading every object with pypdf, then writing each
    again, was most of the merge's time, for a structure tree it does not touch."""
    trailer = base.trailer
    size = int(cast(int, trailer["/Size"]))
    loose = base.xref.get(0, {})
    if ("/Encrypt" in trailer or set(base.xref) != {0} or not base.xref_objStm
            or loose.keys() & base.xref_objStm.keys()
            or max(loose.keys() | base.xref_objStm.keys()) >= size):
        return None
    writer = PdfWriter()
    objects: list = [None] * (size - 1)
    for number in loose:
        obj = base.get_object(number)
        if isinstance(obj, StreamObject) and obj.get("/Type") == "/ObjStm":
            for packed, data in _packed(obj):
                if base.xref_objStm.get(packed, (None,))[0] == number:
                    objects[packed - 1] = Verbatim(data)
        elif obj is not None and not (isinstance(obj, StreamObject)
                                      and obj.get("/Type") in PACKING):
            obj.indirect_reference = IndirectObject(number, 0, writer)
            objects[number - 1] = _adopted(obj, writer)
    if any(objects[number - 1] is None for number in base.xref_objStm):
        return None  # an object stream's index did not list an object its xref names
    writer._objects = objects

    def parsed(ref):
        obj = objects[ref.idnum - 1]
        if isinstance(obj, Verbatim):
            obj = obj.parsed(writer)
            obj.indirect_reference = IndirectObject(ref.idnum, 0, writer)
            objects[ref.idnum - 1] = obj
        return obj

    root = parsed(trailer.raw_get("/Root"))
    pages: list[PageObject] = []
    if not _walk(root.raw_get("/Pages"), {}, parsed, pages, writer):
        return None
    if "/Info" in trailer:
        writer._info_obj = parsed(trailer.raw_get("/Info")).indirect_reference
    else:
        writer._info_obj = None
    writer._root_object = root
    writer._pages = root.raw_get("/Pages")
    writer.flattened_pages = pages
    writer._header = base.pdf_header.encode()
    if "/ID" in trailer:
        writer._ID = ArrayObject(cast(ArrayObject, trailer["/ID"]))
    return writer


def _walk(ref, inherited: dict, parsed, pages: list, writer: PdfWriter, depth: int = 0) -> bool:
    """The pages under a node of the page tree, parsed, in order, with what they inherit
    copied onto them (their parent will be the root node); False for a tree too deep."""
    if depth > 32 or not isinstance(ref, IndirectObject):
        return False
    node = parsed(ref)
    if node.get("/Type") == "/Pages":
        inherited = {**inherited, **{key: node.raw_get(key) for key in INHERITED if key in node}}
        kids = node.raw_get("/Kids")
        kids = parsed(kids) if isinstance(kids, IndirectObject) else kids
        return all(_walk(kid, inherited, parsed, pages, writer, depth + 1) for kid in kids)
    page = PageObject(writer, node.indirect_reference)
    page.update(node)
    for key, value in inherited.items():
        if key not in page:
            page[NameObject(key)] = value
    writer._objects[ref.idnum - 1] = page
    for key in (*INHERITED, "/Contents"):
        value = page.raw_get(key) if key in page else None
        value = parsed(value) if isinstance(value, IndirectObject) else value
        if isinstance(value, (DictionaryObject, ArrayObject)):  # resources, contents
            for item in value.values() if isinstance(value, DictionaryObject) else value:
                if isinstance(item, IndirectObject):
                    parsed(item)
    pages.append(page)
    return True


def _packed(stream: StreamObject) -> Iterator[tuple[int, bytes]]:
    """(number, bytes) of each object packed in an object stream, as its index gives them."""
    data = stream.get_data()
    first, count = int(cast(int, stream["/First"])), int(cast(int, stream["/N"]))
    index = [int(v) for v in data[:first].split()]
    numbers, offsets = index[0:2 * count:2], [first + v for v in index[1:2 * count:2]]
    for number, start, end in zip(numbers, offsets, [*offsets[1:], len(data)], strict=True):
        yield number, data[start:end].strip()


def _adopted(obj, writer: PdfWriter):
    """`obj` with every reference it holds pointing into `writer` (same numbers)."""
    stack = [obj]
    while stack:
        item = stack.pop()
        values = item.values() if isinstance(item, DictionaryObject) else item
        for value in values:
            if isinstance(value, IndirectObject):
                value.pdf = writer
            elif isinstance(value, (DictionaryObject, ArrayObject)):
                stack.append(value)
    return obj


def _blank_page(writer: PdfWriter) -> PageObject:
    """A new empty A4 page in the writer, not yet in its page tree (`_set_pages`)."""
    page = PageObject.create_blank_page(None, *A4)
    writer._add_object(page)
    return page


def _set_pages(writer: PdfWriter, ordered: list[PageObject]) -> None:
    """The page tree as one node holding `ordered` (what the pages inherited is on them
    already, `_writer`): pypdf's page insertion walked the tree and shifted its list for each
    page."""
    tree = writer.root_object[NameObject("/Pages")].get_object()
    assert isinstance(tree, DictionaryObject)
    for page in ordered:
        page[NameObject("/Parent")] = tree.indirect_reference
    tree[NameObject("/Kids")] = ArrayObject([page.indirect_reference for page in ordered])
    tree[NameObject("/Count")] = NumberObject(len(ordered))
    writer.flattened_pages = ordered


def active_names(writer: PdfWriter) -> set[str]:
    """The forbidden names anywhere in the writer's objects (preflight's list), read in memory:
    reading the written file again would parse every page once more. The keys of every
    dictionary and the name values of dictionaries count (a name inside an array does not)."""
    found: set[str] = set()
    stack: list = [obj.parsed(writer) if isinstance(obj, Verbatim) else obj
                   for obj in writer._objects
                   if obj is not None and not (isinstance(obj, Verbatim)
                                               and SUSPECT.search(obj.data) is None)]
    while stack:
        obj = stack.pop()
        if isinstance(obj, DictionaryObject):
            if not FORBIDDEN.isdisjoint(obj):
                found.update(FORBIDDEN.intersection(obj))
            for value in obj.values():
                if isinstance(value, (DictionaryObject, ArrayObject)):
                    stack.append(value)
                elif isinstance(value, NameObject) and value in FORBIDDEN:
                    found.add(str(value))
        elif isinstance(obj, ArrayObject):
            stack.extend(v for v in obj if isinstance(v, (DictionaryObject, ArrayObject)))
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
