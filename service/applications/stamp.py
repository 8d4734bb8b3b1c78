"""Text stamped with pypdf on the pages of an assembled dossier: « page n / N » on every page, and
the verification footer on the uploaded pages, in the documents' own font (embedded).

Laying out one page costs WeasyPrint tens of milliseconds even when it is empty: a dossier's
hundreds of uploaded pages are not laid out by it. Their footer and every page number are
drawn here, in DejaVu Sans Condensed (doc_templates/_shared/fonts), embedded once per dossier
as a simple TrueType font subset to the WinAnsi characters.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
)

FONT_FILE = "DejaVuSansCondensed.ttf"
MM = 72 / 25.4
# print.css: 18 mm side margins, a 27 mm bottom margin whose boxes start 1.5 to 2 mm down.
LEFT, RIGHT_MARGIN, FOOTER_TOP = 18 * MM, 18 * MM, 27 * MM
GREY = "0.290 0.333 0.384"  # #4a5562
RULE = "0.549 0.588 0.639"  # #8c96a3
NAME = "/LdaStamp"


def _winansi() -> dict[int, str]:
    table = {}
    for code in range(32, 256):
        try:
            table[code] = bytes([code]).decode("cp1252")
        except UnicodeDecodeError:
            continue
    return table


WINANSI = _winansi()
CODES = sorted(WINANSI)


@dataclass(frozen=True)
class Font:
    program: bytes  # the TrueType subset
    widths: dict[int, int]  # WinAnsi code -> advance in thousandths of an em
    bbox: tuple[int, int, int, int]
    ascent: int
    descent: int
    cap_height: int
    name: str

    def width(self, text: bytes, size: float) -> float:
        return sum(self.widths.get(c, 500) for c in text) * size / 1000


@lru_cache(maxsize=4)
def load_font(fonts_dir: str) -> Font:
    """The subset program and its metrics, made once per process."""
    path = Path(fonts_dir) / FONT_FILE
    font = TTFont(str(path))
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables = [*options.drop_tables, "FFTM"]  # FontForge's timestamps: not needed
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(WINANSI.values()))
    subsetter.subset(font)
    scale = 1000 / font["head"].unitsPerEm
    cmap = font.getBestCmap()
    hmtx = font["hmtx"]
    widths = {code: round(hmtx[cmap[ord(char)]][0] * scale)
              for code, char in WINANSI.items() if ord(char) in cmap}
    head, hhea, os2 = font["head"], font["hhea"], font["OS/2"]
    out = io.BytesIO()
    font.save(out)
    return Font(out.getvalue(), widths,
                tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)),
                round(hhea.ascent * scale), round(hhea.descent * scale),
                round(getattr(os2, "sCapHeight", 730) * scale), "LDAAAA+DejaVuSansCondensed")


def add_font(writer: PdfWriter, font: Font):
    """The font's objects in the writer; the returned reference goes in each page's resources."""
    program = DecodedStreamObject()
    program.set_data(font.program)
    program[NameObject("/Length1")] = NumberObject(len(font.program))
    descriptor = DictionaryObject({
        NameObject("/Type"): NameObject("/FontDescriptor"),
        NameObject("/FontName"): NameObject(f"/{font.name}"),
        NameObject("/Flags"): NumberObject(32),  # nonsymbolic
        NameObject("/FontBBox"): ArrayObject([NumberObject(v) for v in font.bbox]),
        NameObject("/ItalicAngle"): NumberObject(0),
        NameObject("/Ascent"): NumberObject(font.ascent),
        NameObject("/Descent"): NumberObject(font.descent),
        NameObject("/CapHeight"): NumberObject(font.cap_height),
        NameObject("/StemV"): NumberObject(80),
        NameObject("/FontFile2"): writer._add_object(program.flate_encode()),
    })
    first, last = CODES[0], CODES[-1]
    return writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/TrueType"),
        NameObject("/BaseFont"): NameObject(f"/{font.name}"),
        NameObject("/FirstChar"): NumberObject(first),
        NameObject("/LastChar"): NumberObject(last),
        NameObject("/Widths"): ArrayObject([NumberObject(font.widths.get(c, 0))
                                            for c in range(first, last + 1)]),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        NameObject("/FontDescriptor"): writer._add_object(descriptor),
    }))


def encode(text: str) -> bytes:
    """WinAnsi bytes of a PDF string: no-break spaces are spaces, the rest replaced by « ? »."""
    text = text.replace("\u202f", " ").replace("\u00a0", " ")
    return text.encode("cp1252", "replace")


def _string(data: bytes) -> str:
    escaped = data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return "(" + escaped.decode("latin-1") + ")"


def _text(font: Font, text: str, size: float, x: float, y: float, right: bool = False) -> str:
    data = encode(text)
    if right:
        x -= font.width(data, size)
    return f"BT {NAME} {size} Tf {x:.2f} {y:.2f} Td {_string(data)} Tj ET"


def footer_ops(font: Font, width: float, number: int, total: int,
               lines: tuple[str, ...] = ()) -> bytes:
    """« page n / N » at the right of the footer; with `lines`, the verification text at its
    left above a rule, as the documents' running footer prints it."""
    top = FOOTER_TOP
    ops = [f"{GREY} rg", _text(font, f"page\u00a0{number}\u00a0/\u00a0{total}", 7.5,
                                width - RIGHT_MARGIN, top - 2 * MM - 6.2, right=True)]
    right = width - RIGHT_MARGIN
    # The rule above the footer: under the page number (print.css gives its box 30 % of the
    # width), or the whole width on an uploaded page.
    start = LEFT if lines else right - 0.3 * (right - LEFT)
    ops.insert(0, f"{RULE} RG 0.4 w {start:.2f} {top:.2f} m {right:.2f} {top:.2f} l S")
    if lines:
        for index, line in enumerate(lines):
            ops.append(_text(font, line, 7, LEFT, top - 1.5 * MM - 6 - index * 8.75))
    return ("q\n" + "\n".join(ops) + "\nQ\n").encode("latin-1")


def save_state(writer: PdfWriter) -> IndirectObject:
    """A content stream holding « q » alone: what opens a page's own content before a drawing
    is added after it. One such stream serves every page of a writer."""
    stream = DecodedStreamObject()
    stream.set_data(b"q\n")
    return writer._add_object(stream)


def stamp(writer: PdfWriter, page, font_ref, content: bytes,
          opening: IndirectObject | None = None) -> None:
    """Add `content` (drawn with the stamp font) on top of the page, its state isolated;
    `opening` is the writer's `save_state` stream (made here if not given)."""
    resources = page.get("/Resources")
    own = DictionaryObject(resources.get_object()) if resources is not None else (
        DictionaryObject())
    fonts = own.get("/Font")
    fonts = DictionaryObject(fonts.get_object()) if fonts is not None else DictionaryObject()
    fonts[NameObject(NAME)] = font_ref
    own[NameObject("/Font")] = fonts
    page[NameObject("/Resources")] = own
    after = DecodedStreamObject()
    after.set_data(b"\nQ\n" + content)
    page[NameObject("/Contents")] = ArrayObject(
        [opening or save_state(writer), *content_parts(writer, page),
         writer._add_object(after)])


def content_parts(writer: PdfWriter, page) -> list:
    """References to the page's content streams, for a new /Contents array: a stream is never
    put in the array itself (the page's `page["/Contents"]` is the resolved stream, and a
    direct stream is no valid PDF object: strict readers drop the whole page)."""
    contents = page.get("/Contents")  # as the page holds it: a reference
    if contents is None:
        return []
    resolved = contents.get_object()
    if isinstance(resolved, ArrayObject):
        return list(resolved)
    return [contents if isinstance(contents, IndirectObject) else writer._add_object(contents)]
