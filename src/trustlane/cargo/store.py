"""The cargo package's SQL: current versions, supersession, bulk writes and shipment queries.

Bulk writes go through :func:`trustlane.db.bulk_insert_frame` (COPY on PostgreSQL, executemany
on SQLite, values converted column by column) with ids from :func:`trustlane.db.reserve_ids`:
no ORM object and no per-value Python per row. Lookups take all of a chunk's keys as one
parameter (:func:`trustlane.db.among`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from trustlane.cargo.models import Inspection, Shipment, ShipmentLine, ShipmentParty, TransportEvent
from trustlane.db import among, bulk_insert_frame, in_batches
from trustlane.paging import Page, PageRequest, paginate
from trustlane.registry.models import Organization

SHIPMENTS: sa.Table = Shipment.__table__  # type: ignore[assignment]
LINES: sa.Table = ShipmentLine.__table__  # type: ignore[assignment]
PARTIES: sa.Table = ShipmentParty.__table__  # type: ignore[assignment]
INSPECTIONS: sa.Table = Inspection.__table__  # type: ignore[assignment]
EVENTS: sa.Table = TransportEvent.__table__  # type: ignore[assignment]


def current_versions(
    conn: Connection, kind: str, external_ids: Sequence[str] | pd.Series[Any]
) -> pd.DataFrame:
    """The current version of each filing of ``kind`` among ``external_ids`` that exists
    (one query, the keys as one parameter), indexed by external id."""
    columns = ["external_id", "id", "version", "content_hash", "importer_org_id"]
    stmt = sa.select(*(SHIPMENTS.c[c] for c in columns)).where(
        SHIPMENTS.c.kind == kind,
        SHIPMENTS.c.is_current.is_(True),
        among(SHIPMENTS.c.external_id, list(external_ids), conn.dialect.name),
    )
    found = conn.execute(stmt).all()
    data = dict(zip(columns, zip(*found, strict=True), strict=True)) if found else {}
    frame = pd.DataFrame({c: list(data.get(c, ())) for c in columns})
    return frame.set_index("external_id")


def existing_event_hashes(conn: Connection, hashes: Sequence[str]) -> set[str]:
    stmt = sa.select(EVENTS.c.content_hash).where(
        among(EVENTS.c.content_hash, hashes, conn.dialect.name)
    )
    return set(conn.execute(stmt).scalars())


def supersede(conn: Connection, ids: Sequence[int], at: datetime) -> None:
    """Mark versions as no longer current (their successors are being written)."""
    if ids:
        conn.execute(
            sa.update(SHIPMENTS)
            .where(among(SHIPMENTS.c.id, ids, conn.dialect.name))
            .values(is_current=False, superseded_at=at)
        )


def insert_frame(conn: Connection, table: sa.Table, frame: pd.DataFrame) -> int:
    """Write every row of ``frame`` (columns named as the table's; others ignored) in one
    bulk statement: :func:`trustlane.db.bulk_insert_frame`."""
    return bulk_insert_frame(conn, table, frame)


# Reads ------------------------------------------------------------------------------------


@dataclass
class ShipmentFilter:
    """What a shipment listing is narrowed to (every field optional)."""

    kind: str | None = None
    external_id: str | None = None
    importer_org_id: int | None = None
    office: str | None = None
    declared_from: date | None = None
    declared_to: date | None = None
    hs6: str | None = None
    origin: str | None = None
    bill_of_lading: str | None = None
    current_only: bool = True
    tenant_id: int | None = None  # set for trade members: only their own shipments


SORTABLE = {
    "id": Shipment.id,
    "declared_on": Shipment.declared_on,
    "filed_at": Shipment.filed_at,
    "lading_at": Shipment.lading_at,
    "external_id": Shipment.external_id,
    "kind": Shipment.kind,
    "total_value": Shipment.total_value,
    "created_at": Shipment.created_at,
}


def list_shipments(session: Session, where: ShipmentFilter, page: PageRequest) -> Page[Shipment]:
    stmt = sa.select(Shipment)
    if where.tenant_id is not None:
        stmt = stmt.where(Shipment.importer_org_id == where.tenant_id)
    if where.current_only:
        stmt = stmt.where(Shipment.is_current.is_(True))
    if where.kind:
        stmt = stmt.where(Shipment.kind == where.kind)
    if where.external_id:
        stmt = stmt.where(Shipment.external_id == where.external_id)
    if where.importer_org_id is not None:
        stmt = stmt.where(Shipment.importer_org_id == where.importer_org_id)
    if where.office:
        stmt = stmt.where(Shipment.office == where.office)
    if where.declared_from:
        stmt = stmt.where(Shipment.declared_on >= where.declared_from)
    if where.declared_to:
        stmt = stmt.where(Shipment.declared_on <= where.declared_to)
    if where.origin:
        stmt = stmt.where(Shipment.country_origin == where.origin)
    if where.bill_of_lading:
        stmt = stmt.where(Shipment.bill_of_lading == where.bill_of_lading)
    if where.hs6:
        stmt = stmt.where(
            sa.exists().where(
                ShipmentLine.shipment_id == Shipment.id, ShipmentLine.hs6 == where.hs6
            )
        )
    return paginate(session, stmt, page, SORTABLE, [Shipment.id.desc()])


def organization_names(session: Session, ids: set[int]) -> dict[int, tuple[str, str]]:
    """Name and status of each organization in ``ids``."""
    if not ids:
        return {}
    rows = session.execute(
        sa.select(Organization.id, Organization.name, Organization.status).where(
            Organization.id.in_(ids)
        )
    ).all()
    return {r.id: (r.name, r.status) for r in rows}


def inspections_of(session: Session, shipment_ids: Sequence[int]) -> list[Inspection]:
    return list(
        session.scalars(
            sa.select(Inspection)
            .where(Inspection.shipment_id.in_(shipment_ids))
            .order_by(Inspection.created_at, Inspection.id)
        )
    )


def versions_of(session: Session, kind: str, external_id: str) -> list[Shipment]:
    return list(
        session.scalars(
            sa.select(Shipment)
            .where(Shipment.kind == kind, Shipment.external_id == external_id)
            .order_by(Shipment.version.desc())
        )
    )


def current_by_keys(
    session: Session, kind: str, external_ids: Sequence[str]
) -> dict[str, Shipment]:
    """Current version of each of ``external_ids`` of ``kind`` that exists."""
    out: dict[str, Shipment] = {}
    for batch in in_batches(list(external_ids)):
        for shipment in session.scalars(
            sa.select(Shipment).where(
                Shipment.kind == kind,
                Shipment.is_current.is_(True),
                Shipment.external_id.in_(batch),
            )
        ):
            out[shipment.external_id] = shipment
    return out
