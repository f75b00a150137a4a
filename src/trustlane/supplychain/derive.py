"""Use case: build a chain's links from ingested shipments (seller -> importer per HS code).

Every current filing whose seller and importer parties are resolved to registry
organizations gives, for each HS-6 code on its lines, a link from the seller's organization
to the importer's. Links sum over filings: number of filings, value, quantity, net mass,
first and last date, countries of origin. A supplier's planned share of an importer's HS
code is its share of the declared value (of the filings when values are missing). When a
filing also names a manufacturer and has a single HS code, the manufacturer is linked to the
seller for that code, which adds a tier.

Quantities per unit are 1 and capacities unlimited: shipments say who supplies whom, not
bills of materials. Tracing, exposure, concentration and ports are meaningful on such a
chain at once; resilience needs capacities and demand, imported on top.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from trustlane.access import audit
from trustlane.access.principal import Principal
from trustlane.cargo.models import Shipment, ShipmentLine, ShipmentParty
from trustlane.db import utcnow
from trustlane.errors import FieldProblem, InvalidInput
from trustlane.progress import NoProgress, Progress
from trustlane.registry.models import Organization
from trustlane.supplychain import store
from trustlane.supplychain.chain_csv import LinkRow, reject_cycles
from trustlane.supplychain.chains import chain_for_write
from trustlane.supplychain.models import Chain

DEFAULT_NAME = "shipments"


@dataclass
class DeriveReport:
    chain: Chain
    facilities: int
    links: int
    filings: int
    warnings: list[str] = field(default_factory=list)


def _flows(
    session: Session, tenant_id: int | None, since: date | None, hs_prefix: str | None
) -> pd.DataFrame:
    seller = aliased(ShipmentParty)
    importer = aliased(ShipmentParty)
    stmt = (
        sa.select(
            Shipment.id.label("shipment"),
            seller.organization_id.label("seller"),
            importer.organization_id.label("importer"),
            ShipmentLine.hs6,
            ShipmentLine.value,
            ShipmentLine.quantity,
            ShipmentLine.net_mass_kg,
            ShipmentLine.country_origin,
            Shipment.declared_on,
        )
        .join(seller, sa.and_(seller.shipment_id == Shipment.id, seller.role == "seller"))
        .join(importer, sa.and_(importer.shipment_id == Shipment.id, importer.role == "importer"))
        .join(ShipmentLine, ShipmentLine.shipment_id == Shipment.id)
        .where(
            Shipment.is_current.is_(True),
            seller.organization_id.is_not(None),
            importer.organization_id.is_not(None),
            seller.organization_id != importer.organization_id,
            ShipmentLine.hs6.is_not(None),
        )
    )
    if tenant_id is not None:
        stmt = stmt.where(Shipment.importer_org_id == tenant_id)
    if since is not None:
        stmt = stmt.where(Shipment.declared_on >= since)
    if hs_prefix:
        stmt = stmt.where(ShipmentLine.hs6.startswith(hs_prefix))
    rows = session.execute(stmt).all()
    return pd.DataFrame(
        rows,
        columns=["shipment", "seller", "importer", "hs6", "value", "quantity", "net_mass_kg",
                 "country_origin", "declared_on"],
    )  # fmt: skip


def _manufacturers(session: Session, shipments: list[int]) -> dict[int, int]:
    """Manufacturer organization of filings that name exactly one."""
    found: dict[int, set[int]] = defaultdict(set)
    for batch_start in range(0, len(shipments), 10_000):
        batch = shipments[batch_start : batch_start + 10_000]
        for shipment, org in session.execute(
            sa.select(ShipmentParty.shipment_id, ShipmentParty.organization_id).where(
                ShipmentParty.shipment_id.in_(batch),
                ShipmentParty.role == "manufacturer",
                ShipmentParty.organization_id.is_not(None),
            )
        ):
            if org is not None:
                found[shipment].add(int(org))
    return {s: next(iter(orgs)) for s, orgs in found.items() if len(orgs) == 1}


def derive_chain(
    session: Session,
    actor: Principal,
    *,
    chain_name: str = DEFAULT_NAME,
    tenant_id: int | None = None,
    since: date | None = None,
    hs_prefix: str | None = None,
    progress: Progress | None = None,
) -> DeriveReport:
    """Replace the chain's contents by the links the shipments show."""
    actor.require("supplychain:write")
    actor.require("shipments:read")
    progress = progress or NoProgress()
    scope = actor.tenant_id if actor.tenant_id is not None else tenant_id
    progress.update(0, 3, "reading shipments")
    flows = _flows(session, scope, since, hs_prefix)
    if flows.empty:
        raise InvalidInput(
            "No shipments to build links from",
            [FieldProblem("shipments", "no current filing has a resolved seller and importer")],
        )
    makers = _manufacturers(session, sorted(set(flows["shipment"].tolist())))
    codes_per_filing: dict[int, set[str]] = defaultdict(set)
    for shipment, hs6 in zip(flows["shipment"], flows["hs6"], strict=True):
        codes_per_filing[int(shipment)].add(str(hs6))
    single_hs = {s for s, codes in codes_per_filing.items() if len(codes) == 1}
    progress.update(1, 3, "building links")
    links, roles = _links(flows, makers, single_hs)
    kept, cycles = reject_cycles(
        [LinkRow(i + 2, s, b, m, 1.0, None) for i, (s, b, m) in enumerate(links)], "shipments"
    )
    keep = {(x.supplier, x.buyer, x.material) for x in kept}
    warnings = [f"left out: {p.reason}" for p in cycles]
    facilities = _facilities(session, roles)
    chain, _ = chain_for_write(
        session,
        actor,
        chain_name,
        tenant_id=scope,
        source="shipments",
        description="Links built from ingested shipments (seller -> importer per HS code)",
    )
    progress.update(2, 3, "writing")
    store.clear_chain(session, chain.id)
    records = [
        {**record, "supplier": s, "buyer": b, "material": m}
        for (s, b, m), record in links.items()
        if (s, b, m) in keep
    ]
    store.write_contents(session, chain.id, facilities, records)
    chain.facility_count, chain.link_count = len(facilities), len(records)
    chain.source = "shipments"
    chain.import_problems = []
    chain.import_warnings = warnings
    chain.updated_at = utcnow()
    filings = int(flows["shipment"].nunique())
    audit.record(
        session,
        actor,
        "derive",
        "supply_chain",
        chain.id,
        tenant_id=chain.tenant_id,
        after={"facilities": len(facilities), "links": len(records), "filings": filings},
        summary=f"links of chain {chain.name!r} built from {filings} filings",
    )
    progress.update(3, 3, "done")
    return DeriveReport(chain, len(facilities), len(records), filings, warnings)


def _code(org: int) -> str:
    return f"ORG{org}"


@dataclass
class _Flow:
    """What the filings say about one (seller, importer, HS-6)."""

    shipments: set[int] = field(default_factory=set)
    value: float = 0.0
    quantity: float = 0.0
    net_mass_kg: float = 0.0
    origins: set[str] = field(default_factory=set)
    dates: list[date] = field(default_factory=list)


def _number(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if number != number else number  # NaN


def _links(
    flows: pd.DataFrame, makers: dict[int, int], single_hs: set[int]
) -> tuple[dict[tuple[str, str, str], dict[str, Any]], dict[int, Counter[str]]]:
    per_link: dict[tuple[int, int, str], _Flow] = defaultdict(_Flow)
    for row in flows.to_dict("records"):
        flow = per_link[(int(row["seller"]), int(row["importer"]), str(row["hs6"]))]
        flow.shipments.add(int(row["shipment"]))
        flow.value += _number(row["value"])
        flow.quantity += _number(row["quantity"])
        flow.net_mass_kg += _number(row["net_mass_kg"])
        origin = row["country_origin"]
        if isinstance(origin, str) and origin:
            flow.origins.add(origin)
        if isinstance(row["declared_on"], date):
            flow.dates.append(row["declared_on"])
    value_of: dict[tuple[int, str], float] = defaultdict(float)
    filings_of: dict[tuple[int, str], int] = defaultdict(int)
    for (_, importer, hs6), flow in per_link.items():
        value_of[(importer, hs6)] += flow.value
        filings_of[(importer, hs6)] += len(flow.shipments)
    roles: dict[int, Counter[str]] = defaultdict(Counter)
    links: dict[tuple[str, str, str], dict[str, Any]] = {}
    for (seller, importer, hs6), flow in per_link.items():
        total = value_of[(importer, hs6)]
        share = (
            flow.value / total if total > 0 else len(flow.shipments) / filings_of[(importer, hs6)]
        )
        roles[seller]["seller"] += 1
        roles[importer]["importer"] += 1
        links[(_code(seller), _code(importer), f"HS {hs6}")] = {
            "hs_code": hs6,
            "qty_per_unit": 1.0,
            "share": max(share, 1e-9),
            "source": "shipments",
            "attributes": {
                "filings": len(flow.shipments),
                "value": round(flow.value, 2),
                "quantity": flow.quantity,
                "net_mass_kg": flow.net_mass_kg,
                "first": min(flow.dates).isoformat() if flow.dates else None,
                "last": max(flow.dates).isoformat() if flow.dates else None,
                "countries_of_origin": sorted(flow.origins),
            },
        }
    made_by: dict[tuple[int, str], Counter[int]] = defaultdict(Counter)
    for (seller, _, hs6), flow in per_link.items():
        for shipment in flow.shipments & single_hs:
            if shipment in makers and makers[shipment] != seller:
                made_by[(seller, hs6)][makers[shipment]] += 1
    for (seller, hs6), counts in made_by.items():
        made = sum(counts.values())
        for maker, count in counts.items():
            roles[maker]["manufacturer"] += 1
            links[(_code(maker), _code(seller), f"HS {hs6}")] = {
                "hs_code": hs6,
                "qty_per_unit": 1.0,
                "share": count / made,
                "source": "shipments",
                "attributes": {"filings": count, "from": "manufacturer named on the filings"},
            }
    return links, roles


def _facilities(session: Session, roles: dict[int, Counter[str]]) -> list[dict[str, Any]]:
    orgs = {
        o.id: o
        for o in session.scalars(sa.select(Organization).where(Organization.id.in_(sorted(roles))))
    }
    found = []
    for org_id, counts in sorted(roles.items()):
        org = orgs.get(org_id)
        kinds = set(counts)
        kind = "trader" if {"seller", "importer"} <= kinds else counts.most_common(1)[0][0]
        found.append(
            {
                "code": _code(org_id),
                "name": org.name if org else f"organization {org_id}",
                "kind": kind,
                "country": org.country if org else None,
                "capacity_per_day": None,
                "inventory": 0.0,
                "ttr_days": 0.0,
                "demand_per_day": 0.0,
                "unit_profit": 0.0,
                "organization_id": org_id,
                "attributes": {"derived_from": "shipments"},
            }
        )
    return found
