"""Supply-chain tables: chains, their facilities and links, the business records that prove
the links, port equipment, risk configuration, and stored resilience runs.

A chain belongs to a tenant (a trade member's organization) or to the agency
(``tenant_id`` NULL); ``owner_key`` is the tenant id or 0, so that chain names are unique per
owner on both databases (PostgreSQL treats NULLs as distinct in unique constraints).

Facilities and links are written in bulk (:func:`trustlane.db.bulk_insert`), with ids from
the database, inside the writer's own transaction.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from trustlane.db import Base, JSONDoc, UTCDateTime, utcnow

#: Ids of bulk-written rows: BIGINT on PostgreSQL, SQLite's rowid alias (INTEGER) there.
_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class Chain(Base):
    """A named supply-chain map of one owner."""

    __tablename__ = "sc_chains"
    __table_args__ = (sa.UniqueConstraint("owner_key", "name"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    tenant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    owner_key: Mapped[int] = mapped_column(sa.Integer, default=0)
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str | None] = mapped_column(sa.Text)
    # csv | shipments | generated: where the facilities and links came from.
    source: Mapped[str] = mapped_column(sa.String(16), default="csv")
    facility_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    link_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    # Rows rejected and warnings of the last import, as FieldProblem dicts.
    import_problems: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc, default=list)
    import_warnings: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    created_by: Mapped[str] = mapped_column(sa.String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Facility(Base):
    """A facility of a chain: a mine, plant, warehouse, port or route; one output each."""

    __tablename__ = "sc_facilities"
    __table_args__ = (sa.UniqueConstraint("chain_id", "code"),)

    id: Mapped[int] = mapped_column(_BIG_ID, primary_key=True)
    chain_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sc_chains.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(sa.String(64))  # the id column of facilities.csv
    name: Mapped[str] = mapped_column(sa.String(300))
    kind: Mapped[str] = mapped_column(sa.String(48))
    country: Mapped[str | None] = mapped_column(sa.String(2), index=True)
    region: Mapped[str | None] = mapped_column(sa.String(8))  # ISO 3166-2
    lat: Mapped[float | None] = mapped_column(sa.Float)
    lon: Mapped[float | None] = mapped_column(sa.Float)
    capacity_per_day: Mapped[float | None] = mapped_column(sa.Float)  # NULL = unlimited
    inventory: Mapped[float] = mapped_column(sa.Float, default=0.0)
    ttr_days: Mapped[float] = mapped_column(sa.Float, default=0.0)
    demand_per_day: Mapped[float] = mapped_column(sa.Float, default=0.0)
    unit_profit: Mapped[float] = mapped_column(sa.Float, default=0.0)
    # The output: what the facility makes (material name and HS code), when known.
    material: Mapped[str | None] = mapped_column(sa.String(200))
    hs_code: Mapped[str | None] = mapped_column(sa.String(12))
    port_code: Mapped[str | None] = mapped_column(sa.String(16))  # UN/LOCODE for ports
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    # Extra columns of facilities.csv, kept as they were.
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)


class Link(Base):
    """``supplier`` delivers ``material`` to ``buyer``: qty_per_unit of the supplier's output
    per unit of the buyer's output; links into the same (buyer, material) are alternatives."""

    __tablename__ = "sc_links"
    __table_args__ = (sa.UniqueConstraint("chain_id", "supplier_id", "buyer_id", "material"),)

    id: Mapped[int] = mapped_column(_BIG_ID, primary_key=True)
    chain_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sc_chains.id", ondelete="CASCADE"), index=True
    )
    supplier_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sc_facilities.id", ondelete="CASCADE"), index=True
    )
    buyer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sc_facilities.id", ondelete="CASCADE"), index=True
    )
    material: Mapped[str] = mapped_column(sa.String(200))
    hs_code: Mapped[str | None] = mapped_column(sa.String(12))
    qty_per_unit: Mapped[float] = mapped_column(sa.Float)
    share: Mapped[float] = mapped_column(sa.Float)
    source: Mapped[str] = mapped_column(sa.String(16), default="csv")  # csv | shipments
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)


class LinkDocument(Base):
    """A business record proving a link: purchase order, invoice, bill of lading, payment."""

    __tablename__ = "sc_documents"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    chain_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sc_chains.id", ondelete="CASCADE"), index=True
    )
    link_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sc_links.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(24))
    number: Mapped[str] = mapped_column(sa.String(64))
    issued_on: Mapped[date | None] = mapped_column(sa.Date)
    quantity: Mapped[float | None] = mapped_column(sa.Float)
    unit: Mapped[str | None] = mapped_column(sa.String(16))
    amount: Mapped[float | None] = mapped_column(sa.Float)
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    file_name: Mapped[str | None] = mapped_column(sa.String(200))
    media_type: Mapped[str | None] = mapped_column(sa.String(100))
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    sha256: Mapped[str | None] = mapped_column(sa.String(64))
    created_by: Mapped[str] = mapped_column(sa.String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RiskArea(Base):
    """A country (``CN``) or subdivision (``CN-XJ``) whose facilities taint what they supply."""

    __tablename__ = "sc_risk_areas"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(8), unique=True)
    category: Mapped[str] = mapped_column(sa.String(32))  # forced_labor | sanctions | conflict
    reason: Mapped[str] = mapped_column(sa.Text)
    source: Mapped[str | None] = mapped_column(sa.String(300))
    created_by: Mapped[str] = mapped_column(sa.String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VendorConcern(Base):
    """An equipment or system vendor the port assessment treats as untrusted, and why."""

    __tablename__ = "sc_vendor_concerns"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    vendor: Mapped[str] = mapped_column(sa.String(200))
    vendor_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    country: Mapped[str | None] = mapped_column(sa.String(2))
    reason: Mapped[str] = mapped_column(sa.Text)
    source: Mapped[str | None] = mapped_column(sa.String(300))
    created_by: Mapped[str] = mapped_column(sa.String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PortEquipment(Base):
    """Critical equipment or a system at a port facility (cranes, terminal operating system,
    logistics data platform, sensors, scanners)."""

    __tablename__ = "sc_port_equipment"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    chain_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sc_chains.id", ondelete="CASCADE"), index=True
    )
    port_code: Mapped[str] = mapped_column(sa.String(16), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    vendor: Mapped[str] = mapped_column(sa.String(200))
    vendor_country: Mapped[str | None] = mapped_column(sa.String(2))
    model: Mapped[str | None] = mapped_column(sa.String(200))
    quantity: Mapped[int] = mapped_column(sa.Integer, default=1)
    remote_access: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(sa.Text)
    created_by: Mapped[str] = mapped_column(sa.String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ResilienceRun(Base):
    """One run of the disruption scenarios of a chain."""

    __tablename__ = "sc_resilience_runs"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    chain_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sc_chains.id", ondelete="CASCADE"), index=True
    )
    horizon_days: Mapped[float] = mapped_column(sa.Float)
    baseline_tts: Mapped[float] = mapped_column(sa.Float)
    survives_horizon: Mapped[bool] = mapped_column(sa.Boolean)
    # Facility codes whose capacity or inventory binds when the chain falls short.
    bottlenecks: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    methods: Mapped[dict[str, int]] = mapped_column(JSONDoc, default=dict)
    scenario_kinds: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    seconds: Mapped[float] = mapped_column(sa.Float)
    workers: Mapped[int] = mapped_column(sa.Integer, default=1)
    created_by: Mapped[str] = mapped_column(sa.String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ScenarioOutcome(Base):
    """The result of one scenario of a run."""

    __tablename__ = "sc_scenario_results"

    run_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sc_resilience_runs.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # facility | port | country | region
    key: Mapped[str] = mapped_column(sa.String(64))
    label: Mapped[str | None] = mapped_column(sa.String(300))
    tts_days: Mapped[float] = mapped_column(sa.Float)
    ttr_days: Mapped[float] = mapped_column(sa.Float)
    at_risk: Mapped[bool] = mapped_column(sa.Boolean)
    lost_units: Mapped[float] = mapped_column(sa.Float)
    lost_profit: Mapped[float] = mapped_column(sa.Float)
    risk_exposure_index: Mapped[float] = mapped_column(sa.Float)
    tts_method: Mapped[str] = mapped_column(sa.String(24))
    lost_method: Mapped[str] = mapped_column(sa.String(24))
