/*
 * An arena allocator for CPython that keeps a few freed 16 KiB chunks for reuse.
 *
 * CPython 3.11 to 3.13 keep the frames of Python calls in 16 KiB chunks obtained from the
 * object arena allocator (mmap) and give a chunk back (munmap) as soon as the call that
 * opened it returns. A loop that calls across a chunk boundary, as WeasyPrint's deep layout
 * recursion does thousands of times per document, then pays two system calls and a page fault
 * per call (CPython issue gh-142183, fixed upstream by caching one chunk). Keeping the freed
 * chunks here removes that: a render spent about a tenth of its time in the kernel for it.
 *
 * Everything else (obmalloc's 1 MiB arenas, larger chunks) goes to mmap/munmap exactly as
 * CPython's own allocator does, so memory obtained before this allocator was installed is
 * released correctly. CPython calls the arena allocator with the GIL held: no locking here.
 * Loaded with ctypes by service/interpreter.py; built by `make setup`.
 */
#include <stddef.h>
#include <sys/mman.h>

#define CHUNK_SIZE (16 * 1024)
#define KEPT_CHUNKS 8

static void *kept[KEPT_CHUNKS];
static int kept_count;

void *frame_chunks_alloc(void *ctx, size_t size)
{
    (void)ctx;
    if (size == CHUNK_SIZE && kept_count > 0)
        return kept[--kept_count];
    void *memory = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return memory == MAP_FAILED ? NULL : memory;
}

void frame_chunks_free(void *ctx, void *memory, size_t size)
{
    (void)ctx;
    if (size == CHUNK_SIZE && kept_count < KEPT_CHUNKS) {
        kept[kept_count++] = memory;
        return;
    }
    munmap(memory, size);
}

/* How many chunks are kept right now: the tests read it to see the allocator at work. */
int frame_chunks_kept(void)
{
    return kept_count;
}
