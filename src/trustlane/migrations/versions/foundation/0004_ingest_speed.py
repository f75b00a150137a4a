"""ingest speed: drop the shipments index that repeats the unique key's prefix

``ix_shipments_current`` (kind, external_id, is_current) served the current-version lookup of
ingest, which the unique index (kind, external_id, version) serves as well: its leading
columns are the same, and ``is_current`` is checked on the few rows they find. One index less
to update for every shipment written. Also joins the registry and cargo heads of the
foundation branch into one.

Revision ID: 0004_ingest_speed
Revises: 0002_registry, 0003_cargo
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004_ingest_speed"
down_revision: str | Sequence[str] | None = ("0002_registry", "0003_cargo")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.drop_index("ix_shipments_current")


def downgrade() -> None:
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_shipments_current", ["kind", "external_id", "is_current"], unique=False
        )
