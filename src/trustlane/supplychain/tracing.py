"""Tracing a facility's output back through every tier to its raw-material origins.

For a target facility T and an upstream facility u:

- ``tier``: the fewest links from u to T (T's direct suppliers are tier 1);
- ``share``: the sum over every path u -> ... -> T of the product of the planned shares of
  its links: the part of T's need for u's output (at the first link's material) that u
  covers. A supplier of 60% of the fabric of a garment, whose yarn supplier is sole source,
  gives that yarn supplier a share of 0.6;
- ``quantity``: units of u's output in one unit of T's output (shares times quantities per
  unit along every path, summed);
- ``path``: the path along which u contributes the most, as ``u > ... > T``.

Origins are the upstream facilities with no suppliers of their own (mines, farms, or the
edge of what is known); their quantities add up per material and country or region, which
answers "where does this really come from".
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from trustlane.supplychain.graph import ChainGraph


@dataclass
class TraceRow:
    position: int
    code: str
    name: str
    tier: int
    share: float
    quantity: float
    country: str
    region: str
    material: str
    path: list[int]


@dataclass
class OriginTotal:
    material: str
    country: str
    region: str
    quantity: float  # per unit of the target's output
    share: float  # of all origins of that material


@dataclass
class Trace:
    target: int
    rows: list[TraceRow]  # upstream facilities, by tier then share
    origins: list[OriginTotal]
    links: list[int]  # links inside the traced part of the chain


def trace(graph: ChainGraph, target: int) -> Trace:
    """Everything upstream of ``target``."""
    tier = _tiers(graph, target)
    share = np.zeros(graph.n)
    quantity = np.zeros(graph.n)
    share[target] = quantity[target] = 1.0
    best_buyer = np.full(graph.n, -1)
    best_value = np.zeros(graph.n)
    best_link = np.full(graph.n, -1)
    qty = graph.links["qty_per_unit"].to_numpy(np.float64)
    links: list[int] = []
    for b in graph.buyers_first:
        if b not in tier:
            continue
        for link in graph.in_links[b]:
            links.append(link)
            u = int(graph.supplier[link])
            contribution = share[b] * graph.share[link]
            share[u] += contribution
            quantity[u] += quantity[b] * qty[link] * graph.share[link]
            if contribution > best_value[u] or best_buyer[u] < 0:
                best_value[u] = contribution
                best_buyer[u] = b
                best_link[u] = link
    rows = []
    for u, t in tier.items():
        if u == target:
            continue
        path = [u]
        while path[-1] != target:
            path.append(int(best_buyer[path[-1]]))
        rows.append(
            TraceRow(
                position=u,
                code=graph.codes[u],
                name=graph.names[u],
                tier=t,
                share=float(share[u]),
                quantity=float(quantity[u]),
                country=graph.countries[u],
                region=graph.regions[u],
                material=graph.materials[int(best_link[u])],
                path=path,
            )
        )
    rows.sort(key=lambda r: (r.tier, -r.share, r.code))
    return Trace(target, rows, _origins(graph, rows), links)


def _tiers(graph: ChainGraph, target: int) -> dict[int, int]:
    tier = {target: 0}
    queue = deque([target])
    while queue:
        b = queue.popleft()
        for link in graph.in_links[b]:
            u = int(graph.supplier[link])
            if u not in tier:
                tier[u] = tier[b] + 1
                queue.append(u)
    return tier


def _origins(graph: ChainGraph, rows: list[TraceRow]) -> list[OriginTotal]:
    totals: dict[tuple[str, str, str], float] = defaultdict(float)
    per_material: dict[str, float] = defaultdict(float)
    for row in rows:
        if graph.in_links[row.position]:
            continue
        totals[(row.material, row.country, row.region)] += row.quantity
        per_material[row.material] += row.quantity
    found = [
        OriginTotal(m, c, r, q, q / per_material[m] if per_material[m] > 0 else 0.0)
        for (m, c, r), q in totals.items()
    ]
    found.sort(key=lambda o: (o.material, -o.quantity))
    return found


def shares_to(graph: ChainGraph, targets: list[int]) -> np.ndarray:
    """``X[u, j]``: the trace share of facility u for target ``targets[j]`` (1 on the target),
    for many targets at once: the sum of the powers of the share matrix."""
    matrix = sparse.csr_matrix(
        (graph.share, (graph.supplier, graph.buyer)), shape=(graph.n, graph.n)
    )
    reached = np.zeros((graph.n, len(targets)))
    reached[targets, np.arange(len(targets))] = 1.0
    total = reached.copy()
    for _ in range(graph.n):
        reached = matrix @ reached
        if not reached.any():
            break
        total += reached
    return total


def by_country(origins: list[OriginTotal]) -> list[tuple[str, str, float]]:
    """Per material and country, the share of the material's origins (regions summed)."""
    shares: dict[tuple[str, str], float] = defaultdict(float)
    for origin in origins:
        shares[(origin.material, origin.country)] += origin.share
    return sorted(((m, c, s) for (m, c), s in shares.items()), key=lambda x: (x[0], -x[2]))
