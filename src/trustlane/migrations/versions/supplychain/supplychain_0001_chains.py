"""supply chains, facilities, links, documents, ports, resilience runs

Revision ID: supplychain_0001
Revises:
Create Date: 2026-11-24 03:16:59.110396
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import trustlane.db

revision: str = "supplychain_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("supplychain",)
depends_on: str | Sequence[str] | None = "0001_foundation"


def upgrade() -> None:
    op.create_table(
        "sc_risk_areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=True),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("created_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sc_risk_areas")),
        sa.UniqueConstraint("code", name=op.f("uq_sc_risk_areas_code")),
    )
    op.create_table(
        "sc_vendor_concerns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vendor", sa.String(length=200), nullable=False),
        sa.Column("vendor_key", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=True),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("created_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sc_vendor_concerns")),
        sa.UniqueConstraint("vendor_key", name=op.f("uq_sc_vendor_concerns_vendor_key")),
    )
    op.create_table(
        "sc_chains",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=True),
        sa.Column("owner_key", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("facility_count", sa.Integer(), nullable=False),
        sa.Column("link_count", sa.Integer(), nullable=False),
        sa.Column("import_problems", trustlane.db.JSONDoc, nullable=False),
        sa.Column("import_warnings", trustlane.db.JSONDoc, nullable=False),
        sa.Column("attributes", trustlane.db.JSONDoc, nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("created_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organizations.id"],
            name=op.f("fk_sc_chains_tenant_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sc_chains")),
        sa.UniqueConstraint("owner_key", "name", name=op.f("uq_sc_chains_owner_key_name")),
    )
    with op.batch_alter_table("sc_chains", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sc_chains_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "sc_facilities",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=48), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("region", sa.String(length=8), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("capacity_per_day", sa.Float(), nullable=True),
        sa.Column("inventory", sa.Float(), nullable=False),
        sa.Column("ttr_days", sa.Float(), nullable=False),
        sa.Column("demand_per_day", sa.Float(), nullable=False),
        sa.Column("unit_profit", sa.Float(), nullable=False),
        sa.Column("material", sa.String(length=200), nullable=True),
        sa.Column("hs_code", sa.String(length=12), nullable=True),
        sa.Column("port_code", sa.String(length=16), nullable=True),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("attributes", trustlane.db.JSONDoc, nullable=False),
        sa.ForeignKeyConstraint(
            ["chain_id"],
            ["sc_chains.id"],
            name=op.f("fk_sc_facilities_chain_id_sc_chains"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_sc_facilities_organization_id_organizations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sc_facilities")),
        sa.UniqueConstraint("chain_id", "code", name=op.f("uq_sc_facilities_chain_id_code")),
    )
    with op.batch_alter_table("sc_facilities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sc_facilities_chain_id"), ["chain_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sc_facilities_country"), ["country"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_sc_facilities_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "sc_port_equipment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column("port_code", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("vendor", sa.String(length=200), nullable=False),
        sa.Column("vendor_country", sa.String(length=2), nullable=True),
        sa.Column("model", sa.String(length=200), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("remote_access", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("created_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chain_id"],
            ["sc_chains.id"],
            name=op.f("fk_sc_port_equipment_chain_id_sc_chains"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sc_port_equipment")),
    )
    with op.batch_alter_table("sc_port_equipment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sc_port_equipment_chain_id"), ["chain_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sc_port_equipment_port_code"), ["port_code"], unique=False
        )

    op.create_table(
        "sc_resilience_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column("horizon_days", sa.Float(), nullable=False),
        sa.Column("baseline_tts", sa.Float(), nullable=False),
        sa.Column("survives_horizon", sa.Boolean(), nullable=False),
        sa.Column("bottlenecks", trustlane.db.JSONDoc, nullable=False),
        sa.Column("methods", trustlane.db.JSONDoc, nullable=False),
        sa.Column("scenario_kinds", trustlane.db.JSONDoc, nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("workers", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("created_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chain_id"],
            ["sc_chains.id"],
            name=op.f("fk_sc_resilience_runs_chain_id_sc_chains"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sc_resilience_runs")),
    )
    with op.batch_alter_table("sc_resilience_runs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sc_resilience_runs_chain_id"), ["chain_id"], unique=False
        )

    op.create_table(
        "sc_links",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column(
            "supplier_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("buyer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("material", sa.String(length=200), nullable=False),
        sa.Column("hs_code", sa.String(length=12), nullable=True),
        sa.Column("qty_per_unit", sa.Float(), nullable=False),
        sa.Column("share", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("attributes", trustlane.db.JSONDoc, nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_id"],
            ["sc_facilities.id"],
            name=op.f("fk_sc_links_buyer_id_sc_facilities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["chain_id"],
            ["sc_chains.id"],
            name=op.f("fk_sc_links_chain_id_sc_chains"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["sc_facilities.id"],
            name=op.f("fk_sc_links_supplier_id_sc_facilities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sc_links")),
        sa.UniqueConstraint(
            "chain_id",
            "supplier_id",
            "buyer_id",
            "material",
            name=op.f("uq_sc_links_chain_id_supplier_id_buyer_id_material"),
        ),
    )
    with op.batch_alter_table("sc_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sc_links_buyer_id"), ["buyer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sc_links_chain_id"), ["chain_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sc_links_supplier_id"), ["supplier_id"], unique=False)

    op.create_table(
        "sc_scenario_results",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=True),
        sa.Column("tts_days", sa.Float(), nullable=False),
        sa.Column("ttr_days", sa.Float(), nullable=False),
        sa.Column("at_risk", sa.Boolean(), nullable=False),
        sa.Column("lost_units", sa.Float(), nullable=False),
        sa.Column("lost_profit", sa.Float(), nullable=False),
        sa.Column("risk_exposure_index", sa.Float(), nullable=False),
        sa.Column("tts_method", sa.String(length=24), nullable=False),
        sa.Column("lost_method", sa.String(length=24), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["sc_resilience_runs.id"],
            name=op.f("fk_sc_scenario_results_run_id_sc_resilience_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", "seq", name=op.f("pk_sc_scenario_results")),
    )
    op.create_table(
        "sc_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("quantity", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=16), nullable=True),
        sa.Column("amount", sa.Float(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("file_name", sa.String(length=200), nullable=True),
        sa.Column("media_type", sa.String(length=100), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("created_at", trustlane.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chain_id"],
            ["sc_chains.id"],
            name=op.f("fk_sc_documents_chain_id_sc_chains"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["sc_links.id"],
            name=op.f("fk_sc_documents_link_id_sc_links"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sc_documents")),
    )
    with op.batch_alter_table("sc_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sc_documents_chain_id"), ["chain_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sc_documents_link_id"), ["link_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sc_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sc_documents_link_id"))
        batch_op.drop_index(batch_op.f("ix_sc_documents_chain_id"))

    op.drop_table("sc_documents")
    op.drop_table("sc_scenario_results")
    with op.batch_alter_table("sc_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sc_links_supplier_id"))
        batch_op.drop_index(batch_op.f("ix_sc_links_chain_id"))
        batch_op.drop_index(batch_op.f("ix_sc_links_buyer_id"))

    op.drop_table("sc_links")
    with op.batch_alter_table("sc_resilience_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sc_resilience_runs_chain_id"))

    op.drop_table("sc_resilience_runs")
    with op.batch_alter_table("sc_port_equipment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sc_port_equipment_port_code"))
        batch_op.drop_index(batch_op.f("ix_sc_port_equipment_chain_id"))

    op.drop_table("sc_port_equipment")
    with op.batch_alter_table("sc_facilities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sc_facilities_organization_id"))
        batch_op.drop_index(batch_op.f("ix_sc_facilities_country"))
        batch_op.drop_index(batch_op.f("ix_sc_facilities_chain_id"))

    op.drop_table("sc_facilities")
    with op.batch_alter_table("sc_chains", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sc_chains_tenant_id"))

    op.drop_table("sc_chains")
    op.drop_table("sc_vendor_concerns")
    op.drop_table("sc_risk_areas")
