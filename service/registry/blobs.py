"""Content-addressed blob store on the filesystem: objects/ab/abcdef…, written atomically.

`BlobStorage` is what the rest of the service relies on (put, read whole or streamed, check),
so that an object store can replace the filesystem one; `FilesystemBlobStore` is the one in
use, on a volume shared by every server when there are several.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

CHUNK_SIZE = 64 * 1024  # streamed downloads: memory per download stays this small


class BlobMissing(LookupError):
    """No stored content has this digest."""


@runtime_checkable
class BlobStorage(Protocol):
    """A store of immutable contents named by their SHA-256 (lowercase hex)."""

    def put(self, data: bytes) -> str:
        """Store `data` durably and return its digest; storing it again is a no-op."""

    def get(self, sha256: str) -> bytes:
        """The whole content (small files: signature images, a PDF to re-read)."""

    def open(self, sha256: str) -> BinaryIO:
        """A binary file object to read from, to be closed (`with store.open(d) as fh`).
        Raises BlobMissing."""

    def iter_chunks(self, sha256: str, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
        """The content in chunks, the file closed at the end: what a streamed response sends.
        Raises BlobMissing before the first chunk."""

    def size(self, sha256: str) -> int:
        """The stored size in bytes. Raises BlobMissing."""

    def exists(self, sha256: str) -> bool: ...

    def delete(self, sha256: str) -> bool:
        """Remove a blob (an erasure at the end of its retention); False if it was absent."""

    def digest_of_stored(self, sha256: str) -> str:
        """The SHA-256 of what is stored, read again (the integrity check)."""

    def all_digests(self) -> Iterator[str]: ...

    def check(self) -> None:
        """Raise OSError unless the store can be read and written now (/sante)."""


class FilesystemBlobStore:
    """Objects under `root`, in folders of the digest's first two characters."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a sha256 digest")
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        """Temp file, fsync, rename, fsync the directory: a crash leaves old or new, never torn."""
        digest = hashlib.sha256(data).hexdigest()
        final = self.path(digest)
        if final.exists():
            # Content-addressed: a retry is a no-op. Its age restarts, so that an orphan about
            # to be named by this new write is not collected by `registry gc` meanwhile.
            os.utime(final)
            return digest
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o440)
            os.replace(tmp, final)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        dir_fd = os.open(final.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        return digest

    def get(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def open(self, sha256: str) -> BinaryIO:
        try:
            return self.path(sha256).open("rb")
        except FileNotFoundError as exc:
            raise BlobMissing(sha256) from exc

    def iter_chunks(self, sha256: str, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
        fh = self.open(sha256)  # here, not in the generator: a missing blob fails at once
        return _chunks(fh, chunk_size)

    def size(self, sha256: str) -> int:
        try:
            return self.path(sha256).stat().st_size
        except FileNotFoundError as exc:
            raise BlobMissing(sha256) from exc

    def delete(self, sha256: str) -> bool:
        path = self.path(sha256)
        if not path.exists():
            return False
        path.unlink(missing_ok=True)
        return True

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def check(self) -> None:
        """A file can be created, written, synced and removed in the root, made on first use
        as `put` does (a shared volume gone read-only or stale fails here)."""
        self.root.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=self.root, prefix=".tmp-sante-")
        try:
            os.write(fd, b"ok")
            os.fsync(fd)
        finally:
            os.close(fd)
            os.unlink(probe)

    def digest_of_stored(self, sha256: str) -> str:
        h = hashlib.sha256()
        with self.path(sha256).open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()

    def all_digests(self) -> Iterator[str]:
        if not self.root.exists():
            return
        for sub in sorted(self.root.iterdir()):
            if sub.is_dir() and len(sub.name) == 2:
                for f in sorted(sub.iterdir()):
                    if not f.name.startswith(".tmp-"):
                        yield f.name

    def temp_files(self) -> list[Path]:
        return sorted(self.root.glob("*/.tmp-*")) if self.root.exists() else []


def _chunks(fh: BinaryIO, chunk_size: int) -> Iterator[bytes]:
    with fh:
        while chunk := fh.read(chunk_size):
            yield chunk


# The name callers use to build a store on a folder (registry code, tests).
BlobStore = FilesystemBlobStore
