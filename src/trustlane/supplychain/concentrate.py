"""Use case: concentration and single points of failure of a chain."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy.orm import Session

from trustlane.access.principal import Principal
from trustlane.supplychain import store
from trustlane.supplychain.concentration import Concentration, analyse
from trustlane.supplychain.graph import ChainGraph
from trustlane.supplychain.models import Chain


@dataclass
class ConcentrationReport:
    chain: Chain
    graph: ChainGraph
    result: Concentration
    seconds: float


def compute_concentration(session: Session, actor: Principal, chain: Chain) -> ConcentrationReport:
    actor.require("supplychain:read")
    actor.require_tenant(chain.tenant_id, f"Chain {chain.id}")
    started = time.perf_counter()
    graph = store.load_graph(session, chain.id)
    result = analyse(graph)
    return ConcentrationReport(chain, graph, result, time.perf_counter() - started)
