"""Programs test fixtures: the CLI pointed at the test's database."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from click.testing import Result
from typer.testing import CliRunner

from trustlane.db import Database
from trustlane.settings import Settings, get_settings


@pytest.fixture
def cli(
    database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., Result]]:
    """``cli("programs", "catalog", "list")`` runs the real ``trustlane`` app on this test's
    database."""
    from trustlane.cli.main import app

    monkeypatch.setenv("TRUSTLANE_DATABASE_URL", database.url)
    monkeypatch.setenv("TRUSTLANE_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(app, list(args), catch_exceptions=False)

    yield run
    get_settings.cache_clear()
