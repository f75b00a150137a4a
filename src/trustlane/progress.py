"""Progress reporting for long work, independent of who shows it (CLI bar, job row, nothing)."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Told how far long work has got. ``total`` may be unknown (None)."""

    def update(self, done: int, total: int | None = None, message: str | None = None) -> None:
        """Report ``done`` units out of ``total`` so far, with an optional status line."""


class NoProgress:
    """Discards progress (tests, library use)."""

    def update(self, done: int, total: int | None = None, message: str | None = None) -> None:
        return None
