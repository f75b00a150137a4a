"""What other packages (programs, targeting, pages) ask of the supply-chain package.

Plain data in, plain data out; every figure keeps its reasons. These functions only read.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from trustlane.access.principal import Principal
from trustlane.supplychain.expose import compute_exposure
from trustlane.supplychain.listed import NameScreen, unavailable
from trustlane.supplychain.models import Chain, Facility, PortEquipment
from trustlane.supplychain.ports import flag_equipment
from trustlane.supplychain.riskconfig import effective_areas


@dataclass(frozen=True)
class PortFlag:
    """A flagged piece of equipment or system at a port (for a port security assessment)."""

    chain: str
    port_code: str
    kind: str
    vendor: str
    severity: str  # critical | flagged
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class OrganizationExposure:
    """An organization's facility in a chain, and how exposed its output is."""

    chain: str
    facility_id: str
    exposure_share: float
    path: tuple[str, ...]
    reasons: tuple[str, ...]


def port_flags(
    session: Session, actor: Principal, port_code: str, screen: NameScreen | None = None
) -> list[PortFlag]:
    """Flagged equipment at a port, over every chain the caller may see."""
    actor.require("supplychain:read")
    stmt = sa.select(PortEquipment, Chain).join(Chain, Chain.id == PortEquipment.chain_id)
    stmt = stmt.where(PortEquipment.port_code == port_code.upper())
    if actor.tenant_id is not None:
        stmt = stmt.where(Chain.tenant_id == actor.tenant_id)
    rows = session.execute(stmt).all()
    flags, _ = flag_equipment(
        session, [item for item, _ in rows], screen or unavailable("not set up")
    )
    chain_of = {item.id: chain.name for item, chain in rows}
    return [
        PortFlag(
            chain_of[f.equipment.id],
            f.equipment.port_code,
            f.equipment.kind,
            f.equipment.vendor,
            f.severity,
            tuple(str(r) for r in f.reasons),
        )
        for found in flags.values()
        for f in found
        if f.reasons
    ]


def organization_exposure(
    session: Session, actor: Principal, organization_id: int, screen: NameScreen | None = None
) -> list[OrganizationExposure]:
    """Exposure of the facilities linked to an organization, in every chain the caller may
    see (an exposure of 0 is listed too: the organization is mapped and clean)."""
    actor.require("supplychain:read")
    stmt = (
        sa.select(Facility.code, Chain)
        .join(Chain, Chain.id == Facility.chain_id)
        .where(Facility.organization_id == organization_id)
    )
    if actor.tenant_id is not None:
        stmt = stmt.where(Chain.tenant_id == actor.tenant_id)
    found = []
    by_chain: dict[int, tuple[Chain, list[str]]] = {}
    for code, chain in session.execute(stmt).all():
        by_chain.setdefault(chain.id, (chain, []))[1].append(code)
    for chain, codes in by_chain.values():
        report = compute_exposure(session, actor, chain, screen)
        graph = report.graph
        for code in codes:
            row = report.rows[graph.position_of[code]]
            found.append(
                OrganizationExposure(
                    chain.name,
                    code,
                    row.share,
                    tuple(graph.codes[p] for p in row.path),
                    tuple(str(r) for r in row.reasons),
                )
            )
    return found


def high_risk_areas(session: Session) -> list[str]:
    """Codes of the high-risk areas in force (configured, or the built-in defaults)."""
    return [a.code for a in effective_areas(session)[0]]
