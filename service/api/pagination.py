"""The API's lists, a page at a time: `?page=N&per_page=M`, the total and the links.

Every list answers its page with the `X-Pagination` header (JSON: total, total_pages,
first_page, last_page, page, previous_page, next_page, as flask-smorest writes it) and a
`Link` header (RFC 8288: first, prev, next, last). `page_size` is the former name of
`per_page`, still accepted.
"""

from __future__ import annotations

import json
from typing import Any

from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, fields, validate
from sqlalchemy import Select

from service.pagination import Page, count, read_page

PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000

# The OpenAPI description of the two headers (X-Pagination is flask-smorest's component).
HEADERS = {
    "X-Pagination": "PAGINATION",
    "Link": {"description": "Liens vers la première, la précédente, la suivante et la "
                            "dernière page (RFC 8288 : rel=\"first\", \"prev\", \"next\", "
                            "\"last\").",
             "schema": {"type": "string"}},
}


class PageArguments(Schema):
    """`page` (from 1) and `per_page` (1 to 200; `page_size` is its former name)."""

    class Meta:
        unknown = EXCLUDE

    # Bounded: a page number past any list is refused, not turned into an OFFSET the
    # database cannot hold (PostgreSQL's bigint).
    page = fields.Integer(load_default=1, validate=validate.Range(
        min=1, max=MAX_PAGE, error="Indiquez un numéro de page entre 1 et 1\u202f000\u202f000."),
        metadata={"description": f"Numéro de la page, de 1 à {MAX_PAGE}."})
    per_page = fields.Integer(validate=validate.Range(min=1, max=MAX_PER_PAGE),
                              metadata={"description": f"Éléments par page ({PER_PAGE} par "
                                                       f"défaut, {MAX_PER_PAGE} au plus)."})
    page_size = fields.Integer(validate=validate.Range(min=1, max=MAX_PER_PAGE),
                               metadata={"description": "Ancien nom de per_page.",
                                         "deprecated": True})


def metadata(page: Page) -> dict:
    """The X-Pagination object (flask-smorest's shape)."""
    return Blueprint._make_pagination_metadata(page.number, page.per_page, page.total)


def links(page: Page) -> dict[str, str]:
    """{rel: url} for first, prev, next and last (none for an empty list); every link
    carries the page size asked for."""
    if page.total == 0:
        return {}
    found = {"first": page.url(1, per_page=page.per_page)}
    if 1 < page.number <= page.pages:
        found["prev"] = page.url(page.number - 1, per_page=page.per_page)
    if page.number < page.pages:
        found["next"] = page.url(page.number + 1, per_page=page.per_page)
    found["last"] = page.url(page.pages, per_page=page.per_page)
    return found


def headers(page: Page) -> dict[str, str]:
    rels = links(page)
    found = {"X-Pagination": json.dumps(metadata(page))}
    if rels:
        found["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in rels.items())
    return found


def page_size(args: dict) -> int:
    return args.get("per_page") or args.get("page_size") or PER_PAGE


def paginate(query: Select, args: dict, key: Any = None) -> Page:
    """One page of `query` (ordered by the caller, one row per item): its total in one
    statement, its rows in another (see service.pagination.page_rows for `key`). A page
    past the end is empty, with the total."""
    return read_page(query, args["page"], page_size(args), count(query), key)


def empty(args: dict) -> Page:
    return Page([], args["page"], page_size(args), 0)
