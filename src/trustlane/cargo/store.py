"""The cargo package's SQL: current versions, supersession, bulk writes and shipment queries.

Bulk writes go through :func:`trustlane.db.bulk_insert` (COPY on PostgreSQL, executemany on
SQLite) with ids from :func:`trustlane.db.reserve_ids`: no ORM object per row.
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
from trustlane.db import bulk_insert, in_batches
from trustlane.paging import Page, PageRequest, paginate
from trustlane.registry.models import Organization

SHIPMENTS: sa.Table = Shipment.__table__  # type: ignore[assignment]
LINES: sa.Table = ShipmentLine.__table__  # type: ignore[assignment]
PARTIES: sa.Table = ShipmentParty.__table__  # type: ignore[assignment]
INSPECTIONS: sa.Table = Inspection.__table__  # type: ignore[assignment]
EVENTS: sa.Table = TransportEvent.__table__  # type: ignore[assignment]


def current_versions(conn: Connection, kind: str, external_ids: Sequence[str]) -> pd.DataFrame:
    """The current version of each filing of ``kind`` among ``external_ids`` that exists."""
    found: list[tuple[Any, ...]] = []
    # Driver-level SQL: SQLAlchemy's expansion of a 10,000-value IN list costs ~30 µs a value,
    # ten times the lookup itself, and this query runs for every row of every ingest.
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    for batch in in_batches(list(external_ids)):
        marks = ", ".join([mark] * len(batch))
        sql = (
            "SELECT external_id, id, version, content_hash, importer_org_id FROM shipments "  # noqa: S608
            f"WHERE kind = {mark} AND is_current = {mark} AND external_id IN ({marks})"
        )
        found.extend(conn.exec_driver_sql(sql, (kind, True, *batch)).all())
    frame = pd.DataFrame(
        found, columns=["external_id", "id", "version", "content_hash", "importer_org_id"]
    )
    return frame.set_index("external_id")


def existing_event_hashes(conn: Connection, hashes: Sequence[str]) -> set[str]:
    out: set[str] = set()
    for batch in in_batches(list(hashes)):
        out.update(
            conn.execute(
                sa.select(EVENTS.c.content_hash).where(EVENTS.c.content_hash.in_(batch))
            ).scalars()
        )
    return out


def supersede(conn: Connection, ids: Sequence[int], at: datetime) -> None:
    """Mark versions as no longer current (their successors are being written)."""
    for batch in in_batches(list(ids)):
        conn.execute(
            sa.update(SHIPMENTS)
            .where(SHIPMENTS.c.id.in_(batch))
            .values(is_current=False, superseded_at=at)
        )


def python_values(series: pd.Series[Any]) -> list[Any]:
    """A column as plain Python values for the driver: None for missing, int not numpy.int64,
    aware datetimes, dates for dates."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype) and series.dt.tz is None:
        out = series.dt.date.astype(object)
    else:
        out = series.astype(object)
    return out.where(series.notna(), None).tolist()  # type: ignore[no-any-return]


def insert_frame(conn: Connection, table: sa.Table, frame: pd.DataFrame) -> int:
    """Write every row of ``frame`` (columns named as the table's) in one bulk statement."""
    if frame.empty:
        return 0
    columns = [c for c in frame.columns if c in table.c]
    values = [python_values(frame[c]) for c in columns]
    return bulk_insert(conn, table, columns, zip(*values, strict=True))


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
