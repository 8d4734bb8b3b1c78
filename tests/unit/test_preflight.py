"""Preflight checks: the real fiche de lien passes them all; each fault, built on purpose, is caught."""

from __future__ import annotations

import copy
import io
import zipfile
from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from service.kinds import get
from service.rendering import pdf as engine
from service.rendering import preflight_pdf
from service.rendering.docx import render_docx
from service.rendering.formatting import money
from service.rendering.preflight import (
    Preflight,
    check_docx,
    check_glyphs,
    check_layout,
    check_page_count,
    check_pdf,
    check_totals,
    document_fonts,
    expected_values,
    money_sum,
)
from service.rendering.preflight_layout import printed_totals
from service.rendering.preflight_pdf import compact, docx_text, pdf_text
from tests.golden.fiche_de_lien.sample import (
    TEMPLATES_DIR,
    context_for,
    sample_context,
    sample_input,
)

FIXTURES = Path(__file__).resolve().parent / "preflight_fixtures"
FONTS = document_fonts(TEMPLATES_DIR)
ENV = Environment(loader=FileSystemLoader(str(FIXTURES)), undefined=StrictUndefined,
                  autoescape=True)
ENV.filters["money"] = money


def fixture(template: str, **context):
    """A fixture template laid out with the project's engine (print.css, fonts, fetcher)."""
    return engine.layout(TEMPLATES_DIR, ENV.get_template(template).render(**context))


def render_fiche(context: dict):
    html = engine.render_html(TEMPLATES_DIR, "fiche_de_lien.html", context)
    document = engine.layout(TEMPLATES_DIR, html)
    return document, document.write_pdf(pdf_variant="pdf/a-3b")


def fiche_totals(context: dict, document) -> dict[str, str]:
    """Recomputed from the lines; only once the template marks the cell (data-total)."""
    total = money(money_sum(line["montant"] for line in context["ressources"]))
    return {"ressources": total} if "ressources" in printed_totals(document) else {}


@pytest.fixture(scope="module")
def fiche():
    context = sample_context()
    document, pdf = render_fiche(context)
    docx = render_docx(TEMPLATES_DIR, "fiche_de_lien.docx", context)
    return context, document, pdf, docx


# ---- the real document passes ----

def test_fiche_passes_every_check(fiche):
    context, document, pdf, docx = fiche
    preflight = Preflight(context, document, pdf, docx, page_bounds=get("fiche_de_lien").page_bounds,
                          font_paths=FONTS, totals=fiche_totals(context, document))
    assert preflight.run() == []
    assert len(expected_values(context)) > 50  # the check looked at the values, not at nothing


def test_fiche_long_values_wrap_and_span_pages():
    """A 300-character word wraps in its cell; a 60-line value cut by page breaks is found."""
    context = sample_context()
    lines = "\n".join(f"Contrainte numéro {n} de la famille" for n in range(60))
    context["projet"]["contraintes"] = "Z" * 300 + "\n" + lines
    document, pdf = render_fiche(context)
    assert check_layout(document) == []
    value = context["projet"]["contraintes"]
    assert compact(value) not in compact(pdf_text(pdf))  # really cut by the running footer
    assert check_pdf(pdf, expected_values(context), (1, 20)) == []
    altered = value.replace("numéro 30 ", "numéro 300 ")
    assert check_pdf(pdf, [altered], (1, 20)) == [
        f"La valeur « {'Z' * 60}… » n'apparaît pas dans le document produit."]


# ---- each fault is caught ----

def test_text_cut_at_the_page_edge():
    """Inside its (too wide) block, but beyond the page's content area."""
    assert check_layout(fixture("wide.html", text="Court")) == []
    text = "Une ligne qui ne se coupe jamais " * 4  # 767 px: fits its 983 px block, not the 658 px page
    assert check_layout(fixture("wide.html", text=text)) == [
        f"Du texte dépasse de son cadre page 1 : « {text[:40]}… »"]


def test_unbreakable_word_overflows_its_cell():
    assert check_layout(fixture("overflow.html", word="Court")) == []
    assert check_layout(fixture("overflow.html", word="A" * 300)) == [
        f"Du texte dépasse de son cadre page 1 : « {'A' * 40}… »"]


def test_character_missing_from_the_font():
    context = sample_context()
    context["projet"]["contraintes"] = "Près de la 🏠 de Maëlys"
    context["personnes"][1]["nom"] = "𝔄ndré"
    assert check_glyphs(context, FONTS) == [
        "Le caractère « 𝔄 » (U+1D504) de « personnes › 2 › nom » n'existe pas dans la police "
        "du document : il s'imprimerait comme un carré vide.",
        "Le caractère « 🏠 » (U+1F3E0) de « projet › contraintes » n'existe pas dans la police "
        "du document : il s'imprimerait comme un carré vide.",
    ]
    assert check_glyphs(sample_context(), FONTS) == []


def test_printed_total_differs_from_its_lines():
    lines = [("RSA", "646.52"), ("Prime d'activité", "1234.56"), ("Allocations", "0")]
    expected = {"ressources": money(money_sum(amount for _, amount in lines))}
    wrong = fixture("budget.html", lines=lines, printed_total="1 000,00 €")
    assert check_totals(wrong, expected) == [
        "Le total « ressources » imprimé (1 000,00 €) ne correspond pas à la somme des lignes "
        "(1 881,08 €)."]
    right = fixture("budget.html", lines=lines, printed_total=money("1881.08"))
    assert check_totals(right, expected) == []
    assert check_totals(right, {}) == [
        "Le total « ressources » imprimé (1 881,08 €) n'a pas de somme recalculée à laquelle "
        "le comparer."]
    assert check_totals(right, {**expected, "dettes": "0,00 €"}) == [
        "Le total « dettes » n'est imprimé nulle part dans le document."]


def test_money_sum():
    assert str(money_sum(["646,52", "1 234,56 €", None, "", 0, 1.5])) == "1882.58"
    with pytest.raises(ValueError):
        money_sum(["douze"])


@pytest.mark.parametrize(("spacer_mm", "break_inside", "lines", "message"), [
    (0, "avoid", 3, None),
    (215, "avoid", 6, "Le bloc de signature est seul sur la page 2, séparé du texte qu'il signe."),
    (200, "auto", 30, "Le bloc de signature est coupé entre les pages 1 et 2."),
])
def test_signature_block(spacer_mm, break_inside, lines, message):
    document = fixture("signature.html", spacer_mm=spacer_mm, break_inside=break_inside,
                       lines=lines)
    assert check_layout(document) == ([message] if message else [])


def test_page_count_out_of_bounds(fiche):
    _, document, pdf, _ = fiche
    assert check_page_count(document, (1, 20)) == []
    assert check_page_count(document, (4, 10)) == [
        "Le document compte 3 pages, hors des limites prévues pour ce type de document "
        "(de 4 à 10 pages)."]
    assert check_pdf(pdf, [], (1, 2)) == [
        "Le document compte 3 pages, hors des limites prévues pour ce type de document "
        "(de 1 à 2 pages)."]


def test_value_missing_from_the_pdf(fiche):
    context, _, pdf, _ = fiche
    values = [*expected_values(context), "Valeur absente du document"]
    assert check_pdf(pdf, values, (1, 20)) == [
        "La valeur « Valeur absente du document » n'apparaît pas dans le document produit."]


def test_poppler_takes_over_when_pypdf_fails(fiche, monkeypatch):
    context, _, pdf, _ = fiche
    monkeypatch.setattr(preflight_pdf, "_pypdf_text", lambda reader: "\ufffd\ufffd")
    assert check_pdf(pdf, expected_values(context), (1, 20)) == []
    monkeypatch.setattr(preflight_pdf, "_poppler_text", lambda data: None)
    assert "La valeur « Nguyễn » n'apparaît pas dans le document produit." in check_pdf(
        pdf, expected_values(context), (1, 20))


def test_template_variable_left_in_the_output():
    values = ["{{ x }}"]  # user text may hold braces: printed twice, it is not a leftover
    clean = fixture("placeholder.html", name="{{ x }}", forgotten=False).write_pdf()
    assert check_pdf(clean, values, (1, 1)) == []
    leftover = fixture("placeholder.html", name="{{ x }}", forgotten=True).write_pdf()
    assert check_pdf(leftover, values, (1, 1)) == [
        "Le document contient une variable de modèle non remplacée : « {{ oubli }} »."]


def hand_made_pdf(font: bytes, catalog: bytes = b"") -> bytes:
    """One page of text in a Type1 font WeasyPrint would never write (no font file)."""
    content = b"BT /F1 12 Tf 72 720 Td (Bonjour) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        font,
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def test_font_not_embedded():
    assert check_pdf(hand_made_pdf(HELVETICA), ["Bonjour"], (1, 1)) == [
        "La police « Helvetica » n'est pas incorporée au PDF."]


def test_active_content():
    catalog = b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"
    messages = check_pdf(hand_made_pdf(HELVETICA, catalog), ["Bonjour"], (1, 1))
    for name in ("/OpenAction", "/JavaScript", "/JS"):
        assert f"Le PDF contient un élément actif interdit ({name})." in messages


def rewrite_docx(docx: bytes, part: str, edit) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, edit(data) if item.filename == part else data)
    return out.getvalue()


def test_docx_broken_xml(fiche):
    context, _, _, docx = fiche
    values = expected_values(context, with_doc=False)
    assert check_docx(docx, values) == []
    broken = rewrite_docx(docx, "word/document.xml", lambda data: data[: len(data) // 2])
    messages = check_docx(broken, values)
    assert len(messages) == 1
    assert messages[0].startswith("La partie « word/document.xml » du DOCX n'est pas un XML valide")
    assert check_docx(b"pas un zip", values) == ["Le fichier DOCX produit est illisible."]


def test_docx_external_entities_are_not_read(fiche, tmp_path):
    _, _, _, docx = fiche
    secret = tmp_path / "secret.txt"
    secret.write_text("CONTENU-SECRET", encoding="utf-8")
    doctype = f'<!DOCTYPE w:document [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'.encode()

    def edit(data: bytes) -> bytes:
        data = data.replace(b"?>", b"?>" + doctype, 1)
        return data.replace("Lefèvre".encode(), b"&x;", 1)

    text, messages = docx_text(rewrite_docx(docx, "word/document.xml", edit))
    assert messages == []
    assert "Jérôme" in text
    assert "CONTENU-SECRET" not in text


def test_docx_template_variable_left(fiche):
    context, _, _, docx = fiche
    leftover = rewrite_docx(docx, "word/document.xml",
                            lambda data: data.replace("Lefèvre".encode(), b"{{ oubli }}", 1))
    assert check_docx(leftover, ["Nguyễn"]) == [
        "Le document contient une variable de modèle non remplacée : « {{ oubli }} »."]


# ---- names from many languages ----

NAMES = [
    ("Nguyễn", "", "Thị Hương"),  # Vietnamese
    ("Wałęsa", "Źdźbło", "Łódź"),  # Polish
    ("Țurcanu", "", "Ștefan"),  # Romanian (comma below)
    ("Çağlar", "Işık", "Şükrü"),  # Turkish
    ("Conceição", "", "João"),  # Portuguese
    ("ibn Ḫālid", "", "ʿAbd al-Raḥmān"),  # Arabic transliteration
]


def test_names_from_many_languages():
    raw = sample_input()
    template = raw["menage"]["demandeur"]
    people = [{**copy.deepcopy(template), "nom": nom, "nom_naissance": birth, "prenom": prenom}
              for nom, birth, prenom in NAMES]
    raw["menage"]["demandeur"], raw["menage"]["co_demandeurs"] = people[0], people[1:]
    context = context_for(raw)
    assert check_glyphs(context, FONTS) == []
    document, pdf = render_fiche(context)
    docx = render_docx(TEMPLATES_DIR, "fiche_de_lien.docx", context)
    names = [name for row in NAMES for name in row if name]
    printed = "".join(pdf_text(pdf, names).split())  # no NFC: exactly the code points typed
    in_docx = "".join(docx_text(docx)[0].split())
    for name in names:
        assert "".join(name.split()) in printed, name
        assert "".join(name.split()) in in_docx, name
    assert check_pdf(pdf, names, (1, 20)) == []
    assert check_docx(docx, names) == []
    assert check_layout(document) == []
    assert compact("Thị  Hương") == "ThịHương"
