"""The chain page's picture: facilities laid out by stage, coloured by exposure (pure).

Stages are columns from the origins (facilities with no inputs, left) to the products
(right): a facility's stage is the longest run of links from an origin to it, so every link
points right. Within a stage, facilities sit near the average height of their suppliers and
then of their buyers (two passes of the barycentre heuristic, which keeps crossings few),
ties broken by country so that a country's facilities stay together. The template draws the
result as inline SVG, each facility a link to its page.

A large chain draws its ``max_nodes`` facilities that carry the largest share of some
product's supply (the trace share); the table under the picture lists them all.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from trustlane.supplychain.exposure import ExposureRow
from trustlane.supplychain.graph import ChainGraph
from trustlane.supplychain.tracing import shares_to

#: Most facilities one picture draws; beyond this a picture stops being readable.
MAX_NODES = 120
BOX_W, BOX_H = 168, 34
COLUMN_GAP, ROW_GAP = 40, 10
MARGIN_TOP, MARGIN = 34, 8
#: Characters of a box's line that fit in its width at the picture's font size.
LINE_CHARS = 29

#: Exposure buckets: (lowest share, CSS class, legend). A source is its own class.
BUCKETS = (
    (0.5, "exp-high", "exposed, half or more of an input"),
    (1e-9, "exp-low", "exposed, less than half of an input"),
    (0.0, "exp-none", "not exposed"),
)
SOURCE = ("exp-source", "listed, or in a high-risk area")


@dataclass
class PictureNode:
    position: int
    code: str
    name: str
    kind: str
    country: str
    stage: int
    exposure: float
    css: str
    product: bool
    x: float
    y: float

    @property
    def short_name(self) -> str:
        return textwrap.shorten(self.name, 27, placeholder="…")

    @property
    def detail(self) -> str:
        """The box's second line: id, place and kind, cut to fit the box."""
        text = f"{self.code} · {self.country} · {self.kind}"
        return text if len(text) <= LINE_CHARS else text[: LINE_CHARS - 1] + "…"


@dataclass
class PictureEdge:
    path: str  # SVG path data
    width: float
    title: str


@dataclass
class ChainPicture:
    nodes: list[PictureNode]
    edges: list[PictureEdge]
    stages: list[tuple[float, str]]  # (x of the column's centre, heading)
    width: float
    height: float
    total: int

    @property
    def drawn(self) -> int:
        return len(self.nodes)

    @property
    def legend(self) -> list[tuple[str, str]]:
        return [SOURCE, *((css, text) for _, css, text in BUCKETS)]


def stages(graph: ChainGraph) -> list[int]:
    """Each facility's stage: 0 for origins, else one more than its latest supplier's."""
    stage = [0] * graph.n
    for value, (members, _) in enumerate(graph.levels, start=1):
        for k in members.tolist():
            stage[int(k)] = value
    return stage


def exposure_class(row: ExposureRow | None) -> str:
    if row is None or not row.exposed:
        return "exp-none"
    if row.path[:1] == [row.position]:
        return SOURCE[0]
    return next(css for low, css, _ in BUCKETS if row.share >= low)


def _importance(graph: ChainGraph) -> np.ndarray:
    """Per facility, the largest share of any product's supply it carries."""
    targets = graph.products or [k for k in range(graph.n) if not graph.out_links[k]]
    if not targets:
        return np.ones(graph.n)
    return np.asarray(shares_to(graph, targets).max(axis=1), dtype=np.float64)


def _chosen(graph: ChainGraph, max_nodes: int) -> list[int]:
    if graph.n <= max_nodes:
        return list(range(graph.n))
    weight = _importance(graph)
    order = sorted(range(graph.n), key=lambda k: (-weight[k], graph.codes[k]))
    return sorted(order[:max_nodes])


def chain_picture(
    graph: ChainGraph, exposure: list[ExposureRow], *, max_nodes: int = MAX_NODES
) -> ChainPicture:
    """Where each drawn facility and link goes, and how it looks."""
    stage = stages(graph)
    shown = _chosen(graph, max_nodes)
    drawn = set(shown)
    by_position = {r.position: r for r in exposure}
    links = [
        e
        for e in range(len(graph.supplier))
        if int(graph.supplier[e]) in drawn and int(graph.buyer[e]) in drawn
    ]
    suppliers: dict[int, list[int]] = defaultdict(list)
    buyers: dict[int, list[int]] = defaultdict(list)
    for e in links:
        s, b = int(graph.supplier[e]), int(graph.buyer[e])
        suppliers[b].append(s)
        buyers[s].append(b)
    used = sorted({stage[k] for k in shown})
    column = {value: i for i, value in enumerate(used)}
    members: dict[int, list[int]] = defaultdict(list)
    for k in shown:
        members[column[stage[k]]].append(k)
    rank: dict[int, float] = {}
    for c in range(len(used)):  # first pass: by country, then near the suppliers
        members[c].sort(key=lambda k: (graph.countries[k], graph.codes[k]))
        _place(members[c], suppliers, rank)
    for c in reversed(range(len(used) - 1)):  # second pass: near the buyers
        _place(members[c], buyers, rank)
    tallest = max((len(m) for m in members.values()), default=1)
    height = MARGIN_TOP + tallest * (BOX_H + ROW_GAP) + MARGIN
    x_of = {c: MARGIN + c * (BOX_W + COLUMN_GAP) for c in range(len(used))}
    y_of: dict[int, float] = {}
    for ks in members.values():
        offset = (tallest - len(ks)) * (BOX_H + ROW_GAP) / 2
        for i, k in enumerate(ks):
            y_of[k] = MARGIN_TOP + offset + i * (BOX_H + ROW_GAP)
    nodes = [
        PictureNode(
            position=k,
            code=graph.codes[k],
            name=graph.names[k],
            kind=graph.kinds[k].replace("_", " "),
            country=graph.regions[k] or graph.countries[k] or "?",
            stage=column[stage[k]] + 1,
            exposure=by_position[k].share if k in by_position else 0.0,
            css=exposure_class(by_position.get(k)),
            product=bool(graph.demand[k] > 0),
            x=x_of[column[stage[k]]],
            y=y_of[k],
        )
        for k in shown
    ]
    edges = []
    for e in links:
        s, b = int(graph.supplier[e]), int(graph.buyer[e])
        x1, y1 = x_of[column[stage[s]]] + BOX_W, y_of[s] + BOX_H / 2
        x2, y2 = x_of[column[stage[b]]], y_of[b] + BOX_H / 2
        bend = (x2 - x1) / 2
        share = float(graph.share[e])
        edges.append(
            PictureEdge(
                path=f"M{x1:.1f},{y1:.1f} C{x1 + bend:.1f},{y1:.1f} "
                f"{x2 - bend:.1f},{y2:.1f} {x2:.1f},{y2:.1f}",
                width=round(0.6 + 2.4 * share, 2),
                title=f"{graph.codes[s]} → {graph.codes[b]}: {graph.materials[e]}, "
                f"{share:.0%} of the buyer's need",
            )
        )
    last = len(used) - 1
    headings = [
        (
            x_of[c] + BOX_W / 2,
            "origins" if c == 0 and last > 0 else "products" if c == last else f"stage {c + 1}",
        )
        for c in range(len(used))
    ]
    width = MARGIN * 2 + max(len(used), 1) * (BOX_W + COLUMN_GAP) - COLUMN_GAP
    return ChainPicture(nodes, edges, headings, width, height, graph.n)


def _place(ks: list[int], neighbours: dict[int, list[int]], rank: dict[int, float]) -> None:
    """Sort ``ks`` by the mean rank of their placed neighbours (stable), then rank them."""

    def centre(k: int) -> float:
        known = [rank[n] for n in neighbours.get(k, []) if n in rank]
        return sum(known) / len(known) if known else rank.get(k, 0.5)

    ks.sort(key=centre)
    for i, k in enumerate(ks):
        rank[k] = (i + 0.5) / len(ks)
