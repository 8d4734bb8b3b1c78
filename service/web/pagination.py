"""Lists shown a page at a time (« Mes fiches », the Plateforme's inbox, « Ménages
accompagnés »…): `?page=N`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request, url_for
from sqlalchemy import Select, func, select

from service.api.pagination import page_rows
from service.extensions import db

PER_PAGE = 50


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

    def url(self, number: int) -> str:
        """The same list (same filters) at page `number`."""
        args: dict[str, Any] = {**request.args.to_dict(), "page": number}
        assert request.endpoint is not None  # a page is built while serving a route
        return url_for(request.endpoint, **(request.view_args or {}), **args)


def paginate(query: Select, per_page: int = PER_PAGE, key: Any = None) -> Page:
    """One page of `query` (ordered by the caller), from the request's `page` argument; a page
    past the end shows the last one. With `key` (the listed table's primary key), the page's
    keys are found first, in the index alone, and only its rows are read: a far page costs
    about what the first one does."""
    total = db.session.execute(
        select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    pages = max(1, -(-total // per_page))
    number = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    items = list(db.session.execute(
        page_rows(query, (number - 1) * per_page, per_page, key)).scalars())
    return Page(items, number, per_page, total)


def paginate_list(items: list, per_page: int = PER_PAGE) -> Page:
    """One page of a list already computed (rows chosen after a computation over all of them),
    from the request's `page` argument; a page past the end shows the last one."""
    pages = max(1, -(-len(items) // per_page))
    number = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    start = (number - 1) * per_page
    return Page(items[start:start + per_page], number, per_page, len(items))
