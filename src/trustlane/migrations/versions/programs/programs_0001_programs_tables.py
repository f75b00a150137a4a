"""programs: catalog revisions, members, profiles, answers, evidence, validations, findings,
finding-count rollup, required actions, specialists, account managers, plans

Revision ID: programs_0001
Revises:
Create Date: 2026-11-24 02:52:49.085680
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import trustlane.db

revision: str = "programs_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("programs",)
depends_on: str | Sequence[str] | None = "0001_foundation"


def upgrade() -> None:
    op.create_table(
        "programs_catalog_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program", sa.String(length=48), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("edition", sa.String(length=64), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("document", trustlane.db.JSONDoc, nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("summary", trustlane.db.JSONDoc, nullable=False),
        sa.Column("created_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programs_catalog_revisions")),
        sa.UniqueConstraint(
            "program", "revision", name=op.f("uq_programs_catalog_revisions_program_revision")
        ),
    )
    with op.batch_alter_table("programs_catalog_revisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programs_catalog_revisions_program"), ["program"], unique=False
        )

    op.create_table(
        "programs_finding_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program", sa.String(length=48), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("half", sa.SmallInteger(), nullable=False),
        sa.Column("entity_type", sa.String(length=40), nullable=False),
        sa.Column("sector", sa.String(length=48), nullable=False),
        sa.Column("criterion", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programs_finding_counts")),
        sa.UniqueConstraint(
            "program",
            "year",
            "half",
            "entity_type",
            "sector",
            "criterion",
            "kind",
            name="uq_programs_finding_counts_key",
        ),
    )
    op.create_table(
        "programs_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program", sa.String(length=48), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("horizon_days", sa.Integer(), nullable=False),
        sa.Column("parameters", trustlane.db.JSONDoc, nullable=False),
        sa.Column("summary", trustlane.db.JSONDoc, nullable=False),
        sa.Column("rows", trustlane.db.JSONDoc, nullable=False),
        sa.Column("created_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programs_plans")),
    )
    with op.batch_alter_table("programs_plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programs_plans_program"), ["program"], unique=False)

    op.create_table(
        "programs_account_managers",
        sa.Column("sector", sa.String(length=48), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_programs_account_managers_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("sector", "user_id", name=op.f("pk_programs_account_managers")),
    )
    with op.batch_alter_table("programs_account_managers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programs_account_managers_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "programs_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program", sa.String(length=48), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("entity_type", sa.String(length=40), nullable=False),
        sa.Column("account_number", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("tier", sa.SmallInteger(), nullable=True),
        sa.Column("tier_reasons", trustlane.db.JSONDoc, nullable=False),
        sa.Column("specialist_user_id", sa.Integer(), nullable=True),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("certified_on", sa.Date(), nullable=True),
        sa.Column("last_validated_on", sa.Date(), nullable=True),
        sa.Column("validation_due", sa.Date(), nullable=True),
        sa.Column("profile_review_due", sa.Date(), nullable=True),
        sa.Column("status_reason_code", sa.String(length=32), nullable=True),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("status_before_suspension", sa.String(length=16), nullable=True),
        sa.Column("created_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_programs_members_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["specialist_user_id"],
            ["users.id"],
            name=op.f("fk_programs_members_specialist_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programs_members")),
        sa.UniqueConstraint("account_number", name=op.f("uq_programs_members_account_number")),
        sa.UniqueConstraint(
            "program",
            "org_id",
            "entity_type",
            name=op.f("uq_programs_members_program_org_id_entity_type"),
        ),
    )
    with op.batch_alter_table("programs_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programs_members_org_id"), ["org_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_programs_members_profile_review_due"),
            ["profile_review_due"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_programs_members_program"), ["program"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_programs_members_specialist_user_id"),
            ["specialist_user_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_programs_members_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_programs_members_validation_due"), ["validation_due"], unique=False
        )

    op.create_table(
        "programs_specialists",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Float(), nullable=False),
        sa.Column("sectors", trustlane.db.JSONDoc, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_programs_specialists_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_programs_specialists")),
    )
    op.create_table(
        "programs_member_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("reason_code", sa.String(length=32), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["programs_members.id"],
            name=op.f("fk_programs_member_events_member_id_programs_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programs_member_events")),
    )
    with op.batch_alter_table("programs_member_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programs_member_events_member_id"), ["member_id"], unique=False
        )

    op.create_table(
        "programs_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=254), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.Column("confirmed_on", sa.Date(), nullable=True),
        sa.Column("updated_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["programs_members.id"],
            name=op.f("fk_programs_profiles_member_id_programs_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programs_profiles")),
        sa.UniqueConstraint("member_id", name=op.f("uq_programs_profiles_member_id")),
    )
    op.create_table(
        "programs_validations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("program", sa.String(length=48), nullable=False),
        sa.Column("basis", sa.String(length=24), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("scheduled_for", sa.Date(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=24), nullable=True),
        sa.Column("outcome_reasons", trustlane.db.JSONDoc, nullable=False),
        sa.Column("n_meets", sa.Integer(), nullable=False),
        sa.Column("n_required_actions", sa.Integer(), nullable=False),
        sa.Column("n_recommendations", sa.Integer(), nullable=False),
        sa.Column("n_best_practices", sa.Integer(), nullable=False),
        sa.Column("partner_agency", sa.String(length=200), nullable=True),
        sa.Column("partner_program", sa.String(length=200), nullable=True),
        sa.Column("partner_reference", sa.String(length=100), nullable=True),
        sa.Column("plan_reasons", trustlane.db.JSONDoc, nullable=True),
        sa.Column("catalog_revision", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["programs_members.id"],
            name=op.f("fk_programs_validations_member_id_programs_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programs_validations")),
    )
    with op.batch_alter_table("programs_validations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programs_validations_completed_on"), ["completed_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_programs_validations_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(
            "ix_programs_validations_program_status", ["program", "status"], unique=False
        )

    op.create_table(
        "programs_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("validation_id", sa.Integer(), nullable=False),
        sa.Column("criterion", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("responded_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("follow_up", trustlane.db.JSONDoc, nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["programs_members.id"],
            name=op.f("fk_programs_actions_member_id_programs_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["validation_id"],
            ["programs_validations.id"],
            name=op.f("fk_programs_actions_validation_id_programs_validations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programs_actions")),
        sa.UniqueConstraint(
            "validation_id", "criterion", name=op.f("uq_programs_actions_validation_id_criterion")
        ),
    )
    with op.batch_alter_table("programs_actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programs_actions_due_on"), ["due_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_programs_actions_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_programs_actions_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_programs_actions_validation_id"), ["validation_id"], unique=False
        )

    op.create_table(
        "programs_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("criterion", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("updated_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["programs_profiles.id"],
            name=op.f("fk_programs_answers_profile_id_programs_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programs_answers")),
        sa.UniqueConstraint(
            "profile_id", "criterion", name=op.f("uq_programs_answers_profile_id_criterion")
        ),
    )
    with op.batch_alter_table("programs_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programs_answers_profile_id"), ["profile_id"], unique=False
        )

    op.create_table(
        "programs_findings",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("validation_id", sa.Integer(), nullable=False),
        sa.Column("criterion", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["validation_id"],
            ["programs_validations.id"],
            name=op.f("fk_programs_findings_validation_id_programs_validations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programs_findings")),
        sa.UniqueConstraint(
            "validation_id", "criterion", name=op.f("uq_programs_findings_validation_id_criterion")
        ),
    )
    op.create_table(
        "programs_validation_specialists",
        sa.Column("validation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_programs_validation_specialists_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["validation_id"],
            ["programs_validations.id"],
            name=op.f("fk_programs_validation_specialists_validation_id_programs_validations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "validation_id", "user_id", name=op.f("pk_programs_validation_specialists")
        ),
    )
    with op.batch_alter_table("programs_validation_specialists", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programs_validation_specialists_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "programs_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("criterion", sa.String(length=16), nullable=True),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("uploaded_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["programs_actions.id"],
            name=op.f("fk_programs_evidence_action_id_programs_actions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["programs_members.id"],
            name=op.f("fk_programs_evidence_member_id_programs_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programs_evidence")),
    )
    with op.batch_alter_table("programs_evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programs_evidence_action_id"), ["action_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_programs_evidence_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_programs_evidence_sha256"), ["sha256"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("programs_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programs_evidence_sha256"))
        batch_op.drop_index(batch_op.f("ix_programs_evidence_member_id"))
        batch_op.drop_index(batch_op.f("ix_programs_evidence_action_id"))

    op.drop_table("programs_evidence")
    with op.batch_alter_table("programs_validation_specialists", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programs_validation_specialists_user_id"))

    op.drop_table("programs_validation_specialists")
    op.drop_table("programs_findings")
    with op.batch_alter_table("programs_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programs_answers_profile_id"))

    op.drop_table("programs_answers")
    with op.batch_alter_table("programs_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programs_actions_validation_id"))
        batch_op.drop_index(batch_op.f("ix_programs_actions_status"))
        batch_op.drop_index(batch_op.f("ix_programs_actions_member_id"))
        batch_op.drop_index(batch_op.f("ix_programs_actions_due_on"))

    op.drop_table("programs_actions")
    with op.batch_alter_table("programs_validations", schema=None) as batch_op:
        batch_op.drop_index("ix_programs_validations_program_status")
        batch_op.drop_index(batch_op.f("ix_programs_validations_member_id"))
        batch_op.drop_index(batch_op.f("ix_programs_validations_completed_on"))

    op.drop_table("programs_validations")
    op.drop_table("programs_profiles")
    with op.batch_alter_table("programs_member_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programs_member_events_member_id"))

    op.drop_table("programs_member_events")
    op.drop_table("programs_specialists")
    with op.batch_alter_table("programs_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programs_members_validation_due"))
        batch_op.drop_index(batch_op.f("ix_programs_members_status"))
        batch_op.drop_index(batch_op.f("ix_programs_members_specialist_user_id"))
        batch_op.drop_index(batch_op.f("ix_programs_members_program"))
        batch_op.drop_index(batch_op.f("ix_programs_members_profile_review_due"))
        batch_op.drop_index(batch_op.f("ix_programs_members_org_id"))

    op.drop_table("programs_members")
    with op.batch_alter_table("programs_account_managers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programs_account_managers_user_id"))

    op.drop_table("programs_account_managers")
    with op.batch_alter_table("programs_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programs_plans_program"))

    op.drop_table("programs_plans")
    op.drop_table("programs_finding_counts")
    with op.batch_alter_table("programs_catalog_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programs_catalog_revisions_program"))

    op.drop_table("programs_catalog_revisions")
