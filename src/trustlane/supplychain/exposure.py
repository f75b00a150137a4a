"""Exposure to listed entities and high-risk areas, propagated down the chain.

A *source* is a facility that is listed (a screening hit on its name) or located in a
high-risk area (a country or ISO 3166-2 subdivision: a forced-labour region, a sanctioned
country). Sources have exposure 1. For any other facility f and each material m it buys,

    exposure_m(f) = sum over f's suppliers i of m of  share(i -> f) * exposure(i)

and exposure(f) is the largest exposure_m(f) over its materials: the share of some input
that comes from exposed suppliers. Each exposed facility keeps the path from its source
(following, at each step, the supplier that contributes most) and the reasons: the source's
own reason and the share of the input through which the exposure arrives.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from trustlane.supplychain.graph import ChainGraph


@dataclass(frozen=True)
class Reason:
    """A code and a sentence, as every verdict of trustlane carries."""

    code: str
    text: str

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"


@dataclass
class ExposureRow:
    position: int
    exposed: bool
    share: float
    path: list[int]
    reasons: list[Reason] = field(default_factory=list)


def propagate(graph: ChainGraph, sources: dict[int, list[Reason]]) -> list[ExposureRow]:
    """Exposure of every facility (by position), with path and reasons.

    Computed a level of the chain at a time with array operations: per requirement, the
    share-weighted sum of its suppliers' exposure; per facility, the largest over its
    requirements, and the link through which most of it arrives (for the path).
    """
    n = graph.n
    exposure = np.zeros(n)
    is_source = np.zeros(n, dtype=bool)
    is_source[list(sources)] = True
    exposure[is_source] = 1.0
    via_link = np.full(n, -1, dtype=np.int64)
    supplier, buyer, requirement = graph.supplier, graph.buyer, graph.requirement
    per_requirement = np.zeros(graph.requirements)
    for members, links in graph.levels:
        part = graph.share[links] * exposure[supplier[links]]
        reqs = requirement[links]
        np.add.at(per_requirement, reqs, part)
        best = np.zeros(n)
        np.maximum.at(best, buyer[links], per_requirement[reqs])
        # The link bringing the most, within a requirement that reaches the facility's best.
        eligible = (part > 0) & (per_requirement[reqs] >= best[buyer[links]] * (1 - 1e-12))
        chosen = links[eligible]
        order = np.lexsort((-part[eligible], buyer[chosen]))
        chosen = chosen[order]
        first = np.ones(len(chosen), dtype=bool)
        first[1:] = buyer[chosen][1:] != buyer[chosen][:-1]
        via_link[buyer[chosen[first]]] = chosen[first]
        exposure[members] = np.where(is_source[members], 1.0, np.minimum(1.0, best[members]))
    via_link[is_source] = -1
    rows = []
    for k in range(n):
        if exposure[k] <= 0:
            rows.append(ExposureRow(k, False, 0.0, []))
            continue
        path = [k]
        while not is_source[path[-1]]:
            path.append(int(supplier[via_link[path[-1]]]))
        path.reverse()
        source = path[0]
        if k == source:
            reasons = list(sources[source])
        else:
            # The source's own reasons, named as the source's (not this facility's).
            reasons = [
                Reason(r.code, f"{graph.codes[source]} ({graph.names[source]}) is {r.text}")
                if r.text.startswith("located in")
                else Reason(r.code, f"{graph.codes[source]} ({graph.names[source]}): {r.text}")
                for r in sources[source]
            ]
            material = graph.materials[int(via_link[k])]
            reasons.append(
                Reason(
                    "SUPPLIED_BY_EXPOSED",
                    f"{exposure[k]:.0%} of its {material!r} comes from exposed "
                    f"suppliers; the largest part from {graph.codes[source]} "
                    f"({graph.names[source]}) along {' > '.join(graph.codes[p] for p in path)}",
                )
            )
        rows.append(ExposureRow(k, True, float(exposure[k]), path, reasons))
    return rows


def area_sources(graph: ChainGraph, areas: dict[str, Reason]) -> dict[int, list[Reason]]:
    """Facilities located in a high-risk country or subdivision."""
    found: dict[int, list[Reason]] = {}
    for k in range(graph.n):
        reasons = []
        region, country = graph.regions[k], graph.countries[k]
        if region and region in areas:
            reasons.append(areas[region])
        if country and country in areas:
            reasons.append(areas[country])
        if reasons:
            found[k] = reasons
    return found
