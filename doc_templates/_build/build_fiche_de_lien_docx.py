"""Builds doc_templates/fiche_de_lien.docx (docxtpl tags over the fiche de lien context).

Run: .venv/bin/python doc_templates/_build/build_fiche_de_lien_docx.py
The first half holds python-docx helpers that future kinds can copy or move to a shared module.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

FONT = "DejaVu Sans Condensed"
NAVY = "1B365D"
GREY = "4A5562"
LINE = "8C96A3"
LABEL_BG = "EEF1F5"
SUB_BG = "FAFBFC"
NBSP = "\u00a0"
NNBSP = "\u202f"  # narrow no-break space: before : ; ! ? (French typography)
TEXT_WIDTH_MM = 174  # A4 (210 mm) minus two 18 mm margins

# Element order inside the property containers (ECMA-376); Word rejects files that break it.
_PPR_ORDER = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
              "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens",
              "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE",
              "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind",
              "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
              "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
              "sectPr", "pPrChange")
_RPR_ORDER = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike",
              "dstrike", "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid",
              "vanish", "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs",
              "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs",
              "em", "lang", "eastAsianLayout", "specVanish", "oMath")
_TCPR_ORDER = ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap",
               "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark")
_TBLPR_ORDER = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
                "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders",
                "shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription")
_TRPR_ORDER = ("cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit",
               "trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden")


def _put(parent, child, order):
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
    element = OxmlElement(f"w:{tag}")
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), str(value))
    return element


def border_set(tag: str, sides, size=4, color=LINE, val="single"):
    box = el(tag)
    for side in sides:
        box.append(el(side, val=val, sz=size, space=0, color=color))
    return box


# ---- document, page, styles ----

def new_document(title: str, author: str):
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


def _font(style_or_run_font, size=None, bold=None, color=None, italic=None):
    font = style_or_run_font
    font.name = FONT
    rpr = font.element.get_or_add_rPr() if hasattr(font, "element") else None
    if rpr is not None:
        _set_fonts(rpr.get_or_add_rFonts())
        _put(rpr, el("szCs", val=int((size or 9.5) * 2)), _RPR_ORDER)
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    if color is not None:
        font.color.rgb = RGBColor.from_string(color)


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
    _put(default_rpr, el("lang", val="fr-FR", eastAsia="fr-FR", bidi="ar-SA"), _RPR_ORDER)
    normal = styles["Normal"]
    _font(normal.font, size=9.5, color="1A1F26")
    rpr = normal.element.get_or_add_rPr()
    _put(rpr, el("lang", val="fr-FR", eastAsia="fr-FR", bidi="ar-SA"), _RPR_ORDER)
    normal.paragraph_format.space_after = Pt(2)
    normal.paragraph_format.line_spacing = 1.1
    h1 = styles["Heading 1"]
    _font(h1.font, size=10.5, bold=True, color=NAVY)
    h1.font.italic = False
    pf = h1.paragraph_format
    pf.space_before, pf.space_after, pf.keep_with_next = Pt(9), Pt(4), True
    _put(h1.element.get_or_add_pPr(), border_set("pBdr", ["bottom"], size=8, color=NAVY),
         _PPR_ORDER)
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
    r = paragraph.add_run(text)
    if bold is not None:
        r.bold = bold
    if italic is not None:
        r.italic = italic
    if size is not None:
        r.font.size = Pt(size)
    if color is not None:
        r.font.color.rgb = RGBColor.from_string(color)
    if fill is not None:
        _put(r._r.get_or_add_rPr(), el("shd", val="clear", color="auto", fill=fill), _RPR_ORDER)
    return r


def para(container, text="", *, style=None, keep=False, after=None, before=None, **fmt):
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


def right_tab(paragraph, at_mm=TEXT_WIDTH_MM):
    paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(at_mm), WD_TAB_ALIGNMENT.RIGHT)


def paragraph_border(paragraph, side, size=4, color=LINE):
    _put(paragraph._p.get_or_add_pPr(), border_set("pBdr", [side], size=size, color=color),
         _PPR_ORDER)


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


# ---- tables ----

def table(container, widths_mm, *, borders=True):
    t = container.add_table(rows=0, cols=len(widths_mm))
    t.alignment = WD_TABLE_ALIGNMENT.LEFT
    t.autofit = False  # fixed layout: Word and LibreOffice keep the grid widths
    tblpr = t._tbl.tblPr
    sides = ["top", "left", "bottom", "right", "insideH", "insideV"]
    _put(tblpr, border_set("tblBorders", sides, size=4 if borders else 0,
                           val="single" if borders else "nil"), _TBLPR_ORDER)
    margins = el("tblCellMar")
    for side, width in (("top", 40), ("left", 100), ("bottom", 40), ("right", 100)):
        margins.append(el(side, w=width, type="dxa"))
    _put(tblpr, margins, _TBLPR_ORDER)
    _put(tblpr, el("tblW", w=int(sum(widths_mm) * 56.7), type="dxa"), _TBLPR_ORDER)
    grid = t._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), str(int(width * 56.7)))
    return t


def add_row(t, widths_mm):
    row = t.add_row()
    for cell, width in zip(row.cells, widths_mm, strict=True):
        cell.width = Mm(width)
    return row


def shade(cell, fill):
    _put(cell._tc.get_or_add_tcPr(), el("shd", val="clear", color="auto", fill=fill),
         _TCPR_ORDER)


def cell_borders(cell, sides, size=6, color=NAVY, val="single"):
    _put(cell._tc.get_or_add_tcPr(), border_set("tcBorders", sides, size=size, color=color,
                                                 val=val), _TCPR_ORDER)


def valign(cell, where="top"):
    cell.vertical_alignment = {"top": WD_CELL_VERTICAL_ALIGNMENT.TOP,
                               "center": WD_CELL_VERTICAL_ALIGNMENT.CENTER,
                               "bottom": WD_CELL_VERTICAL_ALIGNMENT.BOTTOM}[where]


def row_props(row, *, cant_split=True, height_mm=None, header=False):
    trpr = row._tr.get_or_add_trPr()
    if cant_split:
        _put(trpr, el("cantSplit"), _TRPR_ORDER)
    if height_mm is not None:
        _put(trpr, el("trHeight", val=int(height_mm * 56.7), hRule="atLeast"), _TRPR_ORDER)
    if header:
        _put(trpr, el("tblHeader"), _TRPR_ORDER)


def control_row(t, tag: str):
    """A row holding only a docxtpl `{%tr … %}` tag: docxtpl replaces the whole row by it."""
    row = t.add_row()
    merged = row.cells[0].merge(row.cells[-1]) if len(row.cells) > 1 else row.cells[0]
    first_para(merged, tag)
    return row


# ---- saving reproducibly ----

THUMBNAIL = "docProps/thumbnail.jpeg"  # python-docx's default template ships an unrelated one


def save_reproducible(doc, path: Path):
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


# =========================== the fiche de lien ===========================

OUT = Path(__file__).resolve().parents[1] / "fiche_de_lien.docx"
KV4 = (35, 52, 35, 52)  # mm: label, value, label, value (174 mm of text width)
KV2 = (52, 122)
LABEL_TEXT = "333D4A"


def heading(doc, letter: str, title: str):
    h = doc.add_paragraph(style="Heading 1")
    run(h, f"{NBSP}{letter}{NBSP}", fill=NAVY, color="FFFFFF")
    run(h, f"{NBSP}{NBSP}{title}")
    return h


def label_cell(cell, text):
    shade(cell, LABEL_BG)
    first_para(cell, text, color=LABEL_TEXT)


def kv_row(t, widths, *items):
    """(label, value) spans the row; (l1, v1, l2, v2) fills a four-column row."""
    row = add_row(t, widths)
    cells = row.cells
    if len(items) == 2 and len(cells) == 4:
        value = cells[1].merge(cells[3])
        label_cell(cells[0], items[0])
        first_para(value, items[1])
    else:
        for i, text in enumerate(items):
            (label_cell if i % 2 == 0 else first_para)(cells[i], text)
    return row


def kv_table(doc, widths, rows):
    t = table(doc, widths)
    for items in rows:
        kv_row(t, widths, *items)
    return t


def data_table(doc, widths, headers, loop: str, cells, *, align=None):
    """Header row (repeated on each page), then one row per item of the `loop` tag."""
    t = table(doc, widths)
    head = add_row(t, widths)
    row_props(head, header=True)
    for i, (cell, text) in enumerate(zip(head.cells, headers, strict=True)):
        shade(cell, NAVY)
        valign(cell, "bottom")
        p = first_para(cell, text, bold=True, size=8.5, color="FFFFFF")
        if align and align[i]:
            p.alignment = align[i]
    control_row(t, "{%tr for " + loop + " %}")
    row = add_row(t, widths)
    row_props(row)
    for i, (cell, text) in enumerate(zip(row.cells, cells, strict=True)):
        p = first_para(cell, text)
        if align and align[i]:
            p.alignment = align[i]
    control_row(t, "{%tr endfor %}")
    return t


def note(doc, text, keep=False):
    return para(doc, text, italic=True, size=8.5, color=GREY, before=2, after=2, keep=keep)


def running_header_footer(doc):
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


def document_header(doc):
    t = table(doc, (116, 58), borders=False)
    _put(t._tbl.tblPr, border_set("tblBorders", ["top"], size=24, color=NAVY), _TBLPR_ORDER)
    row = add_row(t, (116, 58))
    left, meta = row.cells
    org = first_para(left, "{{ doc.organisation }}", bold=True, size=8.5, color=GREY)
    org.runs[0].font.all_caps = True
    org.paragraph_format.space_before, org.paragraph_format.space_after = Pt(4), Pt(4)
    title = para(left, "Fiche de lien – orientation vers le dispositif Bail d'abord",
                 style="Title")
    title.paragraph_format.right_indent = Mm(4)
    para(left, "Remplie par le service qui oriente, avec la personne. Elle ne constitue pas "
         "une évaluation sociale.", size=9, color=GREY, after=4)
    shade(meta, LABEL_BG)
    cell_borders(meta, ["left"], size=16, color=NAVY)
    p = first_para(meta, f"Référence{NNBSP}: ", size=8.5, color=GREY)
    p.paragraph_format.space_before = Pt(4)
    run(p, "{{ doc.reference }}", bold=True, size=8.5)
    p = para(meta, f"Version{NNBSP}: ", size=8.5, color=GREY, after=0)
    run(p, "{{ doc.version }}", size=8.5)
    para(meta, "{%p if doc.household_reference %}", after=0)
    p = para(meta, f"Ménage{NNBSP}: ", size=8.5, color=GREY, after=0)
    run(p, "{{ doc.household_reference }}", size=8.5)
    para(meta, "{%p endif %}", after=0)
    para(meta, "Émise le {{ doc.issued_at|date_fr }}", size=8.5, after=0)
    para(meta, "{%p if doc.supersedes_version %}", after=0)
    para(meta, "Remplace la version {{ doc.supersedes_version }}", bold=True, size=8.5,
         color=NAVY, before=3, after=0)
    para(meta, "{%p endif %}", after=0)


def section_a(doc):
    heading(doc, "A", "Origine de l'orientation")
    kv_table(doc, KV4, [
        ("Structure orienteuse", "{{ origine.structure_nom }}",
         "Type de structure", "{{ origine.structure_type }}"),
        ("Prescripteur ou prescriptrice", "{{ origine.prescripteur_nom }}",
         "Fonction", "{{ origine.prescripteur_fonction }}"),
        ("Téléphone", "{{ origine.prescripteur_telephone }}",
         "Courriel", "{{ origine.prescripteur_courriel }}"),
        ("Date de la fiche", "{{ origine.date_fiche|date_fr }}",
         "N° SI-SIAO (fiche groupe)", '{{ origine.numero_siao or "—" }}'),
        ("Autre référent social connu", '{{ origine.autre_referent or "—" }}'),
    ])


def section_b(doc):
    heading(doc, "B", "Identité et composition du ménage")
    data_table(
        doc, (31, 24, 24, 24, 16, 24, 31),
        ["Rôle", "Nom", "Nom de naissance", "Prénom", "Sexe", "Date de naissance",
         "Nationalité"],
        "p in personnes",
        ["{{ p.role }}", "{{ p.nom }}", '{{ p.nom_naissance or "—" }}', "{{ p.prenom }}",
         "{{ p.sexe }}", "{{ p.date_naissance|date_short }}", "{{ p.nationalite }}"],
    )
    para(doc, after=0, size=4)
    kv_table(doc, KV4, [
        ("Typologie familiale", "{{ menage.typologie }}",
         "Situation matrimoniale", "{{ menage.situation_matrimoniale }}"),
        ("Animaux", "{{ menage.animaux }}",
         "Regroupement familial", "{{ menage.regroupement_familial }}"),
        ("Enfant à naître (date prévue)",
         '{{ menage.enfant_a_naitre_date|date_fr if menage.enfant_a_naitre_date else "—" }}'),
    ])
    para(doc, "Enfants", style="Heading 2")
    para(doc, "{%p if enfants %}")
    data_table(
        doc, (35, 19, 23, 54, 43),
        ["Prénom", "Âge", "Sexe", "Scolarité", "Hébergement de l'enfant"],
        "e in enfants",
        ["{{ e.prenom }}",
         "{% if e.age == 0 %}moins d'un an{% elif e.age == 1 %}1 an{% else %}"
         "{{ e.age }} ans{% endif %}",
         "{{ e.sexe }}", '{{ e.scolarite or "—" }}', "{{ e.hebergement }}"],
    )
    para(doc, "{%p else %}")
    para(doc, "Aucun enfant déclaré.", italic=True, color=GREY)
    para(doc, "{%p endif %}")


def section_c(doc):
    heading(doc, "C", "Situation administrative et droits")
    t = table(doc, KV4)
    control_row(t, "{%tr if droits.titre_fin_validite %}")
    kv_row(t, KV4, "Droit au séjour", "{{ droits.droit_sejour }}",
           "Fin de validité du titre", "{{ droits.titre_fin_validite|date_fr }}")
    control_row(t, "{%tr else %}")
    kv_row(t, KV4, "Droit au séjour", "{{ droits.droit_sejour }}")
    control_row(t, "{%tr endif %}")
    kv_row(t, KV4, "Domiciliation",
           "{{ droits.domiciliation }}{% if droits.domiciliation_organisme %} – "
           "{{ droits.domiciliation_organisme }}{% endif %}",
           "Couverture maladie", "{{ droits.couverture_maladie }}")
    note(doc, "Situation déclarée par la personne, sans pièce justificative demandée à ce stade.")


def section_d(doc):
    heading(doc, "D", "Ressources")
    right = 2  # WD_ALIGN_PARAGRAPH.RIGHT
    t = data_table(
        doc, (87, 44, 43), ["Type de ressource", "Montant mensuel", "Date de fin prévue"],
        "r in ressources",
        ["{{ r.type }}", '{{ r.montant|money if r.montant is not none else "—" }}',
         '{{ r.date_fin|date_fr if r.date_fin else "—" }}'],
        align=[None, right, None],
    )
    total = add_row(t, (87, 44, 43))
    for cell in total.cells:
        shade(cell, LABEL_BG)
    first_para(total.cells[0], "Total mensuel", bold=True)
    first_para(total.cells[1], "{{ total_ressources|money }}", bold=True).alignment = right
    para(doc, after=0, size=4)
    kv_table(doc, KV2, [("Dettes connues", "{{ dettes }}")])


def section_e(doc):
    heading(doc, "E", "Situation résidentielle actuelle")
    kv_table(doc, KV4, [
        ("Lieu de vie actuel", "{{ residence.lieu_de_vie }}",
         "Durée sans logement personnel", "{{ residence.duree_errance }}"),
        ("Motif(s) de la demande", "{{ residence.motifs }}"),
        ("Demande de logement social", "{{ residence.demande_logement_social }}",
         "Numéro unique (NUR)", '{{ residence.numero_unique or "—" }}'),
        ("Date de la demande", "{{ residence.date_demande_logement|date_fr "
         'if residence.date_demande_logement else "—" }}',
         "Expérience de logement autonome", "{{ residence.experience_logement }}"),
        ("Recours DALO", "{{ residence.dalo }}",
         "SYPLO (contingent préfectoral)", "{{ residence.syplo }}"),
    ])


def section_f(doc):
    heading(doc, "F", "Projet logement")
    t = table(doc, KV4)
    row = kv_row(t, KV4, "Secteurs souhaités, par ordre de préférence", "{%p for s in "
                 "projet.secteurs %}")
    cell = row.cells[1]
    para(cell, "{{ loop.index }}.\t{{ s }}", after=0).paragraph_format.left_indent = Mm(5)
    cell.paragraphs[1].paragraph_format.first_line_indent = Mm(-5)
    para(cell, "{%p endfor %}", after=0)
    kv_row(t, KV4, "Typologie souhaitée", "{{ projet.typologie_souhaitee }}",
           "Accessibilité PMR nécessaire", "{{ projet.accessibilite_pmr }}")
    kv_row(t, KV4, "Reste à charge supportable", '{{ projet.reste_a_charge|money ~ " par mois" '
           'if projet.reste_a_charge is not none else "—" }}')
    kv_row(t, KV4, "Besoins d'adaptation du logement", '{{ projet.besoins_adaptation or "—" }}')
    kv_row(t, KV4, "Contraintes (soins, travail, école, réseau, animaux)",
           '{{ projet.contraintes or "—" }}')


def section_g(doc):
    heading(doc, "G", "Accompagnements en cours")
    kv_table(doc, KV2, [
        ("Mesures d'accompagnement", "{{ accompagnements.mesures }}"),
        ("Précisions", '{{ accompagnements.mesures_precision or "—" }}'),
        ("Partenaires santé ou soin qui suivent la personne",
         '{{ accompagnements.partenaires_sante or "—" }}'),
    ])


def section_h(doc):
    heading(doc, "H", "Auto-évaluation des besoins d'accompagnement")
    para(doc, "Partie remplie par la personne elle-même, avec ses mots, pour chacune des trois "
         "obligations du locataire.", after=3)
    widths, center = (42, 33, 33, 33, 33), 1  # WD_ALIGN_PARAGRAPH.CENTER
    t = table(doc, widths)
    head = add_row(t, widths)
    row_props(head, header=True)
    labels = ["Comme locataire, je dois…"] + [
        f"{{{{ auto_evaluation[0].options[{i}].label }}}}" for i in range(4)]
    for i, (cell, text) in enumerate(zip(head.cells, labels, strict=True)):
        shade(cell, NAVY)
        valign(cell, "bottom")
        p = first_para(cell, text, bold=True, size=8.5, color="FFFFFF")
        if i:
            p.alignment = center
    control_row(t, "{%tr for row in auto_evaluation %}")
    row = add_row(t, widths)
    row_props(row)
    first_para(row.cells[0], "{{ row.imperatif }}", bold=True)
    for i, cell in enumerate(row.cells[1:]):
        valign(cell, "center")
        first_para(cell, f'{{{{ "☒" if row.options[{i}].checked else "☐" }}}}', size=11,
                   color=NAVY).alignment = center
    sub = add_row(t, widths)
    row_props(sub)
    cell = sub.cells[0].merge(sub.cells[4])
    shade(cell, SUB_BG)
    p = first_para(cell, f"Ce qui pourrait m'aider{NNBSP}:", italic=True, size=8.5)
    run(p, ' {{ row.aide or "—" }}', size=8.5)
    control_row(t, "{%tr endfor %}")
    note(doc, f"Cette auto-évaluation n'est pas un critère d'éligibilité{NNBSP}: elle sert "
         "seulement à préparer l'accompagnement avec la personne.")


def consent_line(doc, flag: str, text: str):
    p = para(doc, f'{{{{ "☒" if consentement.{flag} else "☐" }}}}', size=11, color=NAVY,
             keep=True, after=3)
    run(p, f"\t{text}")
    p.paragraph_format.left_indent = Mm(6)
    p.paragraph_format.first_line_indent = Mm(-6)
    p.paragraph_format.tab_stops.add_tab_stop(Mm(6))


def section_i(doc):
    heading(doc, "I", "Consentement")
    consent_line(doc, "accord_orientation",
                 "La personne donne son accord à son orientation vers le dispositif Bail "
                 "d'abord et à la transmission de cette fiche au service Bail d'abord.")
    consent_line(doc, "information_rgpd",
                 "La personne a été informée du traitement de ses données personnelles "
                 "(finalité, destinataires, durée de conservation) et de ses droits d'accès, de "
                 "rectification, d'effacement et d'opposition.")
    para(doc, "Fait à {{ consentement.lieu }}, le {{ consentement.date_consentement|date_fr }}",
         keep=True, before=3, after=5)
    widths = (83, 8, 83)
    t = table(doc, widths, borders=False)
    row = add_row(t, widths)
    row_props(row, height_mm=32)
    person, _gap, worker = row.cells
    for cell in (person, worker):
        cell_borders(cell, ["top", "left", "bottom", "right"], size=6, color=NAVY)
    first_para(person, "Signature de la personne", bold=True, color=NAVY)
    para(person, "{{ personnes[0].prenom }} {{ personnes[0].nom }}", size=8.5, after=0)
    first_para(worker, "Signature du prescripteur ou de la prescriptrice", bold=True, color=NAVY)
    para(worker, "{{ origine.prescripteur_nom }}, {{ origine.prescripteur_fonction }}", size=8.5,
         after=0)
    para(worker, "{{ origine.structure_nom }}", size=7.5, color=GREY, after=0)


def provenance(doc):
    fmt = {"size": 7, "color": GREY, "after": 0}
    p = para(doc, "Document produit par le service de documents Logement d'abord – "
             "{{ doc.title }}, référence {{ doc.reference }}, version {{ doc.version }}, émis le "
             "{{ doc.issued_at|datetime_fr }} par {{ doc.author_name }} "
             "({{ doc.author_structure }}).", before=12, **fmt)
    paragraph_border(p, "top", size=3, color=LINE)
    para(doc, f"Identifiant au registre{NNBSP}: {{{{ doc.registry_id }}}} – empreinte SHA-256 "
         f"des données saisies{NNBSP}: {{{{ doc.snapshot_sha256 }}}}", **fmt)


def build(path: Path = OUT) -> Path:
    doc = new_document("Fiche de lien", "Service de documents Logement d'abord")
    running_header_footer(doc)
    document_header(doc)
    for section in (section_a, section_b, section_c, section_d, section_e, section_f,
                    section_g, section_h, section_i):
        section(doc)
    provenance(doc)
    save_reproducible(doc, path)
    return path


if __name__ == "__main__":
    print(build())
