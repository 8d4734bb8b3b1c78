"""Fixtures of the api tests: apps with no application context left pushed."""

from tests.security.harness import iapp, seeded_template  # noqa: F401
