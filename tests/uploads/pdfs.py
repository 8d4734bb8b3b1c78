"""PDF files crafted by the tests: ordinary ones, and hostile ones of every known kind."""

from __future__ import annotations

import io
import zlib

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

A4 = (595.28, 841.89)


def _text_page(writer: PdfWriter, text: str):
    """A page printing `text` (a standard font: enough for tests of the checks)."""
    page = writer.add_blank_page(*A4)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                             NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject(
        {NameObject("/F1"): writer._add_object(font)})})
    content = DecodedStreamObject()
    content.set_data(f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode("latin-1"))
    page[NameObject("/Contents")] = writer._add_object(content)
    return page


def to_bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def plain(pages: int = 1, label: str = "Statuts") -> bytes:
    writer = PdfWriter()
    for number in range(1, pages + 1):
        _text_page(writer, f"{label} - page {number}")
    return to_bytes(writer)


def with_javascript() -> bytes:
    writer = PdfWriter()
    _text_page(writer, "Document ordinaire")
    script = _action("/JavaScript", JS=TextStringObject("app.alert('bonjour');"))
    tree = DictionaryObject({NameObject("/Names"): ArrayObject(
        [TextStringObject("bonjour"), writer._add_object(script)])})
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(tree)})
    return to_bytes(writer)


def _action(kind: str, **entries) -> DictionaryObject:
    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = value
    return action


def with_launch() -> bytes:
    writer = PdfWriter()
    page = _text_page(writer, "Cliquez ici")
    link = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
        NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (72, 700, 300, 780)]),
        NameObject("/A"): _action("/Launch", F=TextStringObject("calc.exe"))})
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    return to_bytes(writer)


def with_open_action() -> bytes:
    writer = PdfWriter()
    _text_page(writer, "Ouverture")
    writer._root_object[NameObject("/OpenAction")] = _action(
        "/URI", URI=TextStringObject("https://exemple.invalid/suivi"))
    return to_bytes(writer)


def with_open_destination() -> bytes:
    """An /OpenAction that is only where to open (page 1): harmless, dropped."""
    writer = PdfWriter()
    page = _text_page(writer, "Ouverture simple")
    writer._root_object[NameObject("/OpenAction")] = ArrayObject(
        [page.indirect_reference, NameObject("/Fit")])
    return to_bytes(writer)


def with_additional_actions() -> bytes:
    writer = PdfWriter()
    page = _text_page(writer, "Page avec action")
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): _action(
        "/URI", URI=TextStringObject("https://exemple.invalid/o"))})
    return to_bytes(writer)


def with_embedded_file() -> bytes:
    writer = PdfWriter()
    _text_page(writer, "Avec pièce jointe")
    writer.add_attachment("rapport.exe", b"MZ\x90\x00 pas un vrai programme")
    return to_bytes(writer)


def encrypted() -> bytes:
    writer = PdfWriter()
    _text_page(writer, "Secret")
    writer.encrypt(user_password="secret", owner_password="proprietaire", algorithm="AES-128")
    return to_bytes(writer)


def truncated() -> bytes:
    data = plain(3)
    return data[: len(data) // 2]


def decompression_bomb(megabytes: int = 120) -> bytes:
    """A page whose content stream is a few hundred kilobytes inflating to `megabytes` MB."""
    writer = PdfWriter()
    page = _text_page(writer, "Bombe")
    packer = zlib.compressobj(9)
    chunk = b" " * (1024 * 1024)
    raw = b"".join(packer.compress(chunk) for _ in range(megabytes)) + packer.flush()
    stream = StreamObject()
    stream._data = raw
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    page[NameObject("/Contents")] = ArrayObject([page["/Contents"], writer._add_object(stream)])
    return to_bytes(writer)


def deeply_nested(depth: int = 100_000) -> bytes:
    """A hand-written file with one object nested `depth` arrays deep."""
    nested = b"[" * depth + b"]" * depth
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Extra 5 0 R >>",
        b"<< /Length 0 >>\nstream\n\nendstream",
        nested,
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def with_form_field(value: str = "Association Solidarités Montpellier") -> bytes:
    """A fillable field whose appearance shows `value`, with a JavaScript-free form."""
    writer = PdfWriter()
    page = _text_page(writer, "Formulaire")
    font = page["/Resources"]["/Font"]["/F1"]
    appearance = DecodedStreamObject()
    appearance.set_data(f"BT /F1 12 Tf 2 6 Td ({value}) Tj ET".encode("latin-1"))
    appearance.update({
        NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject([FloatObject(0), FloatObject(0), FloatObject(300),
                                          FloatObject(20)]),
        NameObject("/Resources"): DictionaryObject({NameObject("/Font"): DictionaryObject(
            {NameObject("/F1"): font})})})
    widget = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Widget"),
        NameObject("/FT"): NameObject("/Tx"), NameObject("/T"): TextStringObject("denomination"),
        NameObject("/V"): TextStringObject(value),
        NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (72, 600, 372, 620)]),
        NameObject("/AP"): DictionaryObject({NameObject("/N"): writer._add_object(appearance)})})
    ref = writer._add_object(widget)
    page[NameObject("/Annots")] = ArrayObject([ref])
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject([ref])})
    return to_bytes(writer)
