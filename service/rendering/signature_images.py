"""Drawn signatures from a browser canvas: PNG only, checked before decoding, re-encoded clean.

No Flask, no DB: bytes in, bytes out, `ValueError` with a French message for the user otherwise
(SECURITY S5, W10). The header is read by hand first (magic bytes, IHDR size, chunk layout, no
APNG), so a 50,000 × 50,000 px "bomb" is refused before Pillow allocates anything; Pillow then
decodes with `Image.MAX_IMAGE_PIXELS` lowered as a second line of defence, and the pixels are
copied into a fresh RGBA image so no chunk of the upload (text, EXIF, ICC, timestamps) survives.

WeasyPrint fetches `data:` URIs, including the `<image href>` of an inline SVG, through the
document's URL fetcher: `AssetsOnlyFetcher` must allow `data:image/png;base64,` for either
`png_data_uri` or `signature_svg_image` to show up in a PDF (see the lead's note in the report).
"""

from __future__ import annotations

import base64
import io
import struct
import threading
import zlib

from markupsafe import Markup
from PIL import Image

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_BYTES = 500_000
MAX_WIDTH = 2000
MAX_HEIGHT = 1000
MAX_PIXELS = 4_000_000  # Pillow warns above this and raises DecompressionBombError at twice it
DATA_URI_PREFIX = "data:image/png;base64,"

NOT_PNG = "Le fichier de signature doit être une image PNG."
TOO_HEAVY = "Signature trop lourde : 500 ko au maximum."
TOO_LARGE = "Signature trop grande : 2000 × 1000 pixels au maximum."
DAMAGED = "Le fichier de signature est incomplet ou endommagé."
ANIMATED = "Les images animées ne sont pas acceptées pour une signature."
EMPTY = "La signature est vide."

_PILLOW_LIMIT = threading.Lock()


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from the IHDR chunk, without decoding; `ValueError` if not a PNG."""
    if not data.startswith(PNG_MAGIC) or len(data) < 33:
        raise ValueError(NOT_PNG)
    length, kind = struct.unpack(">I4s", data[8:16])
    if kind != b"IHDR" or length != 13:
        raise ValueError(NOT_PNG)
    if zlib.crc32(data[12:29]) != struct.unpack(">I", data[29:33])[0]:
        raise ValueError(DAMAGED)
    return struct.unpack(">II", data[16:24])


def _chunk_types(data: bytes) -> list[bytes]:
    """Walk the chunks (no inflating): refuse truncation or a bad CRC (Pillow skips IDAT's)."""
    kinds, pos = [], len(PNG_MAGIC)
    while pos < len(data):
        if pos + 12 > len(data):
            raise ValueError(DAMAGED)
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        end = pos + 8 + length
        if end + 4 > len(data):
            raise ValueError(DAMAGED)
        if zlib.crc32(data[pos + 4:end]) != struct.unpack(">I", data[end:end + 4])[0]:
            raise ValueError(DAMAGED)
        pos = end + 4
        kinds.append(kind)
        if kind == b"IEND":
            break
    if not kinds or kinds[-1] != b"IEND" or b"IDAT" not in kinds:
        raise ValueError(DAMAGED)
    return kinds


def check_png_header(data: bytes) -> tuple[int, int]:
    """Everything that can be refused before decoding: type, weight, size, layout, animation."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ValueError(NOT_PNG)
    data = bytes(data)
    if not data.startswith(PNG_MAGIC):
        raise ValueError(NOT_PNG)
    if len(data) > MAX_BYTES:
        raise ValueError(TOO_HEAVY)
    width, height = png_size(data)
    if width == 0 or height == 0:
        raise ValueError(DAMAGED)
    if width > MAX_WIDTH or height > MAX_HEIGHT:
        raise ValueError(TOO_LARGE)
    kinds = _chunk_types(data)
    if b"acTL" in kinds or b"fcTL" in kinds or b"fdAT" in kinds:
        raise ValueError(ANIMATED)
    return width, height


def _decode(data: bytes) -> Image.Image:
    """Pillow decode, PNG plugin only, with the pixel limit lowered while the header is read.

    Pillow's bomb check runs in `Image.open`, so the limit is lowered just around that call (under
    a lock, and restored afterwards: other Pillow users in the process keep their own limit).
    """
    try:
        with _PILLOW_LIMIT:
            previous = Image.MAX_IMAGE_PIXELS
            Image.MAX_IMAGE_PIXELS = MAX_PIXELS
            try:
                image = Image.open(io.BytesIO(data), formats=["PNG"])
            finally:
                Image.MAX_IMAGE_PIXELS = previous
        if image.width * image.height > MAX_PIXELS:
            raise ValueError(TOO_LARGE)
        if getattr(image, "is_animated", False) or getattr(image, "n_frames", 1) != 1:
            raise ValueError(ANIMATED)
        image.load()
    except ValueError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValueError(TOO_LARGE) from exc
    except Exception as exc:  # truncated data, bad CRC, broken zlib stream, unknown mode...
        raise ValueError(DAMAGED) from exc
    return image


def load_png_signature(data: bytes) -> bytes:
    """A drawn signature, checked and re-encoded: a clean RGBA PNG trimmed to its ink.

    Raises `ValueError` with a French message for anything but a sane, still PNG.
    """
    check_png_header(data)
    image = _decode(bytes(data))
    try:
        rgba = image.convert("RGBA")
    except Exception as exc:  # exotic modes (16-bit grey...) Pillow cannot convert
        raise ValueError(DAMAGED) from exc
    box = rgba.getchannel("A").getbbox()
    if box is None:
        raise ValueError(EMPTY)
    rgba = rgba.crop(box)
    # A fresh image from the raw pixels: nothing of the upload's metadata (im.info) can follow.
    clean = Image.frombytes("RGBA", rgba.size, rgba.tobytes())
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()


def png_data_uri(png: bytes) -> str:
    """`data:image/png;base64,…` for a PNG returned by `load_png_signature`."""
    png_size(png)
    return DATA_URI_PREFIX + base64.b64encode(png).decode("ascii")


def signature_svg_image(png: bytes, *, css_class: str = "signature-dessinee") -> Markup:
    """Inline `<svg><image href="data:…"/></svg>` keeping the drawing's aspect ratio.

    WeasyPrint fetches this `href` through the URL fetcher too, exactly like `<img src>`.
    """
    width, height = png_size(png)
    uri = png_data_uri(png)
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="{cls}" viewBox="0 0 {w} {h}" '
        'width="{w}" height="{h}" role="img" aria-label="Signature manuscrite">'
        '<image href="{uri}" x="0" y="0" width="{w}" height="{h}"/></svg>'
    ).format(cls=css_class, w=width, h=height, uri=uri)


class SignatureImage(Markup):
    """The <img> of a drawn signature for the HTML, keeping its PNG for the DOCX (where
    service.rendering.docx puts the picture itself)."""

    png: bytes

    def __new__(cls, markup: str, png: bytes):
        image = super().__new__(cls, markup)
        image.png = png
        return image


def signature_img(png: bytes, *, css_class: str = "signature-dessinee") -> SignatureImage:
    """An <img> of a checked PNG; print.css bounds it to the signature box."""
    return SignatureImage(Markup('<img class="{cls}" src="{uri}" alt="Signature manuscrite">'
                                 ).format(cls=css_class, uri=png_data_uri(png)), png)
