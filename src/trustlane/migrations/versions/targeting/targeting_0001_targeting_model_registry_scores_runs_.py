"""targeting: model registry, scores, runs, selections

Revision ID: targeting_0001
Revises:
Create Date: 2026-11-24 03:12:20.873434
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import trustlane.db

revision: str = "targeting_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("targeting",)
depends_on: str | Sequence[str] | None = "0001_foundation"


def upgrade() -> None:
    op.create_table(
        "targeting_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("profile", sa.String(length=48), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("trained_from", sa.Date(), nullable=True),
        sa.Column("trained_to", sa.Date(), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("frauds", sa.Integer(), nullable=False),
        sa.Column("params", trustlane.db.JSONDoc, nullable=False),
        sa.Column("validation", trustlane.db.JSONDoc, nullable=False),
        sa.Column("comparison", trustlane.db.JSONDoc, nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("job_id", sa.String(length=36), nullable=True),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("created_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("promoted_at", trustlane.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_targeting_models")),
        sa.UniqueConstraint("version", name=op.f("uq_targeting_models_version")),
    )
    with op.batch_alter_table("targeting_models", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_targeting_models_status"), ["status"], unique=False)

    op.create_table(
        "targeting_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_version", sa.Integer(), nullable=True),
        sa.Column("params", trustlane.db.JSONDoc, nullable=False),
        sa.Column("shipments", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("created_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_targeting_runs")),
    )
    op.create_table(
        "targeting_selections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("office", sa.String(length=32), nullable=True),
        sa.Column("policy", trustlane.db.JSONDoc, nullable=False),
        sa.Column("counts", trustlane.db.JSONDoc, nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("created_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_targeting_selections")),
    )
    with op.batch_alter_table("targeting_selections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_targeting_selections_day"), ["day"], unique=False)

    op.create_table(
        "targeting_scores",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.BigInteger(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("declared_on", sa.Date(), nullable=True),
        sa.Column("office", sa.String(length=32), nullable=True),
        sa.Column("importer_org_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("model_probability", sa.Float(), nullable=True),
        sa.Column("indicator_points", sa.Float(), nullable=False),
        sa.Column("revenue_if_fraud", sa.Float(), nullable=False),
        sa.Column("expected_value", sa.Float(), nullable=False),
        sa.Column("model_version", sa.Integer(), nullable=True),
        sa.Column("trusted_tier", sa.SmallInteger(), nullable=True),
        sa.Column("reasons", trustlane.db.JSONDoc, nullable=False),
        sa.Column("scored_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["targeting_runs.id"],
            name=op.f("fk_targeting_scores_run_id_targeting_runs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["shipments.id"],
            name=op.f("fk_targeting_scores_shipment_id_shipments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_targeting_scores")),
    )
    with op.batch_alter_table("targeting_scores", schema=None) as batch_op:
        batch_op.create_index(
            "ix_targeting_scores_current", ["shipment_id", "is_current"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_targeting_scores_declared_on"), ["declared_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_targeting_scores_importer_org_id"), ["importer_org_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_targeting_scores_shipment_id"), ["shipment_id"], unique=False
        )

    op.create_table(
        "targeting_selection_items",
        sa.Column("selection_id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.BigInteger(), nullable=False),
        sa.Column("score_id", sa.BigInteger(), nullable=True),
        sa.Column("office", sa.String(length=32), nullable=True),
        sa.Column("lane", sa.String(length=16), nullable=False),
        sa.Column("picked_by", sa.String(length=24), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("expected_value", sa.Float(), nullable=False),
        sa.Column("propensity", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["selection_id"],
            ["targeting_selections.id"],
            name=op.f("fk_targeting_selection_items_selection_id_targeting_selections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["shipments.id"],
            name=op.f("fk_targeting_selection_items_shipment_id_shipments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "selection_id", "shipment_id", name=op.f("pk_targeting_selection_items")
        ),
    )
    with op.batch_alter_table("targeting_selection_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_targeting_selection_items_lane"), ["lane"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("targeting_selection_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_targeting_selection_items_lane"))

    op.drop_table("targeting_selection_items")
    with op.batch_alter_table("targeting_scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_targeting_scores_shipment_id"))
        batch_op.drop_index(batch_op.f("ix_targeting_scores_importer_org_id"))
        batch_op.drop_index(batch_op.f("ix_targeting_scores_declared_on"))
        batch_op.drop_index("ix_targeting_scores_current")

    op.drop_table("targeting_scores")
    with op.batch_alter_table("targeting_selections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_targeting_selections_day"))

    op.drop_table("targeting_selections")
    op.drop_table("targeting_runs")
    with op.batch_alter_table("targeting_models", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_targeting_models_status"))

    op.drop_table("targeting_models")
