"""Supply-chain exposure as a signal per organization (for validation planning).

``org_signals(session, org_ids, on)`` is the provider the programs package looks for: for
each organization that runs a facility in some chain, the largest exposure of its
facilities (0 to 1) and a sentence saying where it comes from. High-risk areas only: the
planner calls without the database and settings that list screening needs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from trustlane.access.principal import Principal
from trustlane.db import in_batches
from trustlane.supplychain.expose import compute_exposure
from trustlane.supplychain.models import Chain, Facility


@dataclass(frozen=True)
class OrgSignal:
    severity: float
    text: str


def org_signals(session: Session, org_ids: Sequence[int], on: date) -> Mapping[int, OrgSignal]:
    """The most exposed facility of each organization, over every chain (``on`` is not
    used: chains describe the present)."""
    wanted: dict[int, list[tuple[int, str]]] = {}
    for batch in in_batches(list(org_ids)):
        for org_id, chain_id, code in session.execute(
            sa.select(Facility.organization_id, Facility.chain_id, Facility.code).where(
                Facility.organization_id.in_(batch)
            )
        ):
            if org_id is not None:
                wanted.setdefault(int(chain_id), []).append((int(org_id), str(code)))
    actor = Principal.system("programs")
    best: dict[int, OrgSignal] = {}
    for chain_id, members in wanted.items():
        chain = session.get(Chain, chain_id)
        if chain is None:
            continue
        report = compute_exposure(session, actor, chain)
        graph = report.graph
        for org_id, code in members:
            row = report.rows[graph.position_of[code]]
            if row.share <= 0 or (org_id in best and best[org_id].severity >= row.share):
                continue
            reason = row.reasons[-1].text if row.reasons else ""
            best[org_id] = OrgSignal(
                round(row.share, 3),
                f"Facility {code} in supply chain {chain.name!r}: {row.share:.0%} exposed to "
                f"high-risk areas ({reason}).",
            )
    return best
