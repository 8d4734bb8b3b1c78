"""A WeasyPrint URL fetcher that serves only the project's own assets and refuses all else."""

from __future__ import annotations

import base64
import logging
from pathlib import Path
from urllib.parse import unquote, urlparse

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from service.rendering.signature_images import DATA_URI_PREFIX, check_png_header

MAX_DATA_URI = 700_000

log = logging.getLogger(__name__)


class AssetsOnlyFetcher(URLFetcher):
    """file: URLs under `root` and data: PNG images only; no network, nothing else from the disk
    (SECURITY W1-W8). Only our own markup can carry a data: URI: user text is escaped."""

    def __init__(self, root: str | Path):
        super().__init__(allowed_protocols=("file",), allow_redirects=False, timeout=2)
        self.root = Path(root).resolve()

    def fetch(self, url, headers=None):
        if url.startswith(DATA_URI_PREFIX) and len(url) <= MAX_DATA_URI:
            png = _png_from_data_uri(url)  # QR codes and drawn signatures, checked PNG only
            if png is not None:
                return URLFetcherResponse(url[:64], body=png, headers={"Content-Type": "image/png"})
        parsed = urlparse(url)
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path)).resolve()
            if path.is_relative_to(self.root) and path.is_file():
                return URLFetcherResponse(url, body=path.read_bytes())
        log.warning("document asset refused", extra={"url": url[:200]})
        raise ValueError(f"refused: {url[:80]}")


def _png_from_data_uri(url: str) -> bytes | None:
    try:
        body = base64.b64decode(url[len(DATA_URI_PREFIX):], validate=True)
        check_png_header(body)
    except ValueError:
        return None
    return body


__all__ = ["AssetsOnlyFetcher", "FatalURLFetchingError"]
