"""The registry: content-addressed blobs, append-only rows, integrity check, audit log."""
