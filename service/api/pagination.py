"""The API's lists, a page at a time: `?page=N&per_page=M`, the total and the links.

Every list answers its page with the `X-Pagination` header (JSON: total, total_pages,
first_page, last_page, page, previous_page, next_page, as flask-smorest writes it) and a
`Link` header (RFC 8288: first, prev, next, last). `page_size` is the former name of
`per_page`, still accepted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from flask import request, url_for
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, fields, validate
from sqlalchemy import Select, func, select

from service.extensions import db

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


@dataclass
class ApiPage:
    items: list
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return -(-self.total // self.per_page)

    def metadata(self) -> dict:
        """The X-Pagination object (flask-smorest's shape)."""
        return Blueprint._make_pagination_metadata(self.number, self.per_page, self.total)

    def url(self, number: int) -> str:
        """The same request (same arguments, same per_page) at page `number`."""
        args: dict[str, Any] = {k: v for k, v in request.args.to_dict().items()
                                if k not in ("page", "page_size")}
        args.update(page=number, per_page=self.per_page)
        assert request.endpoint is not None  # a page is built while serving a route
        return url_for(request.endpoint, **(request.view_args or {}), **args)

    def links(self) -> dict[str, str]:
        """{rel: url} for first, prev, next and last (none for an empty list)."""
        if self.total == 0:
            return {}
        found = {"first": self.url(1)}
        if 1 < self.number <= self.pages:
            found["prev"] = self.url(self.number - 1)
        if self.number < self.pages:
            found["next"] = self.url(self.number + 1)
        found["last"] = self.url(self.pages)
        return found

    def headers(self) -> dict[str, str]:
        links = self.links()
        headers = {"X-Pagination": json.dumps(self.metadata())}
        if links:
            headers["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items())
        return headers


def page_size(args: dict) -> int:
    return args.get("per_page") or args.get("page_size") or PER_PAGE


def paginate(query: Select, args: dict, key: Any = None) -> ApiPage:
    """One page of `query` (ordered by the caller, one row per item): its total in one
    statement, its rows in another (by `key` first, as the pages do: see
    page_rows). A page past the end is empty, with the total."""
    per_page = page_size(args)
    total = db.session.execute(
        select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    rows = list(db.session.execute(
        page_rows(query, (args["page"] - 1) * per_page, per_page, key)).scalars())
    return ApiPage(rows, args["page"], per_page, total)


def page_rows(query: Select, offset: int, limit: int, key: Any = None) -> Select:
    """The rows of `query` from `offset`, `limit` of them: OFFSET and LIMIT on the query, or,
    with `key` (the listed table's primary key), on the keys alone, in a subquery the index
    answers without reading the rows it skips; then only the page's rows are read, by key."""
    if key is None:
        return query.offset(offset).limit(limit)
    keys = query.with_only_columns(key).offset(offset).limit(limit).subquery()
    return query.where(key.in_(select(keys.c[0])))


def empty(args: dict) -> ApiPage:
    return ApiPage([], args["page"], page_size(args), 0)
