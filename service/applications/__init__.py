"""Calls for applications and the dossiers of candidate structures (DOMAIN.md §4, §5)."""
