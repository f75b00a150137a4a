"""registry: organization aliases and name tokens for party resolution

Revision ID: 0002_registry
Revises: 0001_foundation
Create Date: 2026-11-24 12:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_registry"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "org_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("name_key", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_org_aliases_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_aliases")),
    )
    with op.batch_alter_table("org_aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_org_aliases_name_key"), ["name_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_org_aliases_org_id"), ["org_id"], unique=False)

    op.create_table(
        "org_name_tokens",
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_org_name_tokens_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("org_id", "token", name=op.f("pk_org_name_tokens")),
    )
    with op.batch_alter_table("org_name_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_org_name_tokens_token"), ["token"], unique=False)

    _index_existing_names()


def _index_existing_names() -> None:
    """Tokens for the organizations that exist already, so that resolution finds them."""
    from trustlane.registry.names import name_tokens

    conn = op.get_bind()
    orgs = sa.table(
        "organizations",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("kind", sa.String),
        sa.column("status", sa.String),
    )
    tokens = sa.table("org_name_tokens", sa.column("org_id", sa.Integer), sa.column("token"))
    rows = conn.execute(
        sa.select(orgs.c.id, orgs.c.name).where(orgs.c.kind == "trade", orgs.c.status != "merged")
    ).all()
    values = [{"org_id": r.id, "token": t} for r in rows for t in sorted(name_tokens(r.name))]
    if values:
        conn.execute(sa.insert(tokens), values)


def downgrade() -> None:
    with op.batch_alter_table("org_name_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_name_tokens_token"))

    op.drop_table("org_name_tokens")
    with op.batch_alter_table("org_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_aliases_org_id"))
        batch_op.drop_index(batch_op.f("ix_org_aliases_name_key"))

    op.drop_table("org_aliases")
