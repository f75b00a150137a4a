"""Schemas shared by every API route."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel

T = TypeVar("T")


class PagePublic(BaseModel, Generic[T]):
    """One page of a listing and the size of the whole."""

    items: list[T]
    total: int
    limit: int
    offset: int
