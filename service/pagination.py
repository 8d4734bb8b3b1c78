"""One page of a list, for the web pages and the API alike: the page's rows and the numbers a
pager needs. Only the reading of the request's arguments differs between the two (the web
shows the last page for one past the end; the API answers it empty, with the total), so
that stays with each of them; the page and the way its rows are read are here, once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request, url_for
from sqlalchemy import Select, func, select

from service.extensions import db


@dataclass
class Page:
    items: list
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    def url(self, number: int, **pinned: Any) -> str:
        """The same request (same filters, plus `pinned`) at page `number`."""
        args: dict[str, Any] = {k: v for k, v in request.args.to_dict().items()
                                if k not in ("page", "page_size")}
        args.update(page=number, **pinned)
        assert request.endpoint is not None  # a page is built while serving a route
        return url_for(request.endpoint, **(request.view_args or {}), **args)


def pages_for(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


def count(query: Select) -> int:
    """How many rows `query` gives, in one statement (its ordering dropped)."""
    return db.session.execute(
        select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()


def read_page(query: Select, number: int, per_page: int, total: int,
              key: Any = None) -> Page:
    """Page `number` of `query` (ordered by the caller, one row per item), `total` being
    count(query): see page_rows for `key`."""
    items = list(db.session.execute(
        page_rows(query, (number - 1) * per_page, per_page, key)).scalars())
    return Page(items, number, per_page, total)


def page_rows(query: Select, offset: int, limit: int, key: Any = None) -> Select:
    """The rows of `query` from `offset`, `limit` of them: OFFSET and LIMIT on the query, or,
    with `key` (the listed table's primary key), on the keys alone, in a subquery the index
    answers without reading the rows it skips; then only the page's rows are read, by key:
    a far page costs about what the first one does."""
    if key is None:
        return query.offset(offset).limit(limit)
    keys = query.with_only_columns(key).offset(offset).limit(limit).subquery()
    return query.where(key.in_(select(keys.c[0])))
