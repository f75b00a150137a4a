"""Use case: import a chain from ``facilities.csv`` and ``links.csv`` (the CSV contract).

Both files are checked together (:mod:`.chain_csv`); the valid rows replace the chain's
facilities and links in one transaction, so a reader never sees half a chain. Rejected rows
are returned (and kept on the chain, so that every later analysis can say the map is
incomplete); the caller decides how loudly to fail.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from trustlane.access import audit
from trustlane.access.principal import Principal
from trustlane.db import utcnow
from trustlane.errors import FieldProblem, InvalidInput
from trustlane.progress import NoProgress, Progress
from trustlane.registry.models import Organization
from trustlane.supplychain import store
from trustlane.supplychain.chain_csv import FacilityRow, LinkRow, ParsedChain, parse_chain
from trustlane.supplychain.chains import DEFAULT_CHAIN, chain_for_write
from trustlane.supplychain.models import Chain


@dataclass
class ImportReport:
    chain: Chain
    facilities: int
    links: int
    rejected: list[FieldProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def import_chain(
    session: Session,
    actor: Principal,
    facilities_text: str,
    links_text: str,
    *,
    chain_name: str | None = None,
    tenant_id: int | None = None,
    facilities_name: str = "facilities.csv",
    links_name: str = "links.csv",
    progress: Progress | None = None,
) -> ImportReport:
    """Replace a chain's facilities and links by those of the two files (valid rows)."""
    actor.require("supplychain:write")
    progress = progress or NoProgress()
    progress.update(0, 3, "checking the files")
    parsed = parse_chain(
        facilities_text,
        links_text,
        facilities_name=facilities_name,
        links_name=links_name,
    )
    if not parsed.facilities:
        raise InvalidInput(f"{facilities_name}: no valid facility rows", parsed.problems)
    _check_organizations(session, actor, parsed)
    chain, _ = chain_for_write(
        session, actor, chain_name or DEFAULT_CHAIN, tenant_id=tenant_id, source="csv"
    )
    progress.update(1, 3, "writing facilities and links")
    before = {"facilities": chain.facility_count, "links": chain.link_count}
    store.clear_chain(session, chain.id)
    store.write_contents(
        session,
        chain.id,
        [facility_record(f) for f in parsed.facilities],
        [link_record(link) for link in parsed.links],
    )
    chain.facility_count = len(parsed.facilities)
    chain.link_count = len(parsed.links)
    chain.source = "csv"
    chain.import_problems = [p.as_dict() for p in parsed.problems]
    chain.import_warnings = list(parsed.warnings)
    chain.updated_at = utcnow()
    audit.record(
        session,
        actor,
        "import",
        "supply_chain",
        chain.id,
        tenant_id=chain.tenant_id,
        before=before,
        after={
            "facilities": chain.facility_count,
            "links": chain.link_count,
            "rejected_rows": len(parsed.problems),
        },
        summary=f"imported {facilities_name} and {links_name} into chain {chain.name!r}",
    )
    progress.update(3, 3, "imported")
    return ImportReport(
        chain, len(parsed.facilities), len(parsed.links), parsed.problems, parsed.warnings
    )


def facility_record(f: FacilityRow) -> dict[str, object]:
    return {
        "code": f.code,
        "name": f.name,
        "kind": f.kind,
        "country": f.country,
        "region": f.region,
        "lat": f.lat,
        "lon": f.lon,
        "capacity_per_day": f.capacity_per_day,
        "inventory": f.inventory,
        "ttr_days": f.ttr_days,
        "demand_per_day": f.demand_per_day,
        "unit_profit": f.unit_profit,
        "material": f.material,
        "hs_code": f.hs_code,
        "port_code": f.port_code,
        "organization_id": f.organization_id,
        "attributes": f.attributes,
    }


def link_record(link: LinkRow) -> dict[str, object]:
    return {
        "supplier": link.supplier,
        "buyer": link.buyer,
        "material": link.material,
        "hs_code": link.hs_code,
        "qty_per_unit": link.qty_per_unit,
        "share": link.share,
        "source": "csv",
        "attributes": link.attributes,
    }


def _check_organizations(session: Session, actor: Principal, parsed: ParsedChain) -> None:
    """``organization_id`` must name a known organization; otherwise it is dropped, with a
    warning (the facility itself is fine)."""
    wanted = {f.organization_id for f in parsed.facilities if f.organization_id is not None}
    if not wanted:
        return
    known = set(
        session.scalars(sa.select(Organization.id).where(Organization.id.in_(sorted(wanted))))
    )
    for f in parsed.facilities:
        if f.organization_id is not None and f.organization_id not in known:
            parsed.warnings.append(
                f"facility {f.code}: organization {f.organization_id} is not in the registry; "
                "left unlinked"
            )
            f.organization_id = None
