"""Rendering: Jinja environment, French formatting, DOCX and PDF output. No Flask, no DB."""
