"""What every CLI command shares: the database, the operator principal, progress bars,
and turning domain errors into a message and an exit code."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from typer.core import TyperGroup

from trustlane.access.principal import Principal
from trustlane.db import Database
from trustlane.errors import TrustlaneError
from trustlane.settings import Settings, get_settings

console = Console()
err_console = Console(stderr=True)


class ErrorHandlingGroup(TyperGroup):
    """A command group that prints :class:`TrustlaneError` as one clear line and exits with
    the error's exit code, instead of a traceback."""

    def invoke(self, ctx: Any) -> Any:  # typer vendors its own click Context
        try:
            return super().invoke(ctx)
        except TrustlaneError as exc:
            err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            ctx.exit(exc.exit_code)


def new_app(help_text: str) -> typer.Typer:
    """A sub-command group with trustlane's error handling."""
    return typer.Typer(
        help=help_text, cls=ErrorHandlingGroup, no_args_is_help=True, pretty_exceptions_enable=False
    )


def settings() -> Settings:
    return get_settings()


def open_database(*, require_migrated: bool = True) -> Database:
    """The configured database; refuses an un-migrated one unless told not to."""
    database = Database.from_settings(get_settings())
    if require_migrated:
        database.check_migrated()
    return database


def operator() -> Principal:
    """The local operator: whoever can run the CLI can read the database file anyway."""
    return Principal.system("cli")


class BarProgress:
    """A rich progress bar behind the :class:`trustlane.progress.Progress` protocol."""

    def __init__(self, progress: Progress, description: str, unit: str) -> None:
        self._progress = progress
        self._task = progress.add_task(description, total=None)
        self._unit = unit

    def update(self, done: int, total: int | None = None, message: str | None = None) -> None:
        kwargs: dict[str, Any] = {"completed": done}
        if total is not None:
            kwargs["total"] = total
        if message:
            kwargs["description"] = message
        self._progress.update(self._task, **kwargs)


@contextmanager
def progress_bar(description: str, unit: str = "items") -> Iterator[BarProgress]:
    """A progress bar on stderr for long work (bytes shown as sizes)."""
    size = DownloadColumn() if unit == "bytes" else MofNCompleteColumn()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        size,
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=False,
    ) as progress:
        yield BarProgress(progress, description, unit)
