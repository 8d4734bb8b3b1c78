"""Preflight checks on the produced files: PDF bytes (text, fonts, active content) and DOCX bytes.

Text comparisons ignore all whitespace (line wrapping, break-word, no-break spaces) and format
characters (drawn as nothing), and compare compatibility-normalised (NFKC) text: a PDF's text
layer gives the ligature « ﬁ » as « fi », the fraction « ½ » as « 1⁄2 », and that is the text it
shows. pypdf extracts the PDF text; when it fails, looks garbled or misses values
(a known pypdf limitation with some re-encoded fonts), poppler's `pdftotext` is asked instead.
"""

from __future__ import annotations

import io
import logging
import re
import subprocess
import unicodedata
import zipfile
from collections.abc import Sequence

from lxml import etree
from markupsafe import Markup
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from service.rendering.preflight_layout import check_page_count

log = logging.getLogger(__name__)

PDFTOTEXT = "/usr/bin/pdftotext"
PLACEHOLDERS = ("{{", "{%", "}}", "%}")
_VARIABLE = re.compile(r"\{[{%].{0,40}?[}%]\}", re.S)
ACTIVE = ("/JavaScript", "/JS", "/OpenAction", "/AA", "/Launch", "/EmbeddedFiles")
FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")
# Keys never printed as such: machine codes of choices (their label is), and in `doc` the
# library versions and the generated QR markup (hashes: every key ending in "sha256").
UNPRINTED = ("code",)
DOC_UNPRINTED = ("libraries", "qr")
W_T = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"


# Hyphens: a word cut at a hyphen at a line end comes back from poppler without it
# (« co-|demandeuse » -> « codemandeuse »); the words are there all the same.
_HYPHENS = frozenset("-\u2010")


def compact(text: str) -> str:
    """What a text shows, for comparing: NFKC, no whitespace, no format character, no
    hyphen."""
    return "".join(c for c in unicodedata.normalize("NFKC", text)
                   if not c.isspace() and c not in _HYPHENS
                   and unicodedata.category(c) != "Cf")


class Problem(str):
    """A preflight message about one string of the context (`value`), so that the caller can
    name the field it came from; `bare` is the message without the context's path, for a page
    that names the field instead."""

    value: str | None
    bare: str

    def __new__(cls, message: str, value: str | None = None, bare: str | None = None):
        problem = super().__new__(cls, message)
        problem.value = value
        problem.bare = bare or message
        return problem


# ---- values the document must show ----

def _leaves(value, key: str = "", in_doc: bool = False):
    if isinstance(value, Markup) or key.startswith("_") or key in UNPRINTED:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            k = str(k)
            if in_doc and (k in DOC_UNPRINTED or k.endswith("sha256")):
                continue
            yield from _leaves(v, k, in_doc or (key == "" and k == "doc"))
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _leaves(v, key, in_doc)


def expected_values(context: dict, with_doc: bool = True) -> list[str]:
    """Non-empty leaf strings (≥ 2 characters) of the context, without `_` keys, `code` keys
    or doc hashes; `with_doc=False` leaves out the whole `doc` block (the DOCX prints only part
    of it: no verification code, URL or template name)."""
    if not with_doc:
        context = {k: v for k, v in context.items() if k != "doc"}
    values = (v.strip() for v in _leaves(context))
    return list(dict.fromkeys(v for v in values if len(v) >= 2))


def _found(value: str, text: str, pieces: int) -> bool:
    """`value` in `text`, or cut by page breaks into at most `pieces` parts found in that order
    (the running footer and header, or the other cells of a split row, come in between)."""
    if value in text:
        return True
    start = 0
    for _ in range(pieces):
        low, high = 0, len(value)  # longest prefix of `value` found from `start`: binary search
        while low < high:
            mid = (low + high + 1) // 2
            low, high = (mid, high) if text.find(value[:mid], start) >= 0 else (low, mid - 1)
        if low < min(len(value), 2):
            return False
        start, value = text.find(value[:low], start) + low, value[low:]
        if not value:
            return True
    return False


def _missing(text: str, values: list[str], pieces: int = 1) -> list[str]:
    return [v for v in values if not _found(compact(v), text, pieces)]


def _placeholders(raw: str, text: str, values: list[str]) -> list[str]:
    """Markers left by the template: more than the values bring, and not inside any value."""
    rest = text
    for value in sorted({compact(v) for v in values}, key=len, reverse=True):
        if value:
            rest = rest.replace(value, "")
    messages = []
    for marker in PLACEHOLDERS:
        allowed = sum(compact(v).count(marker) for v in values)
        if marker in rest and text.count(marker) > allowed:
            excerpt = _excerpt(raw, marker, values)
            messages.append(f"Le document contient une variable de modèle non remplacée : "
                            f"« {excerpt} ».")
            break
    return messages


def _excerpt(raw: str, marker: str, values: list[str]) -> str:
    """The first variable-looking text of `raw` that no value explains."""
    inside = [compact(v) for v in values]
    for found in _VARIABLE.finditer(raw):
        if not any(compact(found.group()) in value for value in inside):
            return " ".join(found.group().split())
    return marker


def _value_messages(raw: str, values: list[str], pieces: int = 1) -> list[str]:
    text = compact(raw)
    return [Problem(f"La valeur « {_short(v)} » n'apparaît pas dans le document produit.", v)
            for v in _missing(text, values, pieces)] + _placeholders(raw, text, values)


def _short(value: str, size: int = 60) -> str:
    """For a message: one line, no format character (a bidi override would reorder it)."""
    value = " ".join("".join(c for c in value if unicodedata.category(c) != "Cf").split())
    return value if len(value) <= size else value[:size] + "…"


# ---- PDF ----

def _pypdf_text(reader: PdfReader) -> str | None:
    try:
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except Exception:  # any extraction failure means: ask poppler
        log.warning("pypdf text extraction failed", exc_info=True)
        return None


def _poppler_text(pdf: bytes) -> str | None:
    try:
        run = subprocess.run([PDFTOTEXT, "-enc", "UTF-8", "-", "-"], input=pdf,
                             capture_output=True, timeout=20, check=True)
    except (OSError, subprocess.SubprocessError):
        log.warning("pdftotext failed", exc_info=True)
        return None
    return run.stdout.decode("utf-8", "replace")


def _garbled(text: str) -> bool:
    return any(c == "\ufffd" or unicodedata.category(c) in ("Co", "Cs") for c in text)


def pdf_text(pdf: bytes, values: Sequence[str] = (), reader: PdfReader | None = None) -> str:
    """The PDF's text: poppler's first (4× faster here, reads re-encoded fonts); pypdf's when
    poppler fails or misses values (it joins words hyphenated at a line end: « al-|Raḥmān »)."""
    text = _poppler_text(pdf)
    if text is not None and not _garbled(text) and not _missing(compact(text), list(values)):
        return text
    reader = reader or PdfReader(io.BytesIO(pdf))
    other = _pypdf_text(reader)
    if text is None or _garbled(text):
        return other or text or ""
    if other is None or _garbled(other):
        return text
    pages = len(reader.pages)
    misses = len(_missing(compact(text), list(values), pages))
    return other if len(_missing(compact(other), list(values), pages)) < misses else text


def _walk_pdf(reader: PdfReader):
    """Every dictionary reachable from the trailer (object streams included), once."""
    seen: set[tuple[int, int]] = set()
    stack = [reader.trailer]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            yield obj
            stack.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)


def _font_name(font: DictionaryObject) -> str:
    name = str(font.get("/BaseFont", font.get("/Name", "sans nom"))).lstrip("/")
    return name.split("+", 1)[1] if len(name) > 7 and name[6] == "+" else name


def _embedded(font: DictionaryObject) -> bool:
    if font.get("/Subtype") in ("/Type0", "/Type3"):  # Type0: see its descendant; Type3: glyphs
        return True
    descriptor = font.get("/FontDescriptor")
    descriptor = descriptor.get_object() if descriptor is not None else None
    return isinstance(descriptor, DictionaryObject) and any(k in descriptor for k in FONT_FILES)


def check_structure(reader: PdfReader) -> list[str]:
    """Fonts embedded (every font dictionary, Type0 descendants included); no active content."""
    fonts, active = [], []
    for obj in _walk_pdf(reader):
        if obj.get("/Type") == "/Font" and not _embedded(obj):
            fonts.append(f"La police « {_font_name(obj)} » n'est pas incorporée au PDF.")
        names = list(obj.keys()) + [v for v in obj.values() if isinstance(v, NameObject)]
        active += [f"Le PDF contient un élément actif interdit ({name})."
                   for name in names if name in ACTIVE]
    return list(dict.fromkeys(fonts + active))


def check_pdf(pdf: bytes, expected_values: list[str], page_bounds: tuple[int, int]) -> list[str]:
    """Values present, no template variable left, fonts embedded, page count, no active content."""
    try:
        reader = PdfReader(io.BytesIO(pdf))
        pages = len(reader.pages)
    except Exception:  # whatever pypdf raises, the file is unusable
        return ["Le PDF produit est illisible."]
    text = pdf_text(pdf, expected_values, reader)
    return (_value_messages(text, expected_values, pages) + check_structure(reader)
            + check_page_count(pages, page_bounds))


# ---- DOCX ----

def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False)


def docx_text(docx: bytes) -> tuple[str, list[str]]:
    """(w:t text of every word/*.xml part, document.xml first; messages for broken parts)."""
    texts, messages = [], []
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        names = sorted((n for n in package.namelist()
                        if n.startswith("word/") and n.endswith(".xml")),
                       key=lambda n: (n != "word/document.xml", n))
        for name in names:
            try:
                root = etree.fromstring(package.read(name), _parser())
            except etree.XMLSyntaxError as exc:
                messages.append(f"La partie « {name} » du DOCX n'est pas un XML valide "
                                f"(ligne {exc.lineno}).")
                continue
            texts.append("".join(node.text or "" for node in root.iter(W_T)))
    return "\n".join(texts), messages


def check_docx(docx: bytes, expected_values: list[str]) -> list[str]:
    """word/*.xml parts parse; values present in the w:t text; no template variable left."""
    try:
        text, messages = docx_text(docx)
    except (zipfile.BadZipFile, KeyError, OSError):
        return ["Le fichier DOCX produit est illisible."]
    if messages:
        return messages
    return _value_messages(text, expected_values)
