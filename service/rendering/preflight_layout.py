"""Preflight checks on the laid-out `weasyprint.Document` (boxes), before any PDF byte is written.

Template conventions (HTML attributes, the same for every document kind):

- `class="signature-block"` on the element holding the signature(s). It must lie on one page.
- `class="signed-content"` on the element whose text is signed. A signature block signs the
  closest `signed-content` element before it in document order (it may also be an ancestor of
  the block: then the block's own text does not count). The page of the block must show text of
  that element. Without any `signed-content` before it, text of any element before the block
  counts.
- `data-total="<name>"` on the element (table cell) printing a total; `check_totals` compares its
  printed text with the amount the caller recomputed from the lines.

Only the flow is checked for signatures and totals; the page-margin boxes (running header and
footer) are checked for overflow only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from weasyprint.formatting_structure import boxes as B

TOLERANCE = 0.5  # CSS px
SIGNATURE, SIGNED = "signature-block", "signed-content"


@dataclass
class _Text:
    page: int  # 1-based
    box: B.TextBox
    container: B.Box  # closest block container: block, cell, inline-block or margin box
    in_margin: bool
    elements: tuple  # ancestor HTML elements, outermost first


@dataclass
class _Walk:
    texts: list[_Text] = field(default_factory=list)
    present: list[set] = field(default_factory=list)  # elements with a flow box, per page
    root: Any = None  # the document's root HTML element, once a flow box shows it


def _walk(document) -> _Walk:
    out = _Walk()
    for number, page in enumerate(document.pages, start=1):
        present: set = set()
        out.present.append(present)
        page_box = page._page_box
        for child in page_box.children:
            margin = isinstance(child, B.MarginBox)
            if not margin and out.root is None and child.element is not None:
                out.root = child.element
            stack: list[tuple[Any, Any, tuple]] = [(child, page_box, ())]
            while stack:
                box, container, elements = stack.pop()
                element = box.element
                if element is not None and (not elements or elements[-1] is not element):
                    elements = (*elements, element)
                    if not margin:
                        present.add(element)
                if isinstance(box, B.TextBox):
                    out.texts.append(_Text(number, box, container, margin, elements))
                elif isinstance(box, B.ParentBox):
                    inner = box if isinstance(box, B.BlockContainerBox) else container
                    stack.extend((c, inner, elements) for c in reversed(box.children))
    return out


def _excerpt(text: str, size: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[:size] + "…"


def _overflows(item: _Text, page_box) -> bool:
    box, cont = item.box, item.container
    left, right = box.position_x, box.position_x + box.width
    if left < cont.content_box_x() - TOLERANCE:
        return True
    if right > cont.content_box_x() + cont.width + TOLERANCE:
        return True
    if item.in_margin:
        return False
    page_left, page_top = page_box.content_box_x(), page_box.content_box_y()
    return (left < page_left - TOLERANCE
            or right > page_left + page_box.width + TOLERANCE
            or box.position_y + box.height > page_top + page_box.height + TOLERANCE)


def check_overflow(document, walk: _Walk | None = None) -> list[str]:
    """Text wider than its cell or block, or out of the page's content area (cut when printed)."""
    walk = walk or _walk(document)
    messages = []
    for item in walk.texts:
        if item.box.text.strip() and _overflows(item, document.pages[item.page - 1]._page_box):
            messages.append(f"Du texte dépasse de son cadre page {item.page} : "
                            f"« {_excerpt(item.box.text)} »")
    return list(dict.fromkeys(messages))


def _classes(element) -> list[str]:
    return (element.get("class") or "").split()


def _signed_ok(walk: _Walk, order: list, signature, page: int) -> bool:
    """Does `page` show text of what `signature` signs?"""
    before = order[:order.index(signature)]
    signed = next((e for e in reversed(before) if SIGNED in _classes(e)), None)
    own = set(signature.iter())
    if signed is None:
        allowed = set(before)
    else:
        allowed = set(signed.iter()) - own
    return any(t.page == page and not t.in_margin and t.box.text.strip()
               and t.elements and t.elements[-1] in allowed for t in walk.texts)


def check_signatures(document, walk: _Walk | None = None) -> list[str]:
    """Each `signature-block` on one page, sharing it with text of the content it signs."""
    walk = walk or _walk(document)
    if walk.root is None:
        return []
    order = list(walk.root.iter())
    messages = []
    for signature in (e for e in order if SIGNATURE in _classes(e)):
        pages = [n for n, present in enumerate(walk.present, start=1) if signature in present]
        if len(pages) > 1:
            messages.append(f"Le bloc de signature est coupé entre les pages {pages[0]} "
                            f"et {pages[-1]}.")
        elif pages and not _signed_ok(walk, order, signature, pages[0]):
            messages.append(f"Le bloc de signature est seul sur la page {pages[0]}, "
                            "séparé du texte qu'il signe.")
    return messages


def check_page_count(document_or_count, bounds: tuple[int, int]) -> list[str]:
    count = (document_or_count if isinstance(document_or_count, int)
             else len(document_or_count.pages))
    low, high = bounds
    if low <= count <= high:
        return []
    plural = "page" if count == 1 else "pages"
    return [f"Le document compte {count} {plural}, hors des limites prévues pour ce type de "
            f"document (de {low} à {high} pages)."]


def check_layout(document) -> list[str]:
    """Overflowing text and misplaced signature blocks (page count: `check_page_count`)."""
    walk = _walk(document)
    return check_overflow(document, walk) + check_signatures(document, walk)


def _normal(text: str) -> str:
    return " ".join(text.split())  # str.split() also splits on U+00A0 and U+202F


def printed_totals(document, walk: _Walk | None = None) -> dict[str, str]:
    """{name: text printed in the element marked data-total="name"}, whitespace-normalised."""
    walk = walk or _walk(document)
    parts: dict[str, list[str]] = {}
    for item in walk.texts:
        if item.in_margin:
            continue
        for element in item.elements:
            name = element.get("data-total")
            if name is not None:
                parts.setdefault(name, []).append(item.box.text)
    return {name: _normal(" ".join(texts)) for name, texts in parts.items()}


def check_totals(document, expected: dict[str, str]) -> list[str]:
    """Every data-total cell prints exactly the amount recomputed by the caller."""
    printed = printed_totals(document)
    messages = []
    for name, value in printed.items():
        if name not in expected:
            messages.append(f"Le total « {name} » imprimé ({value}) n'a pas de somme "
                            "recalculée à laquelle le comparer.")
        elif value != _normal(expected[name]):
            messages.append(f"Le total « {name} » imprimé ({value}) ne correspond pas à la "
                            f"somme des lignes ({_normal(expected[name])}).")
    messages += [f"Le total « {name} » n'est imprimé nulle part dans le document."
                 for name in expected if name not in printed]
    return messages


def money_sum(values) -> Decimal:
    """Sum of amounts (Decimal, int, '1234.5' or French '1 234,50 €'); None and '' count 0."""
    total = Decimal(0)
    for value in values:
        if value is None or value == "":
            continue
        if isinstance(value, float):
            value = str(value)
        if isinstance(value, str):
            value = "".join(value.replace("€", "").split()).replace(",", ".")
        try:
            total += Decimal(value)
        except (InvalidOperation, TypeError) as exc:
            raise ValueError(f"montant illisible : {value!r}") from exc
    return total

