"""cargo: keep the reason of each party's resolution

Revision ID: 0003_cargo
Revises: 0001_foundation
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_cargo"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("shipment_parties", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resolution_reason", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("shipment_parties", schema=None) as batch_op:
        batch_op.drop_column("resolution_reason")
