"""Schema migrations (Alembic), driven from code so that no ``alembic.ini`` is needed.

Each package keeps its migrations on its own Alembic branch under
``migrations/versions/<package>/`` (branch label = package name), depending on the
foundation branch; ``upgrade()`` applies every head. A package can then add tables without
touching another package's history.
"""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config pointing at trustlane's migrations (and at ``url`` when given)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    versions = MIGRATIONS_DIR / "versions"
    # One folder per package branch; listing them lets `revision --version-path` target one.
    locations = [
        versions,
        *sorted(p for p in versions.iterdir() if p.is_dir() and p.name != "__pycache__"),
    ]
    cfg.set_main_option("version_locations", os.pathsep.join(str(p) for p in locations))
    cfg.set_main_option("path_separator", "os")
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def expected_heads() -> set[str]:
    """The head revisions this code expects the database to be at."""
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_heads(conn: Connection) -> set[str]:
    """The revisions the database is at (empty when it has never been migrated)."""
    return set(MigrationContext.configure(conn).get_current_heads())


def upgrade(url: str, revision: str = "heads") -> None:
    """Apply migrations up to ``revision`` (default: every branch's head)."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    """Revert migrations down to ``revision`` (``base`` for an empty database)."""
    command.downgrade(alembic_config(url), revision)
