"""screening tables

Revision ID: screening_0001
Revises:
Create Date: 2026-11-24 03:10:37.563481
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import trustlane.db

revision: str = "screening_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("screening",)
depends_on: str | Sequence[str] | None = "0001_foundation"


def upgrade() -> None:
    op.create_table(
        "screening_bulk_runs",
        sa.Column("job_id", sa.String(length=36), nullable=False),
        sa.Column("input_path", sa.String(length=500), nullable=False),
        sa.Column("output_path", sa.String(length=500), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("chunks_done", sa.Integer(), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("alerts", sa.Integer(), nullable=False),
        sa.Column("updated_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_screening_bulk_runs")),
    )
    op.create_table(
        "screening_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("current_version_id", sa.Integer(), nullable=True),
        sa.Column("created_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_lists")),
        sa.UniqueConstraint("name", name=op.f("uq_screening_lists_name")),
    )
    op.create_table(
        "screening_ownership_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=True),
        sa.Column("share", sa.Float(), nullable=False),
        sa.Column("chain", trustlane.db.JSONDoc, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("computed_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_ownership_flags")),
    )
    with op.batch_alter_table("screening_ownership_flags", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_screening_ownership_flags_active"), ["active"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_screening_ownership_flags_org_id"), ["org_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_screening_ownership_flags_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "screening_subjects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("ref", sa.String(length=100), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=True),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("data", trustlane.db.JSONDoc, nullable=False),
        sa.Column("screened_at", trustlane.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("best_score", sa.Float(), nullable=True),
        sa.Column("name_tokens", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_subjects")),
        sa.UniqueConstraint("kind", "ref", name=op.f("uq_screening_subjects_kind_ref")),
    )
    with op.batch_alter_table("screening_subjects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_screening_subjects_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_screening_subjects_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "screening_entries",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=24), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.Column("primary_name", sa.String(length=500), nullable=False),
        sa.Column("doc", trustlane.db.JSONDoc, nullable=False),
        sa.Column("first_version_id", sa.Integer(), nullable=False),
        sa.Column("last_version_id", sa.Integer(), nullable=True),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["screening_lists.id"],
            name=op.f("fk_screening_entries_list_id_screening_lists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_entries")),
    )
    with op.batch_alter_table("screening_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_screening_entries_category"), ["category"], unique=False
        )
        batch_op.create_index(
            "ix_screening_entries_current", ["list_id", "is_current"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_screening_entries_key"), ["key"], unique=False)
        batch_op.create_index(batch_op.f("ix_screening_entries_list_id"), ["list_id"], unique=False)

    op.create_table(
        "screening_list_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("published", sa.String(length=32), nullable=True),
        sa.Column("loaded_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("loaded_by", sa.String(length=254), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("problems", trustlane.db.JSONDoc, nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["screening_lists.id"],
            name=op.f("fk_screening_list_versions_list_id_screening_lists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_list_versions")),
        sa.UniqueConstraint(
            "list_id", "number", name=op.f("uq_screening_list_versions_list_id_number")
        ),
    )
    with op.batch_alter_table("screening_list_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_screening_list_versions_list_id"), ["list_id"], unique=False
        )

    op.create_table(
        "screening_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=True),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("list_version_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.BigInteger(), nullable=False),
        sa.Column("entry_key", sa.String(length=200), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.Column("subject_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("matched_name", sa.String(length=500), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("reasons", trustlane.db.JSONDoc, nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=24), nullable=False),
        sa.Column("consequence", trustlane.db.JSONDoc, nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("assignee", sa.String(length=254), nullable=True),
        sa.Column("decided_by", sa.String(length=254), nullable=True),
        sa.Column("decided_at", trustlane.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["screening_entries.id"],
            name=op.f("fk_screening_alerts_entry_id_screening_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["screening_lists.id"],
            name=op.f("fk_screening_alerts_list_id_screening_lists"),
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["screening_subjects.id"],
            name=op.f("fk_screening_alerts_subject_id_screening_subjects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_alerts")),
    )
    with op.batch_alter_table("screening_alerts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_screening_alerts_entry_id"), ["entry_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_screening_alerts_list_id"), ["list_id"], unique=False)
        batch_op.create_index("ix_screening_alerts_queue", ["status", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_screening_alerts_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_screening_alerts_subject_id"), ["subject_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_screening_alerts_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "screening_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("subject_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("entry_key", sa.String(length=200), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("reviewer", sa.String(length=254), nullable=False),
        sa.Column("decided_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("evidence", trustlane.db.JSONDoc, nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["screening_alerts.id"],
            name=op.f("fk_screening_decisions_alert_id_screening_alerts"),
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["screening_subjects.id"],
            name=op.f("fk_screening_decisions_subject_id_screening_subjects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_decisions")),
    )
    with op.batch_alter_table("screening_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_screening_decisions_alert_id"), ["alert_id"], unique=False
        )
        batch_op.create_index(
            "ix_screening_decisions_pair", ["subject_id", "list_id", "entry_key"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("screening_decisions", schema=None) as batch_op:
        batch_op.drop_index("ix_screening_decisions_pair")
        batch_op.drop_index(batch_op.f("ix_screening_decisions_alert_id"))

    op.drop_table("screening_decisions")
    with op.batch_alter_table("screening_alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screening_alerts_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_screening_alerts_subject_id"))
        batch_op.drop_index(batch_op.f("ix_screening_alerts_status"))
        batch_op.drop_index("ix_screening_alerts_queue")
        batch_op.drop_index(batch_op.f("ix_screening_alerts_list_id"))
        batch_op.drop_index(batch_op.f("ix_screening_alerts_entry_id"))

    op.drop_table("screening_alerts")
    with op.batch_alter_table("screening_list_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screening_list_versions_list_id"))

    op.drop_table("screening_list_versions")
    with op.batch_alter_table("screening_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screening_entries_list_id"))
        batch_op.drop_index(batch_op.f("ix_screening_entries_key"))
        batch_op.drop_index("ix_screening_entries_current")
        batch_op.drop_index(batch_op.f("ix_screening_entries_category"))

    op.drop_table("screening_entries")
    with op.batch_alter_table("screening_subjects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screening_subjects_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_screening_subjects_organization_id"))

    op.drop_table("screening_subjects")
    with op.batch_alter_table("screening_ownership_flags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screening_ownership_flags_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_screening_ownership_flags_org_id"))
        batch_op.drop_index(batch_op.f("ix_screening_ownership_flags_active"))

    op.drop_table("screening_ownership_flags")
    op.drop_table("screening_lists")
    op.drop_table("screening_bulk_runs")
