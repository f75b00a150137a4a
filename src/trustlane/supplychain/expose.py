"""Use case: exposure of a chain to listed entities and high-risk areas."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from trustlane.access.principal import Principal
from trustlane.supplychain import store
from trustlane.supplychain.exposure import ExposureRow, Reason, area_sources, propagate
from trustlane.supplychain.graph import ChainGraph
from trustlane.supplychain.listed import NameQuery, NameScreen, ScreeningOutcome, unavailable
from trustlane.supplychain.models import Chain
from trustlane.supplychain.riskconfig import AreaRule, effective_areas

CSV_COLUMNS = ["facility_id", "exposed", "exposure_share", "path", "reasons"]


@dataclass
class ExposureReport:
    chain: Chain
    graph: ChainGraph
    rows: list[ExposureRow]
    screening: ScreeningOutcome
    areas: list[AreaRule]
    areas_are_defaults: bool
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def exposed(self) -> list[ExposureRow]:
        return [r for r in self.rows if r.exposed]

    def notes(self) -> list[str]:
        notes = [self.screening.note]
        kind = "built-in default" if self.areas_are_defaults else "configured"
        notes.append(f"High-risk areas ({kind}): " + ", ".join(a.code for a in self.areas) + ".")
        if self.chain.import_problems:
            notes.append(
                f"The chain's last import rejected {len(self.chain.import_problems)} rows; "
                "the map may be incomplete."
            )
        return notes

    def csv_rows(self) -> list[dict[str, str]]:
        """One row per facility, in the contract's columns."""
        codes = self.graph.codes
        return [
            {
                "facility_id": codes[r.position],
                "exposed": "true" if r.exposed else "false",
                "exposure_share": f"{round(r.share, 6):g}",
                "path": " > ".join(codes[p] for p in r.path),
                "reasons": "; ".join(str(reason) for reason in r.reasons),
            }
            for r in self.rows
        ]


def compute_exposure(
    session: Session, actor: Principal, chain: Chain, screen: NameScreen | None = None
) -> ExposureReport:
    """Every facility's exposure, with the path from its source and the reasons.

    ``screen`` screens facility names against the loaded lists (see :mod:`.listed`);
    without one, the result says that no list screening was available."""
    actor.require("supplychain:read")
    actor.require_tenant(chain.tenant_id, f"Chain {chain.id}")
    started = time.perf_counter()
    graph = store.load_graph(session, chain.id)
    loaded = time.perf_counter()
    areas, defaults = effective_areas(session)
    sources = area_sources(
        graph,
        {
            a.code: Reason(
                "HIGH_RISK_AREA",
                f"located in {a.code}, a {a.category.replace('_', ' ')} area: {a.reason} "
                f"({a.source})",
            )
            for a in areas
        },
    )
    queries = [NameQuery(graph.names[k], graph.countries[k] or None) for k in range(graph.n)]
    screen = screen or unavailable("no screening was set up for this call")
    screening = screen(queries)
    screened = time.perf_counter()
    for k, hits in enumerate(screening.hits):
        for hit in hits:
            sources.setdefault(k, []).append(Reason("LISTED", hit.sentence(graph.names[k])))
    rows = propagate(graph, sources)
    done = time.perf_counter()
    return ExposureReport(
        chain,
        graph,
        rows,
        screening,
        areas,
        defaults,
        {"load": loaded - started, "screening": screened - loaded, "propagation": done - screened},
    )
