"""A WeasyPrint URL fetcher that serves only the project's own assets and refuses all else."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import unquote, urlparse

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

log = logging.getLogger(__name__)


class AssetsOnlyFetcher(URLFetcher):
    """file: URLs under `root` only; no network, no data leaks from the disk (SECURITY W1-W8)."""

    def __init__(self, root: str | Path):
        super().__init__(allowed_protocols=("file",), allow_redirects=False, timeout=2)
        self.root = Path(root).resolve()

    def fetch(self, url, headers=None):
        parsed = urlparse(url)
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path)).resolve()
            if path.is_relative_to(self.root) and path.is_file():
                return URLFetcherResponse(url, body=path.read_bytes())
        log.warning("document asset refused", extra={"url": url[:200]})
        raise ValueError(f"refused: {url[:80]}")


__all__ = ["AssetsOnlyFetcher", "FatalURLFetchingError"]
