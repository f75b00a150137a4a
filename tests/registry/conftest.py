"""Registry test helpers: the CLI pointed at the test's database, and logins per role."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from click.testing import Result
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests import factories as f
from trustlane.access.roles import Role
from trustlane.db import Database
from trustlane.settings import Settings, get_settings


@pytest.fixture
def cli(
    database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., Result]]:
    """``cli("orgs", "list")`` runs the real ``trustlane`` app against this test's database."""
    from trustlane.cli.main import app

    monkeypatch.setenv("TRUSTLANE_DATABASE_URL", database.url)
    monkeypatch.setenv("TRUSTLANE_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(app, list(args), catch_exceptions=False)

    yield run
    get_settings.cache_clear()


@pytest.fixture
def agency_headers(client: TestClient, session: Session) -> dict[str, str]:
    """Bearer headers of an agency administrator."""
    f.user(session, f.agency(session), Role.agency_admin, "admin@agency.example")
    session.commit()
    return f.login(client, "admin@agency.example")
