"""Check an uploaded PDF in a child process with limits, and keep a cleaned copy of its pages.

The file is untrusted. The parent refuses at once what it can see without parsing (empty, too
large, not a PDF); the rest runs in `python -m service.uploads.pdfcheck`, under an address-space
limit, a CPU limit and a wall-clock timeout (SECURITY.md), so a crafted file can neither hang nor
exhaust the worker: a child that dies or overruns is a refusal. The child parses everything
reachable with pypdf, refuses encrypted files, files cut short, decompression bombs and active
content (JavaScript, launch actions, opening actions, additional actions, embedded files), then
copies the pages alone into a new file: form fields are drawn into the page (flattened),
annotations, links, bookmarks and metadata stay behind. Only that copy is ever stored.
"""

from __future__ import annotations

import io
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
)

# The child runs `-m service.uploads.pdfcheck` from the project root; nothing else of the
# service is imported there.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 15 * MiB
    max_pages: int = 200
    timeout_seconds: float = 30
    memory_bytes: int = 1024 * MiB
    # A Flate stream that inflates past this is a decompression bomb, not a scan.
    max_inflated_stream: int = 100 * MiB
    max_inflated_total: int = 1024 * MiB


LIMITS = Limits()

EMPTY = "Le fichier est vide."
NOT_PDF = ("Ce fichier n'est pas un PDF : son contenu ne commence pas par l'en-tête « %PDF », "
           "même si son nom se termine par .pdf. Enregistrez le document au format PDF.")
TRUNCATED = ("Le PDF est incomplet : sa fin manque (fichier tronqué, envoi interrompu ?). "
             "Téléchargez-le ou exportez-le à nouveau.")
UNREADABLE = ("Le PDF est endommagé et ne peut pas être lu en entier. Exportez-le à nouveau "
              "depuis le logiciel qui l'a produit.")
ENCRYPTED = ("Le PDF est chiffré ou protégé par un mot de passe : il ne peut pas être joint au "
             "dossier. Enregistrez-en une copie sans protection.")
NO_PAGE = "Le PDF ne contient aucune page."
BOMB = ("Le PDF contient des données compressées démesurées (« bombe de décompression ») : il "
        "est refusé.")
NESTED = ("La structure du PDF est imbriquée trop profondément pour être lue sans risque : il "
          "est refusé.")
OVERRUN = ("L'analyse du PDF a dépassé les limites de temps ou de mémoire : le fichier est trop "
           "complexe ou construit pour bloquer la lecture. Il est refusé.")
XFA = ("Le PDF est un formulaire dynamique (XFA), que seules certaines versions d'Acrobat "
       "affichent. Imprimez-le en PDF, puis joignez ce nouveau fichier.")
ACTIVE = {
    "/JavaScript": "du code JavaScript",
    "/JS": "du code JavaScript",
    "/Launch": "une commande de lancement de programme (/Launch)",
    "/OpenAction": "une action exécutée à l'ouverture (/OpenAction)",
    "/AA": "des actions automatiques (/AA)",
    "/EmbeddedFiles": "des fichiers incorporés",
    "/EmbeddedFile": "des fichiers incorporés",
    "/FileAttachment": "des fichiers incorporés",
    "/RichMedia": "du contenu multimédia actif (/RichMedia)",
    "/SubmitForm": "un envoi de formulaire vers l'extérieur (/SubmitForm)",
    "/ImportData": "une importation de données (/ImportData)",
    "/GoToE": "un renvoi vers un fichier incorporé (/GoToE)",
}
REMOVED_ANNOTATIONS = "annotations, commentaires et liens"
REMOVED_FORM = "champs de formulaire (leur contenu visible est conservé dans la page)"
REMOVED_METADATA = "métadonnées et signets du fichier"


class Refused(Exception):
    """The upload is refused; `reason` says why, in French, for the person who sent it."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Accepted:
    data: bytes  # the cleaned copy: the only bytes ever stored
    pages: int
    removed: list[str] = field(default_factory=list)


def size_text(size: int) -> str:
    """2.5 MiB -> « 2,5 Mo »."""
    return f"{size / MiB:.1f}".replace(".", ",") + "\u00a0Mo"


def precheck(data: bytes, limits: Limits = LIMITS) -> None:
    """What needs no parsing: empty, too large, not a PDF."""
    if not data:
        raise Refused(EMPTY)
    if len(data) > limits.max_bytes:
        raise Refused(f"Le fichier fait {size_text(len(data))} : la taille maximale d'une pièce "
                      f"est de {size_text(limits.max_bytes)}. Réduisez sa taille (résolution "
                      "des images scannées) ou scindez-le.")
    if b"%PDF-" not in data[:1024]:
        raise Refused(NOT_PDF)


def check_pdf(data: bytes, limits: Limits = LIMITS) -> Accepted:
    """The cleaned copy of an acceptable PDF, or Refused with the reason."""
    precheck(data, limits)
    with tempfile.TemporaryDirectory(prefix="lda-upload-") as folder:
        out = Path(folder) / "clean.pdf"
        try:
            done = subprocess.run(  # noqa: S603  (our own module, fixed arguments)
                [sys.executable, "-m", "service.uploads.pdfcheck", str(out),
                 json.dumps(limits.__dict__)],
                input=data, capture_output=True, timeout=limits.timeout_seconds,
                preexec_fn=lambda: _child_limits(limits), check=False, cwd=PROJECT_ROOT)
        except subprocess.TimeoutExpired as exc:
            raise Refused(OVERRUN) from exc
        # Plain data only: the child parsed untrusted bytes, its output is never code.
        answer = _answer(done.stdout) if done.returncode == 0 else None
        if answer is None:
            raise Refused(OVERRUN if done.returncode < 0 or b"MemoryError" in done.stderr
                          else UNREADABLE)
        if not answer.get("ok"):
            raise Refused(str(answer.get("reason") or UNREADABLE)[:500])
        return Accepted(out.read_bytes(), int(answer["pages"]),
                        [str(r) for r in answer.get("removed", [])])


def _answer(stdout: bytes) -> dict | None:
    try:
        answer = json.loads(stdout[:10_000].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return answer if isinstance(answer, dict) else None


def _child_limits(limits: Limits) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    cpu = math.ceil(limits.timeout_seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    # The cleaned copy cannot grow without bound either.
    size = 4 * limits.max_bytes
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))


# ---- in the child process ----

def inspect(data: bytes, limits: Limits = LIMITS) -> tuple[int, list[str], bytes]:
    """(pages, what was removed, cleaned copy), or Refused. Runs in the child only."""
    precheck(data, limits)
    if b"%%EOF" not in data[-2048:]:
        raise Refused(TRUNCATED)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise Refused(ENCRYPTED)
        objects = _reachable(reader)
        _refuse_active(objects)
        _refuse_bombs(objects, limits)
        pages = len(reader.pages)
        if pages == 0:
            raise Refused(NO_PAGE)
        if pages > limits.max_pages:
            raise Refused(f"Le PDF compte {pages} pages : une pièce en compte "
                          f"{limits.max_pages} au plus. Scindez-le en plusieurs fichiers.")
        cleaned, removed = _clean(reader)
        _refuse_active(_reachable(PdfReader(io.BytesIO(cleaned))))  # the copy is clean too
        return pages, removed, cleaned
    except Refused:
        raise
    except RecursionError as exc:
        raise Refused(NESTED) from exc
    except MemoryError as exc:
        raise Refused(OVERRUN) from exc
    except Exception as exc:  # whatever pypdf raises on a broken or hostile file
        if type(exc).__name__ == "LimitReachedError":
            raise Refused(BOMB) from exc
        raise Refused(UNREADABLE) from exc


def _reachable(reader: PdfReader) -> list:
    """Every object reachable from the trailer, each once, resolved: parsing all of it finds
    damage hidden in a part a quick look would not read."""
    seen: set[tuple[int, int]] = set()
    found = []
    stack = [reader.trailer]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
            if obj is None:
                raise Refused(UNREADABLE)
        if isinstance(obj, DictionaryObject):  # streams are dictionaries too
            found.append(obj)
            stack.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return found


def _refuse_active(objects: list) -> None:
    for obj in objects:
        keys = [str(k) for k in obj]
        if "/OpenAction" in keys and not isinstance(obj["/OpenAction"].get_object(),
                                                    DictionaryObject):
            keys.remove("/OpenAction")  # a destination to open at, not an action: dropped
        names = keys + [str(v) for v in obj.values() if isinstance(v, NameObject)]
        for name in names:
            if name in ACTIVE:
                raise Refused(f"Le PDF contient {ACTIVE[name]} : ce contenu actif pourrait "
                              "s'exécuter chez les lecteurs du dossier. Il est refusé ; "
                              "enregistrez ou imprimez le document en PDF sans ce contenu.")
        if obj.get("/XFA") is not None:
            raise Refused(XFA)


def _refuse_bombs(objects: list, limits: Limits) -> None:
    """Inflate every Flate stream with a cap: a few kilobytes that grow to gigabytes are
    refused here, before any viewer (or our assembly) inflates them."""
    total = 0
    for obj in objects:
        if not isinstance(obj, StreamObject):
            continue
        filters = obj.get("/Filter")
        names = [str(f) for f in filters] if isinstance(filters, ArrayObject) else [str(filters)]
        if not names or names[0] not in ("/FlateDecode", "/Fl"):
            continue
        inflater = zlib.decompressobj()
        try:
            size = len(inflater.decompress(obj._data, limits.max_inflated_stream + 1))
        except zlib.error:
            continue  # a damaged stream: pypdf's own reading decides
        if size > limits.max_inflated_stream or inflater.unconsumed_tail:
            raise Refused(BOMB)
        total += size
        if total > limits.max_inflated_total:
            raise Refused(BOMB)


def _clean(reader: PdfReader) -> tuple[bytes, list[str]]:
    """The pages alone in a new file; form fields drawn into their page."""
    writer = PdfWriter()
    removed: set[str] = {REMOVED_METADATA}
    for page in reader.pages:
        drawn = _field_appearances(page)
        if drawn:
            removed.add(REMOVED_FORM)
        for key in ("/Annots", "/AA", "/Thumb", "/B", "/PieceInfo", "/Metadata"):
            if key in page:
                if key == "/Annots":
                    removed.add(REMOVED_ANNOTATIONS)
                del page[NameObject(key)]
        added = writer.add_page(page)
        _draw(writer, added, drawn)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), sorted(removed)


def _field_appearances(page) -> list[tuple[StreamObject, list[float]]]:
    """(appearance stream, cm matrix) of each visible form field of the page."""
    drawn = []
    for ref in page.get("/Annots") or []:
        annot = ref.get_object()
        if not isinstance(annot, DictionaryObject) or annot.get("/Subtype") != "/Widget":
            continue
        if int(annot.get("/F", 0)) & 2:  # hidden
            continue
        normal = (annot.get("/AP") or {}).get("/N")
        normal = normal.get_object() if normal is not None else None
        if isinstance(normal, DictionaryObject) and not isinstance(normal, StreamObject):
            state = annot.get("/AS")
            normal = normal[state].get_object() if state in normal else None
        if not isinstance(normal, StreamObject) or "/Matrix" in normal:
            continue  # no appearance, or a rotated one we do not redraw
        # pypdf types every dictionary entry as a bare PdfObject; /Rect is an array.
        rect = [float(v) for v in annot["/Rect"]]  # type: ignore[attr-defined]
        box = [float(v) for v in normal.get("/BBox", [0, 0, 1, 1])]
        width, height = box[2] - box[0], box[3] - box[1]
        if width <= 0 or height <= 0:
            continue
        sx, sy = (rect[2] - rect[0]) / width, (rect[3] - rect[1]) / height
        drawn.append((normal, [sx, 0, 0, sy, min(rect[0], rect[2]) - box[0] * sx,
                               min(rect[1], rect[3]) - box[1] * sy]))
    return drawn


def _draw(writer: PdfWriter, page, drawn) -> None:
    if not drawn:
        return
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else DictionaryObject()
    page[NameObject("/Resources")] = resources
    xobjects = resources.get("/XObject")
    xobjects = xobjects.get_object() if xobjects is not None else DictionaryObject()
    resources[NameObject("/XObject")] = xobjects
    ops = []
    for index, (stream, matrix) in enumerate(drawn):
        name = f"/LdaChamp{index}"
        form = stream.clone(writer)
        form[NameObject("/Type")] = NameObject("/XObject")
        form[NameObject("/Subtype")] = NameObject("/Form")
        xobjects[NameObject(name)] = writer._add_object(form)
        numbers = " ".join(f"{v:.4f}" for v in matrix)
        ops.append(f"q {numbers} cm {name} Do Q")
    content = DecodedStreamObject()
    content.set_data(("\n" + "\n".join(ops) + "\n").encode())
    contents = page.get("/Contents")
    existing = contents.get_object() if contents is not None else None
    parts = list(existing) if isinstance(existing, ArrayObject) else (
        [contents] if contents is not None else [])
    page[NameObject("/Contents")] = ArrayObject([*parts, writer._add_object(content)])


def _main() -> None:
    out, raw_limits = sys.argv[1], json.loads(sys.argv[2])
    limits = Limits(**raw_limits)
    data = sys.stdin.buffer.read(limits.max_bytes + 1)
    try:
        pages, removed, cleaned = inspect(data, limits)
    except Refused as refused:
        answer = {"ok": False, "reason": refused.reason}
    else:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(cleaned)
        answer = {"ok": True, "pages": pages, "removed": removed}
    sys.stdout.write(json.dumps(answer, ensure_ascii=True))


if __name__ == "__main__":
    _main()
