"""An HTTP download with a French file name, for the pages and the API alike."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response


def attachment(data, mime: str, filename: str, size: int | None = None) -> Response:
    """A download with a French file name (RFC 6266: ASCII fallback and UTF-8 name); `data` is
    bytes, or chunks of `size` bytes in all."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "-").replace('"', "")
    response = Response(data, mimetype=mime)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}")
    response.headers["Content-Length"] = str(len(data) if size is None else size)
    return response
