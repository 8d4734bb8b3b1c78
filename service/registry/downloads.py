"""Read a registered file back for a download, its SHA-256 checked on the way.

A file whose bytes no longer match the digest its version chains (a flipped byte on the disk, a
file replaced by hand) must never be served as if it were the registered one. The bytes are
hashed as they are read, once: a file up to IN_MEMORY_LIMIT (every produced document in
practice) is checked before the first byte is sent, so the reader gets an error page instead;
a larger one is streamed, its last chunk held back until the digest is known, so a mismatch
cuts the transfer short (the client sees an incomplete download, never a complete wrong file).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from service.registry.blobs import BlobMissing
from service.registry.models import RegistryFile

IN_MEMORY_LIMIT = 16 * 1024 * 1024
MISSING, ALTERED = "manquant", "altéré"


class FileFault(Exception):
    """The stored file is missing, or its bytes are not the registered ones."""

    def __init__(self, stored: RegistryFile, problem: str, found: str | None = None):
        super().__init__(f"{stored.format} {stored.sha256}: {problem}")
        # Plain values: a streamed file fails after its database row is detached.
        self.format = stored.format
        self.sha256 = stored.sha256
        self.problem = problem
        self.found = found


@dataclass
class VerifiedFile:
    size: int
    chunks: Iterator[bytes] | list[bytes]


def open_verified(store, stored: RegistryFile,
                  on_fault: Callable[[FileFault], None] | None = None) -> VerifiedFile:
    """The file's content, checked against `stored.sha256`; raises FileFault before anything
    is sent, or (streamed files) calls `on_fault` then stops the stream."""
    try:
        size = store.size(stored.sha256)
        chunks = store.iter_chunks(stored.sha256)
    except (BlobMissing, FileNotFoundError) as exc:
        raise FileFault(stored, MISSING) from exc
    if size != stored.size:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
        raise FileFault(stored, ALTERED)
    if size <= IN_MEMORY_LIMIT:
        digest = hashlib.sha256()
        read = []
        for chunk in chunks:
            digest.update(chunk)
            read.append(chunk)
        if digest.hexdigest() != stored.sha256:
            raise FileFault(stored, ALTERED, digest.hexdigest())
        return VerifiedFile(size, read)
    fault = FileFault(stored, ALTERED)  # what to report if the stream turns out altered
    return VerifiedFile(size, _checked_stream(chunks, fault, on_fault))


def _checked_stream(chunks: Iterator[bytes], fault: FileFault,
                    on_fault: Callable[[FileFault], None] | None) -> Iterator[bytes]:
    digest = hashlib.sha256()
    held = None
    for chunk in chunks:
        digest.update(chunk)
        if held is not None:
            yield held
        held = chunk
    if digest.hexdigest() != fault.sha256:
        fault.found = digest.hexdigest()
        if on_fault is not None:
            on_fault(fault)
        raise fault  # the server closes the connection: the client's copy is incomplete
    if held is not None:
        yield held
