"""The committed doc_templates/*.docx are exactly what their build scripts give (`make templates`)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from doc_templates._build import builder, builders
from service.config import PROJECT_ROOT
from service.kinds import CATALOGUE

TEMPLATES = PROJECT_ROOT / "doc_templates"
# Every .docx template a kind of the catalogue renders.
DOCX_TEMPLATES = sorted({output.template for kind in CATALOGUE.values()
                         for output in kind.outputs if output.format == "docx" and output.template})


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _first_difference(a: bytes, b: bytes, context: int = 80) -> str:
    """Where two parts first differ, with a little text on each side."""
    at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
              min(len(a), len(b)))
    start = max(at - context, 0)

    def around(data: bytes) -> str:
        return data[start:at + context].decode("utf-8", "replace")

    return f"at byte {at}:\n  committed: …{around(a)}…\n  rebuilt:   …{around(b)}…"


def _build(name: str, out_dir: Path) -> bytes:
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        build = builder(name)
    except ModuleNotFoundError:
        pytest.fail(f"{name} has no build script doc_templates/_build/build_"
                    f"{name.removesuffix('.docx')}_docx.py")
    path = build(out_dir)
    assert path == out_dir / name
    return path.read_bytes()


def test_build_scripts_are_the_catalogues_templates():
    """No script builds a template no kind renders; the catalogue has at least one."""
    assert DOCX_TEMPLATES
    assert sorted(builders()) == DOCX_TEMPLATES


@pytest.mark.parametrize("name", DOCX_TEMPLATES)
def test_committed_docx_equals_rebuilt(name, tmp_path):
    committed = _parts((TEMPLATES / name).read_bytes())
    rebuilt = _parts(_build(name, tmp_path))
    hint = "run `make templates` and commit the result, or undo the change to the build script"
    assert list(rebuilt) == list(committed), f"{name}: not the same zip members; {hint}"
    differing = [part for part in committed if rebuilt[part] != committed[part]]
    assert not differing, "\n".join(
        [f"{name}: {len(differing)} part(s) differ from the committed file ({hint})"]
        + [f"- {part} {_first_difference(committed[part], rebuilt[part])}"
           for part in differing])


@pytest.mark.parametrize("name", DOCX_TEMPLATES)
def test_build_is_reproducible(name, tmp_path):
    """Two builds give the same bytes: the template's hash only changes with its content."""
    assert _build(name, tmp_path / "one") == _build(name, tmp_path / "two")
