"""The registry's migration matches its models, and indexes names of existing records."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from trustlane.db import Base, Database
from trustlane.migrate import upgrade
from trustlane.registry.models import OrgAlias, OrgNameToken

REGISTRY_TABLES = {
    "organizations",
    "org_roles",
    "org_identifiers",
    "org_addresses",
    "org_ownership",
    OrgAlias.__tablename__,
    OrgNameToken.__tablename__,
}


def test_migrated_registry_tables_match_the_models(database: Database) -> None:
    import trustlane.models  # noqa: F401

    def ours(obj: object, name: str | None, type_: str, reflected: bool, other: object) -> bool:
        table = obj if type_ == "table" else getattr(obj, "table", None)
        return table is None or getattr(table, "name", None) in REGISTRY_TABLES

    with database.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": ours})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
    with database.engine.connect() as conn:
        assert {"org_aliases", "org_name_tokens"} <= set(sa.inspect(conn).get_table_names())


def test_upgrade_indexes_the_names_of_existing_organizations(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0001_foundation")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO organizations (name, name_key, kind, entity_type, status, "
                "attributes, created_at, updated_at) VALUES "
                "('Acme Trading Co., Ltd.', 'acme trading co ltd', 'trade', 'company', 'active', "
                "'{}', '2025-01-01 00:00:00', '2025-01-01 00:00:00'), "
                "('Customs Agency', 'customs agency', 'agency', 'company', 'active', "
                "'{}', '2025-01-01 00:00:00', '2025-01-01 00:00:00')"
            )
        )
    upgrade(url, "0002_registry")
    with engine.connect() as conn:
        tokens = conn.execute(sa.text("SELECT org_id, token FROM org_name_tokens")).all()
    engine.dispose()
    assert sorted(tokens) == [(1, "acme"), (1, "trading")]
