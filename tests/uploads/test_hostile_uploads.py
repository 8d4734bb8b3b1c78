"""Uploaded PDFs: hostile files are refused with a clear French reason and nothing is stored;
acceptable ones are kept as a cleaned copy without active content; the worker survives all."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from service.rendering.preflight_pdf import check_structure, pdf_text
from service.uploads import pdfcheck
from service.uploads.pdfcheck import Limits, Refused, check_pdf
from tests.uploads import pdfs

HOSTILE = [
    ("not_a_pdf", lambda: b"GIF89a\x01\x00\x01\x00 une image nommee statuts.pdf",
     "n'est pas un PDF"),
    ("html_named_pdf", lambda: b"<html><script>alert(1)</script></html>", "n'est pas un PDF"),
    ("empty", lambda: b"", "Le fichier est vide."),
    ("encrypted", pdfs.encrypted, "chiffré ou protégé par un mot de passe"),
    ("javascript", pdfs.with_javascript, "du code JavaScript"),
    ("launch", pdfs.with_launch, "lancement de programme (/Launch)"),
    ("open_action", pdfs.with_open_action, "exécutée à l'ouverture (/OpenAction)"),
    ("additional_actions", pdfs.with_additional_actions, "actions automatiques (/AA)"),
    ("embedded_file", pdfs.with_embedded_file, "fichiers incorporés"),
    ("truncated", pdfs.truncated, "incomplet"),
    ("decompression_bomb", pdfs.decompression_bomb, "bombe de décompression"),
    ("deeply_nested", pdfs.deeply_nested, "imbriquée trop profondément"),
]


@pytest.mark.parametrize("name, make, reason", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_upload_is_refused_with_its_reason(name, make, reason):
    with pytest.raises(Refused) as refused:
        check_pdf(make())
    assert reason in refused.value.reason
    # The worker survives: the next ordinary file is accepted at once.
    assert check_pdf(pdfs.plain(1)).pages == 1


def test_oversized_file_is_refused_before_any_parsing():
    with pytest.raises(Refused) as refused:
        check_pdf(pdfs.plain(1) + b"%" * 40_000, Limits(max_bytes=30_000))
    assert refused.value.reason.startswith("Le fichier fait 0,0\u00a0Mo")
    assert "la taille maximale d'une pièce est de 0,0\u00a0Mo" in refused.value.reason


def test_too_many_pages_is_refused():
    with pytest.raises(Refused) as refused:
        check_pdf(pdfs.plain(5), Limits(max_pages=4))
    assert refused.value.reason == ("Le PDF compte 5 pages : une pièce en compte 4 au plus. "
                                    "Scindez-le en plusieurs fichiers.")


def test_a_child_out_of_time_is_a_refusal_not_a_hang():
    with pytest.raises(Refused) as refused:
        check_pdf(pdfs.plain(150), Limits(timeout_seconds=0.01))
    assert refused.value.reason == pdfcheck.OVERRUN


def test_an_ordinary_pdf_is_kept_page_for_page_without_metadata():
    accepted = check_pdf(pdfs.plain(3, "Rapport"))
    assert accepted.pages == 3
    reader = PdfReader(io.BytesIO(accepted.data))
    assert len(reader.pages) == 3
    assert "Rapport - page 2" in pdf_text(accepted.data)
    assert check_structure(reader) == [] or all("police" in m for m in check_structure(reader))


def test_an_opening_destination_is_dropped_not_refused():
    accepted = check_pdf(pdfs.with_open_destination())
    assert "/OpenAction" not in PdfReader(io.BytesIO(accepted.data)).trailer["/Root"]


def test_form_fields_are_drawn_into_the_page_and_the_form_is_gone():
    accepted = check_pdf(pdfs.with_form_field("Association Solidarites"))
    reader = PdfReader(io.BytesIO(accepted.data))
    assert "/AcroForm" not in reader.trailer["/Root"]
    assert "/Annots" not in reader.pages[0]
    assert "Association Solidarites" in pdf_text(accepted.data)
    assert any("formulaire" in removed for removed in accepted.removed)


def test_a_refused_upload_stores_nothing_and_an_accepted_one_its_cleaned_copy(app, accounts):
    from sqlalchemy import func, select

    from service.extensions import db
    from service.uploads.models import Upload
    from service.uploads.store import accept, read, upload_store

    user = accounts["candidat@demo.example"]
    with pytest.raises(Refused):
        accept(pdfs.with_embedded_file(), "statuts.pdf", user, "candidature")
    assert list(upload_store().all_digests()) == []
    assert db.session.execute(select(func.count(Upload.id))).scalar_one() == 0
    upload = accept(pdfs.with_form_field(), "C:\\Documents\\statuts\x07.pdf", user, "candidature")
    db.session.commit()
    assert upload.filename == "statuts.pdf" and upload.pages == 1
    assert list(upload_store().all_digests()) == [upload.sha256]
    assert upload.original_sha256 != upload.sha256
    assert "/AcroForm" not in PdfReader(io.BytesIO(read(upload))).trailer["/Root"]
