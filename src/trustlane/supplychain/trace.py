"""Use cases: trace a facility to its origins, and assemble the evidence dossier."""

from __future__ import annotations

import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from trustlane.access.principal import Principal
from trustlane.errors import NotFound
from trustlane.registry.models import Organization
from trustlane.supplychain import store
from trustlane.supplychain.dossier import Dossier, RecordRow, assemble
from trustlane.supplychain.expose import compute_exposure
from trustlane.supplychain.graph import ChainGraph
from trustlane.supplychain.listed import NameScreen
from trustlane.supplychain.models import Chain
from trustlane.supplychain.tracing import Trace, trace

CSV_COLUMNS = ["facility_id", "tier", "share", "country", "path"]


@dataclass
class TraceReport:
    chain: Chain
    graph: ChainGraph
    trace: Trace
    seconds: dict[str, float]

    @property
    def target_code(self) -> str:
        return self.graph.codes[self.trace.target]

    def csv_rows(self) -> list[dict[str, str]]:
        """One row per upstream facility, in the contract's columns."""
        codes = self.graph.codes
        return [
            {
                "facility_id": row.code,
                "tier": str(row.tier),
                "share": f"{round(row.share, 6):g}",
                "country": row.country,
                "path": " > ".join(codes[p] for p in row.path),
            }
            for row in self.trace.rows
        ]


def trace_facility(
    session: Session, actor: Principal, chain: Chain, facility_code: str
) -> TraceReport:
    """Every upstream facility of ``facility_code``: tier, share, quantity, origin, path."""
    actor.require("supplychain:read")
    actor.require_tenant(chain.tenant_id, f"Chain {chain.id}")
    started = time.perf_counter()
    graph = store.load_graph(session, chain.id)
    loaded = time.perf_counter()
    position = graph.position_of.get(facility_code)
    if position is None:
        raise NotFound(f"Facility {facility_code!r} is not in chain {chain.name!r}")
    result = trace(graph, position)
    done = time.perf_counter()
    return TraceReport(chain, graph, result, {"load": loaded - started, "trace": done - loaded})


def build_dossier(
    session: Session,
    actor: Principal,
    chain: Chain,
    facility_code: str,
    *,
    lot_quantity: float | None = None,
    screen: NameScreen | None = None,
) -> Dossier:
    """The evidence for an admissibility review of what ``facility_code`` makes: parties and
    roles per stage, origins, records per link, stage-by-stage reconciliation and gaps."""
    report = trace_facility(session, actor, chain, facility_code)
    graph = report.graph
    link_ids = [int(graph.links["id"].iloc[link]) for link in report.trace.links]
    documents = store.documents_of_links(session, link_ids)
    position_of_link = {int(graph.links["id"].iloc[link]): link for link in report.trace.links}
    records = [
        RecordRow(
            document_id=d.id,
            link=position_of_link[d.link_id],
            kind=d.kind,
            number=d.number,
            issued_on=d.issued_on,
            quantity=d.quantity,
            unit=d.unit,
            amount=d.amount,
            currency=d.currency,
            file_name=d.file_name,
            sha256=d.sha256,
        )
        for d in documents
    ]
    exposure = compute_exposure(session, actor, chain, screen)
    organizations = _organization_names(session, graph)
    return assemble(
        graph,
        report.trace,
        records,
        exposure.rows,
        notes=exposure.notes(),
        chain_name=chain.name,
        prepared_by=actor.label,
        organizations=organizations,
        lot_quantity=lot_quantity,
    )


def _organization_names(session: Session, graph: ChainGraph) -> dict[int, str]:
    """Registry names of the organizations behind facilities, by facility position."""
    by_facility = {
        k: int(o)
        for k, o in enumerate(graph.facilities["organization_id"])
        if o is not None and o == o  # NaN when missing
    }
    if not by_facility:
        return {}
    names = dict(
        session.execute(
            sa.select(Organization.id, Organization.name).where(
                Organization.id.in_(sorted(set(by_facility.values())))
            )
        ).all()
    )
    return {k: names[o] for k, o in by_facility.items() if o in names}
