"""Lists shown a page at a time (« Mes fiches », the Plateforme's inbox, « Ménages
accompagnés »…): `?page=N`; a page past the end shows the last one."""

from __future__ import annotations

from typing import Any

from flask import request
from sqlalchemy import Select

from service.pagination import Page, count, pages_for, read_page

PER_PAGE = 50


def _requested(pages: int) -> int:
    return min(max(request.args.get("page", 1, type=int) or 1, 1), pages)


def paginate(query: Select, per_page: int = PER_PAGE, key: Any = None) -> Page:
    """One page of `query` (ordered by the caller), from the request's `page` argument; with
    `key` (the listed table's primary key), see service.pagination.page_rows."""
    total = count(query)
    return read_page(query, _requested(pages_for(total, per_page)), per_page, total, key)


def paginate_list(items: list, per_page: int = PER_PAGE) -> Page:
    """One page of a list already computed (rows chosen after a computation over all of
    them), from the request's `page` argument."""
    number = _requested(pages_for(len(items), per_page))
    start = (number - 1) * per_page
    return Page(items[start:start + per_page], number, per_page, len(items))
