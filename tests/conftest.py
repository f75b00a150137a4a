"""Test fixtures: a fresh real database per test, on SQLite or PostgreSQL.

``TRUSTLANE_TEST_DB`` picks the database: ``sqlite`` (default) or ``postgresql``. The
PostgreSQL leg (``make test`` runs both) creates one scratch database per test process,
migrates it once, and empties its tables between tests; ``TRUSTLANE_TEST_PG_URL`` names the
server (default ``postgresql://postgres@127.0.0.1:5432/postgres``). Tests that touch the
database get the ``db`` marker automatically, so the PostgreSQL leg can run just those.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from trustlane.db import Base, Database
from trustlane.migrate import upgrade
from trustlane.settings import Environment, Settings

BACKEND = os.environ.get("TRUSTLANE_TEST_DB", "sqlite")
PG_SERVER = os.environ.get("TRUSTLANE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DB_FIXTURES = {"database", "session", "client", "settings", "app"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "db: uses the database (runs on both backends)")
    # argon2id at its cheapest: the suite logs in hundreds of times; production keeps 64 MiB.
    from argon2 import PasswordHasher
    from argon2.profiles import CHEAPEST

    from trustlane.access.credentials import use_hasher

    use_hasher(PasswordHasher.from_parameters(CHEAPEST))


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database made once per test process: a SQLite file or a PostgreSQL db."""
    if BACKEND == "sqlite":
        path = tmp_path_factory.mktemp("template") / "template.db"
        url = f"sqlite:///{path}"
        upgrade(url)
        yield url
        return
    if BACKEND != "postgresql":
        raise pytest.UsageError(f"TRUSTLANE_TEST_DB must be sqlite or postgresql, not {BACKEND}")
    name = f"trustlane_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(
        PG_SERVER.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    base = PG_SERVER.rsplit("/", 1)[0]
    url = f"{base}/{name}"
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def database(_template: str, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database for this test."""
    if BACKEND == "sqlite":
        path = tmp_path / "trustlane.db"
        shutil.copyfile(_template.removeprefix("sqlite:///"), path)
        db = Database(f"sqlite:///{path}")
        yield db
        db.dispose()
        return
    db = Database(_template)
    _truncate_all(db)
    yield db
    db.dispose()


def _truncate_all(db: Database) -> None:
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
def settings(database: Database, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data", database_url=database.url, environment=Environment.test
    )


@pytest.fixture
def session(database: Database) -> Iterator[sa.orm.Session]:
    """A session whose work is committed when the test ends without error."""
    with database.session() as s:
        yield s


@pytest.fixture
def app(settings: Settings, database: Database):  # type: ignore[no-untyped-def]
    from trustlane.web.app import create_app

    return create_app(settings, database)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as c:
        yield c
