"""`python -m doc_templates._build [OUT_DIR]`: rebuild every kind's .docx template."""

from __future__ import annotations

from . import builders
from .docx_kit import main

if __name__ == "__main__":
    main(builders().values(), __doc__, prog="python -m doc_templates._build")
