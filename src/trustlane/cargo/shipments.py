"""Use cases: read shipments (listing, one with its lines, parties and outcomes, versions).

A trade member sees only shipments whose trade tenant (``importer_org_id``) is its own
organization; asking for another one's answers 404, as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from trustlane.access.principal import Principal
from trustlane.cargo import store
from trustlane.cargo.models import Inspection, Shipment
from trustlane.cargo.store import ShipmentFilter
from trustlane.errors import NotFound
from trustlane.paging import Page, PageRequest


@dataclass
class ShipmentDetail:
    """One shipment version with what hangs off it and the names of linked organizations."""

    shipment: Shipment
    inspections: list[Inspection]
    organizations: dict[int, tuple[str, str]]  # id → (name, status)
    version_count: int


def list_shipments(
    session: Session, actor: Principal, where: ShipmentFilter, page: PageRequest
) -> Page[Shipment]:
    """Shipments matching ``where``, newest first by default; a trade member's own only."""
    actor.require("shipments:read")
    where.tenant_id = actor.tenant_id
    return store.list_shipments(session, where, page)


def get_shipment(session: Session, actor: Principal, shipment_id: int) -> ShipmentDetail:
    """One shipment version with its lines, parties (and their organizations) and outcomes."""
    actor.require("shipments:read")
    shipment = session.get(Shipment, shipment_id)
    if shipment is None:
        raise NotFound(f"Shipment {shipment_id} not found")
    actor.require_tenant(shipment.importer_org_id, f"Shipment {shipment_id}")
    org_ids = {p.organization_id for p in shipment.parties if p.organization_id is not None}
    if shipment.importer_org_id is not None:
        org_ids.add(shipment.importer_org_id)
    versions = store.versions_of(session, shipment.kind, shipment.external_id)
    return ShipmentDetail(
        shipment=shipment,
        inspections=store.inspections_of(session, [shipment.id]),
        organizations=store.organization_names(session, org_ids),
        version_count=len(versions),
    )


def shipment_versions(session: Session, actor: Principal, shipment_id: int) -> list[Shipment]:
    """Every version of the filing that ``shipment_id`` is a version of, newest first.

    A trade member sees the versions whose tenant is its organization only.
    """
    detail = get_shipment(session, actor, shipment_id)
    versions = store.versions_of(session, detail.shipment.kind, detail.shipment.external_id)
    if actor.tenant_id is not None:
        versions = [v for v in versions if v.importer_org_id == actor.tenant_id]
    return versions
