"""foundation: registry, access, cargo, jobs

Revision ID: 0001_foundation
Revises:
Create Date: 2026-11-24 02:04:44.551118
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import trustlane.db

revision: str = "0001_foundation"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("foundation",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("actor_org_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("entity_type", sa.String(length=48), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("before", trustlane.db.JSONDoc, nullable=True),
        sa.Column("after", trustlane.db.JSONDoc, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_action"), ["action"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_log_actor_user_id"), ["actor_user_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_entity_type"), ["entity_type"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "id_counters",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("next_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_id_counters")),
    )
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=48), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("params", trustlane.db.JSONDoc, nullable=False),
        sa.Column("progress_done", sa.BigInteger(), nullable=False),
        sa.Column("progress_total", sa.BigInteger(), nullable=True),
        sa.Column("progress_unit", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("result", trustlane.db.JSONDoc, nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("submitted_by", sa.String(length=254), nullable=False),
        sa.Column("submitted_by_user_id", sa.Integer(), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", trustlane.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", trustlane.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", trustlane.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_jobs_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_jobs_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_jobs_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_jobs_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "organizations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("name_key", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("entity_type", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("sector", sa.String(length=48), nullable=True),
        sa.Column("website", sa.String(length=300), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("attributes", trustlane.db.JSONDoc, nullable=False),
        sa.Column("created_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merged_into_id"],
            ["organizations.id"],
            name=op.f("fk_organizations_merged_into_id_organizations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["organizations.id"],
            name=op.f("fk_organizations_parent_id_organizations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organizations")),
    )
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organizations_country"), ["country"], unique=False)
        batch_op.create_index(batch_op.f("ix_organizations_name_key"), ["name_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_organizations_sector"), ["sector"], unique=False)
        batch_op.create_index(batch_op.f("ix_organizations_status"), ["status"], unique=False)

    op.create_table(
        "transport_events",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("bill_of_lading", sa.String(length=64), nullable=True),
        sa.Column("container_number", sa.String(length=16), nullable=True),
        sa.Column("conveyance", sa.String(length=100), nullable=True),
        sa.Column("voyage", sa.String(length=32), nullable=True),
        sa.Column("status_code", sa.String(length=8), nullable=True),
        sa.Column("location", sa.String(length=16), nullable=True),
        sa.Column("at", trustlane.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("details", trustlane.db.JSONDoc, nullable=False),
        sa.Column("job_id", sa.String(length=36), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transport_events")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_transport_events_content_hash")),
    )
    with op.batch_alter_table("transport_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_transport_events_bill_of_lading"), ["bill_of_lading"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_transport_events_container_number"), ["container_number"], unique=False
        )

    op.create_table(
        "org_addresses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("street", sa.String(length=300), nullable=True),
        sa.Column("city", sa.String(length=120), nullable=True),
        sa.Column("subdivision", sa.String(length=8), nullable=True),
        sa.Column("postal_code", sa.String(length=20), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_org_addresses_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_addresses")),
    )
    with op.batch_alter_table("org_addresses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_org_addresses_org_id"), ["org_id"], unique=False)

    op.create_table(
        "org_identifiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("scheme", sa.String(length=48), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.Column("value_key", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_org_identifiers_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_identifiers")),
        sa.UniqueConstraint(
            "scheme", "value_key", name=op.f("uq_org_identifiers_scheme_value_key")
        ),
    )
    with op.batch_alter_table("org_identifiers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_org_identifiers_org_id"), ["org_id"], unique=False)

    op.create_table(
        "org_ownership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("owned_id", sa.Integer(), nullable=False),
        sa.Column("share", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=True),
        sa.Column("as_of", trustlane.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("share > 0 AND share <= 1", name=op.f("ck_org_ownership_share_range")),
        sa.ForeignKeyConstraint(
            ["owned_id"],
            ["organizations.id"],
            name=op.f("fk_org_ownership_owned_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["organizations.id"],
            name=op.f("fk_org_ownership_owner_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_ownership")),
        sa.UniqueConstraint(
            "owner_id", "owned_id", name=op.f("uq_org_ownership_owner_id_owned_id")
        ),
    )
    with op.batch_alter_table("org_ownership", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_org_ownership_owned_id"), ["owned_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_org_ownership_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "org_roles",
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_org_roles_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("org_id", "role", name=op.f("pk_org_roles")),
    )
    op.create_table(
        "shipments",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("profile", sa.String(length=48), nullable=False),
        sa.Column("job_id", sa.String(length=36), nullable=True),
        sa.Column("importer_org_id", sa.Integer(), nullable=True),
        sa.Column("declared_on", sa.Date(), nullable=True),
        sa.Column("filed_at", trustlane.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("lading_at", trustlane.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("arrival_at", trustlane.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("office", sa.String(length=32), nullable=True),
        sa.Column("mode_of_transport", sa.String(length=16), nullable=True),
        sa.Column("country_origin", sa.String(length=2), nullable=True),
        sa.Column("country_departure", sa.String(length=2), nullable=True),
        sa.Column("country_destination", sa.String(length=2), nullable=True),
        sa.Column("port_lading", sa.String(length=16), nullable=True),
        sa.Column("port_unlading", sa.String(length=16), nullable=True),
        sa.Column("carrier_code", sa.String(length=16), nullable=True),
        sa.Column("conveyance", sa.String(length=100), nullable=True),
        sa.Column("voyage", sa.String(length=32), nullable=True),
        sa.Column("bill_of_lading", sa.String(length=64), nullable=True),
        sa.Column("containers", trustlane.db.JSONDoc, nullable=True),
        sa.Column("pieces", sa.Integer(), nullable=True),
        sa.Column("gross_weight_kg", sa.Float(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("total_value", sa.Float(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("attributes", trustlane.db.JSONDoc, nullable=False),
        sa.Column("created_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", trustlane.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["importer_org_id"],
            ["organizations.id"],
            name=op.f("fk_shipments_importer_org_id_organizations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipments")),
        sa.UniqueConstraint(
            "kind", "external_id", "version", name=op.f("uq_shipments_kind_external_id_version")
        ),
    )
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_shipments_bill_of_lading"), ["bill_of_lading"], unique=False
        )
        batch_op.create_index(
            "ix_shipments_current", ["kind", "external_id", "is_current"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_shipments_declared_on"), ["declared_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_shipments_importer_org_id"), ["importer_org_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_shipments_job_id"), ["job_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_shipments_office"), ["office"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", trustlane.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_users_org_id_organizations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_org_id"), ["org_id"], unique=False)

    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("created_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", trustlane.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", trustlane.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", trustlane.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "inspections",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("shipment_id", sa.BigInteger(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=True),
        sa.Column("inspected_on", sa.Date(), nullable=True),
        sa.Column("fraud", sa.Boolean(), nullable=False),
        sa.Column("critical", sa.SmallInteger(), nullable=False),
        sa.Column("revenue_recovered", sa.Float(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("created_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["shipments.id"],
            name=op.f("fk_inspections_shipment_id_shipments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspections")),
    )
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspections_shipment_id"), ["shipment_id"], unique=False
        )

    op.create_table(
        "shipment_lines",
        sa.Column("shipment_id", sa.BigInteger(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("hs_code", sa.String(length=12), nullable=True),
        sa.Column("hs6", sa.String(length=6), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("quantity", sa.Float(), nullable=True),
        sa.Column("quantity_unit", sa.String(length=8), nullable=True),
        sa.Column("net_mass_kg", sa.Float(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("duty_rate", sa.Float(), nullable=True),
        sa.Column("tax_type", sa.String(length=16), nullable=True),
        sa.Column("country_origin", sa.String(length=2), nullable=True),
        sa.Column("manufacturer_id", sa.String(length=32), nullable=True),
        sa.Column("attributes", trustlane.db.JSONDoc, nullable=False),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["shipments.id"],
            name=op.f("fk_shipment_lines_shipment_id_shipments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("shipment_id", "line_no", name=op.f("pk_shipment_lines")),
    )
    with op.batch_alter_table("shipment_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shipment_lines_hs6"), ["hs6"], unique=False)

    op.create_table(
        "shipment_parties",
        sa.Column("shipment_id", sa.BigInteger(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=True),
        sa.Column("address", sa.String(length=500), nullable=True),
        sa.Column("city", sa.String(length=120), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("identifiers", trustlane.db.JSONDoc, nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("resolution", sa.String(length=16), nullable=True),
        sa.Column("resolution_score", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_shipment_parties_organization_id_organizations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["shipments.id"],
            name=op.f("fk_shipment_parties_shipment_id_shipments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("shipment_id", "seq", name=op.f("pk_shipment_parties")),
    )
    with op.batch_alter_table("shipment_parties", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_shipment_parties_organization_id"), ["organization_id"], unique=False
        )

    _make_audit_log_append_only()


def downgrade() -> None:
    _drop_audit_log_triggers()
    with op.batch_alter_table("shipment_parties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipment_parties_organization_id"))

    op.drop_table("shipment_parties")
    with op.batch_alter_table("shipment_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipment_lines_hs6"))

    op.drop_table("shipment_lines")
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspections_shipment_id"))

    op.drop_table("inspections")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_user_id"))

    op.drop_table("api_tokens")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_org_id"))

    op.drop_table("users")
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipments_office"))
        batch_op.drop_index(batch_op.f("ix_shipments_job_id"))
        batch_op.drop_index(batch_op.f("ix_shipments_importer_org_id"))
        batch_op.drop_index(batch_op.f("ix_shipments_declared_on"))
        batch_op.drop_index("ix_shipments_current")
        batch_op.drop_index(batch_op.f("ix_shipments_bill_of_lading"))

    op.drop_table("shipments")
    op.drop_table("org_roles")
    with op.batch_alter_table("org_ownership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_ownership_owner_id"))
        batch_op.drop_index(batch_op.f("ix_org_ownership_owned_id"))

    op.drop_table("org_ownership")
    with op.batch_alter_table("org_identifiers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_identifiers_org_id"))

    op.drop_table("org_identifiers")
    with op.batch_alter_table("org_addresses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_addresses_org_id"))

    op.drop_table("org_addresses")
    with op.batch_alter_table("transport_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_transport_events_container_number"))
        batch_op.drop_index(batch_op.f("ix_transport_events_bill_of_lading"))

    op.drop_table("transport_events")
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organizations_status"))
        batch_op.drop_index(batch_op.f("ix_organizations_sector"))
        batch_op.drop_index(batch_op.f("ix_organizations_name_key"))
        batch_op.drop_index(batch_op.f("ix_organizations_country"))

    op.drop_table("organizations")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_jobs_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_jobs_status"))
        batch_op.drop_index(batch_op.f("ix_jobs_kind"))
        batch_op.drop_index(batch_op.f("ix_jobs_created_at"))

    op.drop_table("jobs")
    op.drop_table("id_counters")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_audit_log_entity_type"))
        batch_op.drop_index(batch_op.f("ix_audit_log_entity_id"))
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))
        batch_op.drop_index(batch_op.f("ix_audit_log_actor_user_id"))
        batch_op.drop_index(batch_op.f("ix_audit_log_action"))

    op.drop_table("audit_log")


def _make_audit_log_append_only() -> None:
    """Refuse UPDATE and DELETE on the audit log, on both databases."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'audit_log is append-only';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
            )


def _drop_audit_log_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
