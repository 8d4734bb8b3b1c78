"""Lists shown a page at a time (« Mes fiches », the Plateforme's inbox): `?page=N`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request, url_for
from sqlalchemy import Select, func, select

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


def paginate(query: Select, per_page: int = PER_PAGE) -> Page:
    """One page of `query` (ordered by the caller), from the request's `page` argument; a page
    past the end shows the last one."""
    total = db.session.execute(
        select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    pages = max(1, -(-total // per_page))
    number = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    items = list(db.session.execute(
        query.offset((number - 1) * per_page).limit(per_page)).scalars())
    return Page(items, number, per_page, total)
