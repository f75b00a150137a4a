"""Pagination and sorting shared by every listing (API, pages and CLI)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from trustlane.errors import FieldProblem, InvalidInput

T = TypeVar("T")

MAX_LIMIT = 1000


@dataclass(frozen=True)
class PageRequest:
    """Which slice of a listing to return. ``sort`` is a field name, ``-name`` for descending."""

    limit: int = 50
    offset: int = 0
    sort: str | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_LIMIT:
            raise InvalidInput("Bad page", [FieldProblem("limit", f"must be 1..{MAX_LIMIT}")])
        if self.offset < 0:
            raise InvalidInput("Bad page", [FieldProblem("offset", "must be 0 or more")])


@dataclass
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


def paginate(
    session: Session,
    stmt: sa.Select[Any],
    request: PageRequest,
    sortable: Mapping[str, Any],
    default_sort: Sequence[Any],
    *,
    scalars: bool = True,
) -> Page[Any]:
    """Run ``stmt`` for one page: count the whole, sort by a whitelisted field, slice.

    Sorting always ends with ``default_sort`` so that pages are stable between requests.
    """
    order: list[Any] = []
    if request.sort:
        key = request.sort.removeprefix("-")
        if key not in sortable:
            allowed = ", ".join(sorted(sortable))
            raise InvalidInput(
                "Bad sort", [FieldProblem("sort", f"unknown field {key!r}; one of: {allowed}")]
            )
        column = sortable[key]
        order.append(column.desc() if request.sort.startswith("-") else column.asc())
    order.extend(default_sort)
    total = session.execute(
        sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())
    ).scalar_one()
    paged = stmt.order_by(*order).limit(request.limit).offset(request.offset)
    result = session.execute(paged)
    items: list[Any] = list(result.scalars().all()) if scalars else list(result.all())
    return Page(items=items, total=int(total), limit=request.limit, offset=request.offset)
