"""Draw an uploaded page onto a page of the dossier, as a form XObject scaled into the space
above the footer: its content is copied as it is (no parsing, no renaming of its resources)."""

from __future__ import annotations

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    EncodedStreamObject,
    FloatObject,
    IndirectObject,
    NameObject,
)

from service.applications.stamp import content_parts, save_state

MM = 72 / 25.4
# Where an uploaded page is drawn on its A4 sheet: above the 27 mm footer, 8 mm side margins.
FRAME = (8 * MM, 29 * MM, (210 - 16) * MM, (297 - 29 - 6) * MM)  # x, y, width, height


def _matrix(box: list[float], rotate: int, frame=FRAME) -> tuple[list[float], list[float]]:
    """The cm matrix drawing a page's box (rotated as displayed) into `frame`, scaled to fit,
    centred across and aligned at the top; and the rectangle it covers."""
    x0, y0, x1, y1 = box
    width, height = x1 - x0, y1 - y0
    shown_w, shown_h = (height, width) if rotate in (90, 270) else (width, height)
    fx, fy, fw, fh = frame
    scale = min(fw / shown_w, fh / shown_h)
    px = fx + (fw - scale * shown_w) / 2
    py = fy + fh - scale * shown_h
    s = scale
    matrix = {
        0: [s, 0, 0, s, px - s * x0, py - s * y0],
        90: [0, -s, s, 0, px - s * y0, py + s * x1],
        180: [-s, 0, 0, -s, px + s * x1, py + s * y1],
        270: [0, s, -s, 0, px + s * y1, py - s * x0],
    }[rotate]
    return matrix, [px, py, scale * shown_w, scale * shown_h]


def _content_form(page):
    """The page's content as a stream for a form XObject: a single compressed stream is kept
    as it is (neither inflated nor compressed again), several are joined."""
    contents = page.get("/Contents")
    single = contents.get_object() if contents is not None else None
    if isinstance(single, EncodedStreamObject) and single.get("/Filter") in (
            "/FlateDecode", ArrayObject([NameObject("/FlateDecode")])):
        form = EncodedStreamObject()
        form._data = single._data
        form[NameObject("/Filter")] = NameObject("/FlateDecode")
        if "/DecodeParms" in single:
            form[NameObject("/DecodeParms")] = single["/DecodeParms"]
        return form
    form = DecodedStreamObject()
    form.set_data(_content(page))
    return form.flate_encode()


def _content(page) -> bytes:
    contents = page.get("/Contents")
    if contents is None:
        return b""
    contents = contents.get_object()
    streams = list(contents) if isinstance(contents, ArrayObject) else [contents]
    return b"\n".join(s.get_object().get_data() for s in streams)


def draw_page(writer: PdfWriter, target, source, opening: IndirectObject | None = None) -> None:
    """Draw `source` (a page of an uploaded file) onto `target` (its empty page); `opening` is
    the writer's `stamp.save_state` stream (made here if not given)."""
    box = [float(v) for v in source.cropbox]
    form = _content_form(source)
    resources = source.get("/Resources")
    form.update({
        NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject([FloatObject(v) for v in box]),
        NameObject("/Resources"): resources.get_object().clone(writer)
        if resources is not None else DictionaryObject(),
    })
    name = NameObject(f"/LdaPiece{len(writer._objects)}")
    ref = writer._add_object(form)
    own = target.get("/Resources")
    own = DictionaryObject(own.get_object()) if own is not None else DictionaryObject()
    xobjects = own.get("/XObject")
    xobjects = DictionaryObject(xobjects.get_object()) if xobjects is not None else (
        DictionaryObject())
    xobjects[name] = ref
    own[NameObject("/XObject")] = xobjects
    target[NameObject("/Resources")] = own
    matrix, (x, y, w, h) = _matrix(box, int(source.get("/Rotate", 0)) % 360)
    numbers = " ".join(f"{v:.4f}" for v in matrix)
    drawing = (f"q {numbers} cm {name} Do Q\n"
               f"q 0.55 G 0.5 w {x:.2f} {y:.2f} {w:.2f} {h:.2f} re S Q\n").encode()
    after = DecodedStreamObject()
    after.set_data(b"\nQ\n" + drawing)
    target[NameObject("/Contents")] = ArrayObject(
        [opening or save_state(writer), *content_parts(writer, target),
         writer._add_object(after)])
