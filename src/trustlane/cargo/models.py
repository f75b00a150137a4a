"""Cargo tables: shipments (declarations and filings, versioned), their lines, parties and
timestamps, carrier transport events, inspection outcomes, and ingest jobs.

One ``shipments`` row is one version of one filing. ``kind`` says which advance data it is:

- ``declaration``: a line-level import declaration (e.g. the public customs data set);
- ``isf``: an importer security filing (10 importer elements; parties + lines + timestamps);
- ``air``: air cargo advance data (shipper, consignee, description, pieces, weight, airports);
- ``entry``: an entry summary with its lines (HS-10, value, duty rate, origin, MID);
- ``export``: an export manifest.

Ingests run as jobs (:mod:`trustlane.jobs`); ``job_id`` ties each version to the job that
wrote it.

Ids of shipments are assigned in bulk by :func:`trustlane.db.reserve_ids` (name ``shipments``);
lines, parties and events are keyed by (shipment id, sequence).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trustlane.db import Base, JSONDoc, UTCDateTime, utcnow


class Shipment(Base):
    """One version of one filing (declaration, ISF, air cargo, entry or export manifest)."""

    __tablename__ = "shipments"
    # The unique key also finds a filing's current version (kind, external_id, then the
    # is_current flag on the few versions it holds): no index of its own for that.
    __table_args__ = (sa.UniqueConstraint("kind", "external_id", "version"),)

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(sa.String(16))
    external_id: Mapped[str] = mapped_column(sa.String(64))
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    is_current: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    # SHA-256 of the filing's normalized content: equal hashes mean an unchanged re-send.
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    profile: Mapped[str] = mapped_column(sa.String(48))
    job_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    # The importer's organization: the trade tenant that may see this shipment.
    importer_org_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    declared_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lading_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    arrival_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    office: Mapped[str | None] = mapped_column(sa.String(32), index=True)
    mode_of_transport: Mapped[str | None] = mapped_column(sa.String(16))
    country_origin: Mapped[str | None] = mapped_column(sa.String(2))
    country_departure: Mapped[str | None] = mapped_column(sa.String(2))
    country_destination: Mapped[str | None] = mapped_column(sa.String(2))
    port_lading: Mapped[str | None] = mapped_column(sa.String(16))
    port_unlading: Mapped[str | None] = mapped_column(sa.String(16))
    carrier_code: Mapped[str | None] = mapped_column(sa.String(16))
    conveyance: Mapped[str | None] = mapped_column(sa.String(100))  # vessel name/IMO or flight
    voyage: Mapped[str | None] = mapped_column(sa.String(32))
    bill_of_lading: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    containers: Mapped[list[str] | None] = mapped_column(JSONDoc)
    pieces: Mapped[int | None] = mapped_column(sa.Integer)
    gross_weight_kg: Mapped[float | None] = mapped_column(sa.Float)
    description: Mapped[str | None] = mapped_column(sa.Text)
    total_value: Mapped[float | None] = mapped_column(sa.Float)
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    # Source columns the model has no place for, kept verbatim.
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    lines: Mapped[list[ShipmentLine]] = relationship(
        lazy="selectin", order_by="ShipmentLine.line_no", viewonly=True
    )
    parties: Mapped[list[ShipmentParty]] = relationship(
        lazy="selectin", order_by="ShipmentParty.seq", viewonly=True
    )


class ShipmentLine(Base):
    """A commodity line: HS code, value, duty, origin, manufacturer."""

    __tablename__ = "shipment_lines"

    shipment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("shipments.id", ondelete="CASCADE"), primary_key=True
    )
    line_no: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    hs_code: Mapped[str | None] = mapped_column(sa.String(12))  # as declared, up to HS-10
    hs6: Mapped[str | None] = mapped_column(sa.String(6), index=True)
    description: Mapped[str | None] = mapped_column(sa.Text)
    quantity: Mapped[float | None] = mapped_column(sa.Float)
    quantity_unit: Mapped[str | None] = mapped_column(sa.String(8))
    net_mass_kg: Mapped[float | None] = mapped_column(sa.Float)
    value: Mapped[float | None] = mapped_column(sa.Float)
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    duty_rate: Mapped[float | None] = mapped_column(sa.Float)  # percent
    tax_type: Mapped[str | None] = mapped_column(sa.String(16))
    country_origin: Mapped[str | None] = mapped_column(sa.String(2))
    manufacturer_id: Mapped[str | None] = mapped_column(sa.String(32))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)


class ShipmentParty(Base):
    """A party named on a filing in a role (seller, buyer, importer, consignee, ...)."""

    __tablename__ = "shipment_parties"

    shipment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("shipments.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    role: Mapped[str] = mapped_column(sa.String(32))
    name: Mapped[str | None] = mapped_column(sa.String(300))
    address: Mapped[str | None] = mapped_column(sa.String(500))
    city: Mapped[str | None] = mapped_column(sa.String(120))
    country: Mapped[str | None] = mapped_column(sa.String(2))
    # Identifiers by scheme, e.g. {"importer_of_record": "12-3456789-00"}.
    identifiers: Mapped[dict[str, str]] = mapped_column(JSONDoc, default=dict)
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    # How the party was linked: identifier, name, proposed (new organization) or null.
    resolution: Mapped[str | None] = mapped_column(sa.String(16))
    resolution_score: Mapped[float | None] = mapped_column(sa.Float)
    # Why the party was linked (or proposed), in words, as party resolution gave it.
    resolution_reason: Mapped[str | None] = mapped_column(sa.String(300))


class TransportEvent(Base):
    """A carrier message about a container: a vessel stow plan entry or a container status
    message. Linked to filings by bill of lading and container number."""

    __tablename__ = "transport_events"

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(sa.String(24))  # stow_plan | container_status
    bill_of_lading: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    container_number: Mapped[str | None] = mapped_column(sa.String(16), index=True)
    conveyance: Mapped[str | None] = mapped_column(sa.String(100))
    voyage: Mapped[str | None] = mapped_column(sa.String(32))
    status_code: Mapped[str | None] = mapped_column(sa.String(8))
    location: Mapped[str | None] = mapped_column(sa.String(16))
    at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    details: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    job_id: Mapped[str | None] = mapped_column(sa.String(36))
    content_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)


class Inspection(Base):
    """The outcome of inspecting a shipment (or one of its lines): what was found."""

    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    shipment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("shipments.id", ondelete="CASCADE"), index=True
    )
    line_no: Mapped[int | None] = mapped_column(sa.Integer)
    inspected_on: Mapped[date | None] = mapped_column(sa.Date)
    fraud: Mapped[bool] = mapped_column(sa.Boolean)
    # 0 none, 1 fraud, 2 critical (a case that may threaten public safety).
    critical: Mapped[int] = mapped_column(sa.SmallInteger, default=0)
    revenue_recovered: Mapped[float | None] = mapped_column(sa.Float)
    notes: Mapped[str | None] = mapped_column(sa.Text)
    source: Mapped[str] = mapped_column(sa.String(64))  # "ingest:<profile>" or a user's e-mail
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
