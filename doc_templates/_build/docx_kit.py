"""Shared python-docx building blocks of the DOCX templates: page, styles, tables, common blocks.

Every build script of this package draws its template from these pieces, so that all kinds share
one look (the same as the HTML/PDF templates' print.css) and one reproducible way of saving.
"""

from __future__ import annotations

import argparse
import datetime
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

TEMPLATES_DIR = Path(__file__).resolve().parents[1]  # doc_templates/, the default output folder
AUTHOR = "Service de documents Logement d'abord"

FONT = "DejaVu Sans Condensed"
NAVY = "1B365D"
GREY = "4A5562"
LINE = "8C96A3"
LABEL_BG = "EEF1F5"
LABEL_TEXT = "333D4A"
SUB_BG = "FAFBFC"
NBSP = "\u00a0"
NNBSP = "\u202f"  # narrow no-break space: before : ; ! ? (French typography)
TEXT_WIDTH_MM = 174  # A4 (210 mm) minus two 18 mm margins
KV4 = (35, 52, 35, 52)  # mm: label, value, label, value
KV2 = (52, 122)  # mm: label, value
BOX = 11  # pt: the ☐ / ☒ glyphs, as .box in print.css
CENTER = WD_ALIGN_PARAGRAPH.CENTER
RIGHT = WD_ALIGN_PARAGRAPH.RIGHT
TWIPS_PER_MM = 56.7

# Element order inside the property containers (ECMA-376); Word rejects files that break it.
PPR_ORDER = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
             "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens",
             "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE",
             "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind",
             "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
             "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
             "sectPr", "pPrChange")
RPR_ORDER = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike",
             "dstrike", "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid",
             "vanish", "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs",
             "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs",
             "em", "lang", "eastAsianLayout", "specVanish", "oMath")
TCPR_ORDER = ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap",
              "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark")
TBLPR_ORDER = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
               "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders",
               "shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription")
TRPR_ORDER = ("cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit",
              "trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden")


# ---- raw WordprocessingML ----

def put(parent, child, order: Sequence[str]):
    """Insert `child` into `parent` at its schema position, replacing a same-named element."""
    tag = child.tag.split("}")[1]
    for old in parent.findall(qn(f"w:{tag}")):
        parent.remove(old)
    later = order[order.index(tag) + 1:]
    for i, existing in enumerate(parent):
        name = existing.tag.split("}")[1] if "}" in existing.tag else ""
        if name in later:
            parent.insert(i, child)
            return child
    parent.append(child)
    return child


def el(tag: str, **attrs) -> OxmlElement:
    """A `w:` element with `w:` attributes (values turned into strings)."""
    element = OxmlElement(f"w:{tag}")
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), str(value))
    return element


def border_set(tag: str, sides, size=4, color=LINE, val="single"):
    """A border container (`pBdr`, `tblBorders`, `tcBorders`) with the same line on `sides`."""
    box = el(tag)
    for side in sides:
        box.append(el(side, val=val, sz=size, space=0, color=color))
    return box


# ---- document, page, styles ----

def new_document(title: str, author: str = AUTHOR):
    """An empty A4 portrait document with fixed properties and dates, and the shared styles."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(18)
    section.top_margin, section.bottom_margin = Mm(21), Mm(18)
    section.header_distance = section.footer_distance = Mm(9)
    props = doc.core_properties
    props.title, props.author, props.subject = title, author, ""
    props.keywords = props.comments = props.category = ""
    props.last_modified_by, props.language = author, "fr-FR"
    props.revision = 1
    props.created = props.modified = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    _styles(doc)
    return doc


def _format(font, *, bold=None, italic=None, size=None, color=None):
    """Set only the given properties of a python-docx `Font`; the rest stays inherited."""
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    if color is not None:
        font.color.rgb = RGBColor.from_string(color)


def _font(style_font, size=None, bold=None, color=None, italic=None):
    """A style's font: the shared family everywhere, then the given properties."""
    style_font.name = FONT
    rpr = style_font.element.get_or_add_rPr()
    _set_fonts(rpr.get_or_add_rFonts())
    put(rpr, el("szCs", val=int((size or 9.5) * 2)), RPR_ORDER)
    _format(style_font, bold=bold, italic=italic, size=size, color=color)


def _set_fonts(rfonts):
    """Name the font everywhere; theme attributes would override the names in Word."""
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rfonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
        rfonts.set(qn(f"w:{attr}"), FONT)


def _styles(doc):
    styles = doc.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    default_rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(default_rpr.find(qn("w:rFonts")))
    put(default_rpr, el("lang", val="fr-FR", eastAsia="fr-FR", bidi="ar-SA"), RPR_ORDER)
    normal = styles["Normal"]
    _font(normal.font, size=9.5, color="1A1F26")
    rpr = normal.element.get_or_add_rPr()
    put(rpr, el("lang", val="fr-FR", eastAsia="fr-FR", bidi="ar-SA"), RPR_ORDER)
    normal.paragraph_format.space_after = Pt(2)
    normal.paragraph_format.line_spacing = 1.1
    h1 = styles["Heading 1"]
    _font(h1.font, size=10.5, bold=True, color=NAVY)
    h1.font.italic = False
    pf = h1.paragraph_format
    pf.space_before, pf.space_after, pf.keep_with_next = Pt(9), Pt(4), True
    put(h1.element.get_or_add_pPr(), border_set("pBdr", ["bottom"], size=8, color=NAVY),
        PPR_ORDER)
    h2 = styles["Heading 2"]
    _font(h2.font, size=9.5, bold=True, color=NAVY)
    h2.paragraph_format.space_before, h2.paragraph_format.space_after = Pt(5), Pt(2)
    h2.paragraph_format.keep_with_next = True
    title = styles["Title"]
    _font(title.font, size=15, bold=True, color=NAVY)
    title.paragraph_format.space_after = Pt(3)
    trpr = title.element.get_or_add_rPr()
    for name in ("spacing", "kern"):
        for old in trpr.findall(qn(f"w:{name}")):
            trpr.remove(old)


# ---- paragraphs and runs ----

def run(paragraph, text, *, bold=None, italic=None, size=None, color=None, fill=None):
    """Append a run; only the given formatting is written, the rest comes from the style."""
    r = paragraph.add_run(text)
    _format(r.font, bold=bold, italic=italic, size=size, color=color)
    if fill is not None:
        put(r._r.get_or_add_rPr(), el("shd", val="clear", color="auto", fill=fill), RPR_ORDER)
    return r


def para(container, text="", *, style=None, keep=False, after=None, before=None, **fmt):
    """Append a paragraph (one run of `text` formatted by `fmt`); spacing in points."""
    p = container.add_paragraph(style=style)
    if text:
        run(p, text, **fmt)
    pf = p.paragraph_format
    if keep:
        pf.keep_with_next = True
    if after is not None:
        pf.space_after = Pt(after)
    if before is not None:
        pf.space_before = Pt(before)
    return p


def first_para(cell, text="", **fmt):
    """The cell's existing empty paragraph, filled: cells always hold one paragraph."""
    p = cell.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    if text:
        run(p, text, **fmt)
    return p


def hanging_indent(paragraph, width_mm, *, tab_stop=True):
    """Hang the paragraph's first line by `width_mm` (a number or box, a tab, then the text)."""
    pf = paragraph.paragraph_format
    pf.left_indent = Mm(width_mm)
    pf.first_line_indent = Mm(-width_mm)
    if tab_stop:
        pf.tab_stops.add_tab_stop(Mm(width_mm))
    return paragraph


def right_tab(paragraph, at_mm=TEXT_WIDTH_MM):
    """A right-aligned tab stop, by default at the right margin."""
    paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(at_mm), WD_TAB_ALIGNMENT.RIGHT)


def paragraph_border(paragraph, side, size=4, color=LINE):
    """A rule on one side of the paragraph."""
    put(paragraph._p.get_or_add_pPr(), border_set("pBdr", [side], size=size, color=color),
        PPR_ORDER)


def field(paragraph, instruction: str, placeholder: str, **fmt):
    """A Word field (PAGE, NUMPAGES): begin, instruction, separate, cached result, end."""
    def char(kind):
        r = run(paragraph, "", **fmt)
        r._r.append(el("fldChar", fldCharType=kind))
    char("begin")
    instr = run(paragraph, "", **fmt)
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    instr._r.append(code)
    char("separate")
    run(paragraph, placeholder, **fmt)
    char("end")


def box_line(container, flag_expr: str, text: str, *, keep=False, after=2):
    """☒ or ☐ (as the docxtpl expression `flag_expr` is true or not), then the text, hung."""
    p = para(container, f'{{{{ "☒" if {flag_expr} else "☐" }}}}', size=BOX, color=NAVY,
             keep=keep, after=after)
    run(p, f"\t{text}")
    return hanging_indent(p, 6)


def note(doc, text, keep=False):
    """A small grey italic remark under a block."""
    return para(doc, text, italic=True, size=8.5, color=GREY, before=2, after=2, keep=keep)


def heading(doc, letter: str, title: str):
    """A section heading: the letter (or number) in a navy badge, then the title."""
    h = doc.add_paragraph(style="Heading 1")
    run(h, f"{NBSP}{letter}{NBSP}", fill=NAVY, color="FFFFFF")
    run(h, f"{NBSP}{NBSP}{title}")
    return h


# ---- tables ----

def table(container, widths_mm, *, borders=True):
    """A fixed-layout table with its grid in millimetres and no rows yet."""
    t = container.add_table(rows=0, cols=len(widths_mm))
    t.alignment = WD_TABLE_ALIGNMENT.LEFT
    t.autofit = False  # fixed layout: Word and LibreOffice keep the grid widths
    tblpr = t._tbl.tblPr
    sides = ["top", "left", "bottom", "right", "insideH", "insideV"]
    put(tblpr, border_set("tblBorders", sides, size=4 if borders else 0,
                          val="single" if borders else "nil"), TBLPR_ORDER)
    margins = el("tblCellMar")
    for side, width in (("top", 40), ("left", 100), ("bottom", 40), ("right", 100)):
        margins.append(el(side, w=width, type="dxa"))
    put(tblpr, margins, TBLPR_ORDER)
    put(tblpr, el("tblW", w=int(sum(widths_mm) * TWIPS_PER_MM), type="dxa"), TBLPR_ORDER)
    grid = t._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), str(int(width * TWIPS_PER_MM)))
    return t


def add_row(t, widths_mm):
    """Append a row whose cells carry the grid widths (Word reads the cells', not the grid's)."""
    row = t.add_row()
    for cell, width in zip(row.cells, widths_mm, strict=True):
        cell.width = Mm(width)
    return row


def shade(cell, fill):
    """Fill the cell's background."""
    put(cell._tc.get_or_add_tcPr(), el("shd", val="clear", color="auto", fill=fill), TCPR_ORDER)


def cell_borders(cell, sides, size=6, color=NAVY, val="single"):
    """Draw the cell's own borders on `sides`, over the table's."""
    put(cell._tc.get_or_add_tcPr(), border_set("tcBorders", sides, size=size, color=color,
                                                val=val), TCPR_ORDER)


def valign(cell, where="top"):
    """Align the cell's content vertically: top, center or bottom."""
    cell.vertical_alignment = {"top": WD_CELL_VERTICAL_ALIGNMENT.TOP,
                               "center": WD_CELL_VERTICAL_ALIGNMENT.CENTER,
                               "bottom": WD_CELL_VERTICAL_ALIGNMENT.BOTTOM}[where]


def row_props(row, *, cant_split=True, height_mm=None, header=False):
    """Keep the row on one page, give it a minimum height, or repeat it on each page."""
    trpr = row._tr.get_or_add_trPr()
    if cant_split:
        put(trpr, el("cantSplit"), TRPR_ORDER)
    if height_mm is not None:
        put(trpr, el("trHeight", val=int(height_mm * TWIPS_PER_MM), hRule="atLeast"), TRPR_ORDER)
    if header:
        put(trpr, el("tblHeader"), TRPR_ORDER)


def control_row(t, tag: str):
    """A row holding only a docxtpl `{%tr … %}` tag: docxtpl replaces the whole row by it."""
    row = t.add_row()
    merged = row.cells[0].merge(row.cells[-1]) if len(row.cells) > 1 else row.cells[0]
    first_para(merged, tag)
    return row


def header_row(t, widths_mm, labels, *, align=None):
    """The navy column headings, repeated on each page; `align[i]` aligns column i if set."""
    head = add_row(t, widths_mm)
    row_props(head, header=True)
    for i, (cell, text) in enumerate(zip(head.cells, labels, strict=True)):
        shade(cell, NAVY)
        valign(cell, "bottom")
        p = first_para(cell, text, bold=True, size=8.5, color="FFFFFF")
        if align and align[i]:
            p.alignment = align[i]
    return head


def data_table(doc, widths_mm, headers, loop: str, cells, *, align=None):
    """Header row, then one row per item of the docxtpl `loop` (e.g. "p in personnes")."""
    t = table(doc, widths_mm)
    header_row(t, widths_mm, headers, align=align)
    control_row(t, "{%tr for " + loop + " %}")
    row = add_row(t, widths_mm)
    row_props(row)
    for i, (cell, text) in enumerate(zip(row.cells, cells, strict=True)):
        p = first_para(cell, text)
        if align and align[i]:
            p.alignment = align[i]
    control_row(t, "{%tr endfor %}")
    return t


def label_cell(cell, text):
    """A shaded label cell of a label / value table."""
    shade(cell, LABEL_BG)
    first_para(cell, text, color=LABEL_TEXT)


def kv_row(t, widths_mm, *items):
    """(label, value) spans the row; (l1, v1, l2, v2) fills a four-column row."""
    row = add_row(t, widths_mm)
    cells = row.cells
    if len(items) == 2 and len(cells) == 4:
        value = cells[1].merge(cells[3])
        label_cell(cells[0], items[0])
        first_para(value, items[1])
    else:
        for i, text in enumerate(items):
            (label_cell if i % 2 == 0 else first_para)(cells[i], text)
    return row


def kv_table(doc, widths_mm, rows):
    """A label / value table, one `kv_row` per item of `rows`."""
    t = table(doc, widths_mm)
    for items in rows:
        kv_row(t, widths_mm, *items)
    return t


def signature_boxes(doc, left: tuple[str, list[str]], right: tuple[str, list[str]],
                    height_mm: int = 32):
    """Two framed boxes; each: a bold title then lines (docxtpl paragraph tags allowed)."""
    widths = (83, 8, 83)
    t = table(doc, widths, borders=False)
    row = add_row(t, widths)
    row_props(row, height_mm=height_mm)
    cells = row.cells
    for cell, (title, lines) in ((cells[0], left), (cells[2], right)):
        cell_borders(cell, ["top", "left", "bottom", "right"], size=6, color=NAVY)
        first_para(cell, title, bold=True, color=NAVY)
        for line in lines:
            para(cell, line, size=8.5, after=0)
    return t


# ---- blocks every document has: running header and footer, first-page header, provenance ----

def running_header_footer(doc):
    """Header (organisation, title, reference) from page 2; footer with page numbers on all."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False  # an empty header on page 1
    p = section.header.paragraphs[0]
    right_tab(p)
    paragraph_border(p, "bottom", size=5, color=NAVY)
    run(p, "{{ doc.organisation }}", size=7.5, color=GREY)
    run(p, "\t{{ doc.title }} – {{ doc.reference }}", size=7.5, bold=True, color=NAVY)
    for footer in (section.footer, section.first_page_footer):
        p = footer.paragraphs[0]
        right_tab(p)
        paragraph_border(p, "top", size=3, color=LINE)
        fmt = {"size": 7.5, "color": GREY}
        run(p, "{{ doc.title }} – réf. {{ doc.reference }} – version {{ doc.version }}", **fmt)
        run(p, f"\tpage{NBSP}", **fmt)
        field(p, "PAGE", "1", **fmt)
        run(p, f"{NBSP}/{NBSP}", **fmt)
        field(p, "NUMPAGES", "1", **fmt)


def verification_footer(doc):
    """Under the page numbers, how a reader checks the copy: the code and the address, as on
    every page of the PDF."""
    section = doc.sections[0]
    for footer in (section.footer, section.first_page_footer):
        p = footer.add_paragraph()
        fmt = {"size": 7, "color": GREY}
        run(p, f"Code de vérification{NNBSP}: ", **fmt)
        run(p, "{{ doc.verification_code }}", bold=True, size=7, color=NAVY)
        run(p, f" – vérifier l'authenticité{NNBSP}: {{{{ doc.verification_url }}}}", **fmt)


def document_header(doc, title: str, subtitle: str, issued: str = "Émis le",
                    subject_label: str = "Ménage", household_kind: bool = True):
    """First-page block: organisation, title, subtitle; reference box on the right, naming
    the subject (« Ménage », « Candidature »). A household's document prints its household
    only when it has one, and the version it replaces; a candidature's always has both."""
    t = table(doc, (116, 58), borders=False)
    put(t._tbl.tblPr, border_set("tblBorders", ["top"], size=24, color=NAVY), TBLPR_ORDER)
    row = add_row(t, (116, 58))
    left, meta = row.cells
    org = first_para(left, "{{ doc.organisation }}", bold=True, size=8.5, color=GREY)
    org.runs[0].font.all_caps = True
    org.paragraph_format.space_before, org.paragraph_format.space_after = Pt(4), Pt(4)
    para(left, title, style="Title").paragraph_format.right_indent = Mm(4)
    para(left, subtitle, size=9, color=GREY, after=4)
    shade(meta, LABEL_BG)
    cell_borders(meta, ["left"], size=16, color=NAVY)
    p = first_para(meta, f"Référence{NNBSP}: ", size=8.5, color=GREY)
    p.paragraph_format.space_before = Pt(4)
    run(p, "{{ doc.reference }}", bold=True, size=8.5)
    p = para(meta, f"Version{NNBSP}: ", size=8.5, color=GREY, after=0)
    run(p, "{{ doc.version }}", size=8.5)
    if household_kind:
        para(meta, "{%p if doc.household_reference %}", after=0)
    p = para(meta, f"{subject_label}{NNBSP}: ", size=8.5, color=GREY, after=0)
    run(p, "{{ doc.household_reference }}", size=8.5)
    if household_kind:
        para(meta, "{%p endif %}", after=0)
    para(meta, issued + " {{ doc.issued_at|date_fr }}", size=8.5, after=0)
    if household_kind:
        para(meta, "{%p if doc.supersedes_version %}", after=0)
        para(meta, "Remplace la version {{ doc.supersedes_version }}", bold=True, size=8.5,
             color=NAVY, before=3, after=0)
        para(meta, "{%p endif %}", after=0)


def provenance(doc):
    """The closing lines: who produced the document, when, its registry id and data hash."""
    fmt = {"size": 7, "color": GREY, "after": 0}
    p = para(doc, "Document produit par le service de documents Logement d'abord – "
             "{{ doc.title }}, référence {{ doc.reference }}, version {{ doc.version }}, émis le "
             "{{ doc.issued_at|datetime_fr }} par {{ doc.author_name }} "
             "({{ doc.author_structure }}).", before=12, **fmt)
    paragraph_border(p, "top", size=3, color=LINE)
    para(doc, f"Identifiant au registre{NNBSP}: {{{{ doc.registry_id }}}} – empreinte SHA-256 "
         f"des données saisies{NNBSP}: {{{{ doc.snapshot_sha256 }}}}", **fmt)


def standard_document(title: str, subtitle: str, sections: Sequence[Callable], *,
                      header_title: str | None = None, issued: str = "Émis le"):
    """A whole template: running header and footer, first-page header, the kind's sections
    (each a function of the document) and the provenance lines.

    `title` is the document's property; `header_title`, when given, the first page's longer one.
    """
    doc = new_document(title)
    running_header_footer(doc)
    document_header(doc, header_title or title, subtitle, issued)
    for section in sections:
        section(doc)
    provenance(doc)
    return doc


# ---- saving reproducibly ----

THUMBNAIL = "docProps/thumbnail.jpeg"  # python-docx's default template ships an unrelated one


def save_reproducible(doc, path: Path) -> Path:
    """Save with fixed zip timestamps, so the template (and its hash) only change with content."""
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == THUMBNAIL:
                continue
            data = src.read(info.filename)
            if info.filename == "_rels/.rels":
                data = re.sub(rb"<Relationship [^>]*" + THUMBNAIL.encode() + rb'"/>', b"", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, data)
    path.write_bytes(out.getvalue())
    return path


def main(builds: Iterable[Callable[[Path], Path]], description: str | None = None, *,
         prog: str | None = None, argv: Sequence[str] | None = None) -> None:
    """Command line of the build scripts: an optional output folder, doc_templates/ by default;
    runs each of `builds` into it and prints the paths written."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("out_dir", nargs="?", type=Path, default=TEMPLATES_DIR,
                        help="folder the .docx files are written to (default: doc_templates/)")
    args = parser.parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for build in builds:
        print(build(args.out_dir))
