"""Alembic environment: trustlane's metadata, batch mode on SQLite."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

import trustlane.models  # noqa: F401  (registers every table on Base.metadata)
from trustlane.db import Base, make_engine

config = context.config
target_metadata = Base.metadata


def run_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    url = config.get_main_option("sqlalchemy.url")
    engine = (
        make_engine(url)
        if url
        else engine_from_config(
            config.get_section(config.config_ini_section, {}), poolclass=pool.NullPool
        )
    )
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _include(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """When writing a package's migration, look only at that package's tables."""
    tables = config.attributes.get("include_tables")
    if tables is None:
        return True
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return table in tables


def _run(conn: object) -> None:
    context.configure(
        include_object=_include,
        connection=conn,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place; batch mode copies the table instead.
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
