"""Process-level tuning of the Python interpreter that renders our documents.

`collector_paused()` keeps the cyclic garbage collector out of a render and runs it once after.
A render holds a few hundred thousand live objects (the HTML tree, styles, boxes, pages) for
its whole length, and every collection started in the middle walks all of them to free almost
nothing: about a tenth of a render. What the render leaves as cyclic garbage (the trees, about
ten thousand objects) is collected at the end, in a few milliseconds, inside the render's time.

`install_frame_chunk_cache()` replaces CPython's object arena allocator with the one in
service/native/frame_chunks.c, which keeps freed 16 KiB frame-stack chunks for reuse instead of
unmapping them (CPython issue gh-142183). WeasyPrint's layout recursion crosses a chunk boundary
thousands of times per document; without the cache each crossing is an mmap, a munmap and a page
fault, about a tenth of a render spent in the kernel. The library is built by `make setup`;
where it is absent (no C compiler) or the interpreter is not one it fits, nothing changes and
the service is only slower.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import sys
import sysconfig
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

LIBRARY = Path(sys.prefix) / "lib" / "libframechunks.so"


class _ArenaAllocator(ctypes.Structure):
    """PyObjectArenaAllocator: {void *ctx; void *(*alloc)(void *, size_t); void (*free)(...)}."""

    _fields_ = [("ctx", ctypes.c_void_p), ("alloc", ctypes.c_void_p), ("free", ctypes.c_void_p)]


# Loaded once the cache is installed; CPython copies the allocator struct, the library stays.
_library: ctypes.CDLL | None = None


def _fits_this_interpreter() -> bool:
    """CPython with a GIL (the allocator relies on it) and the chunked frame stack of 3.11+."""
    return (sys.implementation.name == "cpython" and sys.version_info >= (3, 11)
            and not sysconfig.get_config_var("Py_GIL_DISABLED"))


def install_frame_chunk_cache() -> bool:
    """Install the caching arena allocator once per process; True when it is in place."""
    global _library
    if _library is not None:
        return True
    if not _fits_this_interpreter() or not LIBRARY.exists():
        log.info("frame chunk cache not installed (%s)", "library not built"
                 if _fits_this_interpreter() else "interpreter not supported")
        return False
    library = ctypes.CDLL(str(LIBRARY))
    allocator = _ArenaAllocator(
        None,
        ctypes.cast(library.frame_chunks_alloc, ctypes.c_void_p),
        ctypes.cast(library.frame_chunks_free, ctypes.c_void_p),
    )
    ctypes.pythonapi.PyObject_SetArenaAllocator(ctypes.byref(allocator))
    _library = library
    return True


def kept_frame_chunks() -> int | None:
    """How many freed chunks the cache holds now (None when it is not installed)."""
    if _library is None:
        return None
    return int(_library.frame_chunks_kept())


_pause_lock = threading.Lock()
_pausing = 0  # renders in progress in this process (a gthread worker has several threads)
_paused_by_us = False  # whether the collector was enabled when the first of them began


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection while any render of this process runs; one of the young after.

    The collector is process-wide: with several threads rendering, the last render to end turns
    it back on, and only if it was on when the first one began.
    """
    global _pausing, _paused_by_us
    with _pause_lock:
        if _pausing == 0:
            _paused_by_us = gc.isenabled()
            gc.disable()
        _pausing += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pausing -= 1
            resume = _pausing == 0 and _paused_by_us
            if resume:
                gc.enable()
        if resume:
            # What the renders allocated is still young (nothing ran to promote it): the two
            # young generations hold their cycles. A full collection would also walk the rest of
            # the process; the youngest alone left the cycles that reach older objects to the
            # rare full collections (120 renders grew by 120 MB, 8.5 MB with this one).
            gc.collect(1)
