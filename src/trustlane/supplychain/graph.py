"""A chain in memory: facilities and links as arrays, the shape every analysis works on.

Built from two frames (from the store or from a checked CSV); positions, not database ids,
index everything, and :meth:`ChainGraph.arrays` hands the linear programs their numbers.
Links into the same (buyer, material) form one *requirement*: they are alternatives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx
import numpy as np
import pandas as pd

from trustlane.supplychain.lpmodel import ChainArrays, FloatArray, IntArray

FACILITY_FRAME = [
    "id",
    "code",
    "name",
    "kind",
    "country",
    "region",
    "capacity_per_day",
    "inventory",
    "ttr_days",
    "demand_per_day",
    "unit_profit",
    "material",
    "hs_code",
    "port_code",
    "organization_id",
]
LINK_FRAME = ["id", "supplier_id", "buyer_id", "material", "hs_code", "qty_per_unit", "share"]


@dataclass
class ChainGraph:
    """Facilities (by position) and links (supplier, buyer positions) of one chain."""

    facilities: pd.DataFrame  # FACILITY_FRAME columns, in position order
    links: pd.DataFrame  # LINK_FRAME columns plus "s" and "b" (positions)
    supplier: IntArray = field(init=False)
    buyer: IntArray = field(init=False)
    requirement: IntArray = field(init=False)
    share: FloatArray = field(init=False)

    def __post_init__(self) -> None:
        self.facilities = self.facilities.reset_index(drop=True)
        position = pd.Series(np.arange(len(self.facilities)), index=self.facilities["id"])
        links = self.links.reset_index(drop=True)
        links["s"] = position.reindex(links["supplier_id"]).to_numpy()
        links["b"] = position.reindex(links["buyer_id"]).to_numpy()
        self.links = links
        self.supplier = links["s"].to_numpy(dtype=np.int64)
        self.buyer = links["b"].to_numpy(dtype=np.int64)
        materials, _ = pd.factorize(links["material"])
        keys = links["b"].to_numpy(dtype=np.int64) * (int(materials.max(initial=0)) + 1) + materials
        codes, _ = pd.factorize(keys)
        self.requirement = np.asarray(codes, dtype=np.int64)
        shares = links["share"].to_numpy(dtype=np.float64)
        totals = np.bincount(self.requirement, weights=shares, minlength=self.requirements)
        self.share = shares / np.where(totals > 0, totals, 1.0)[self.requirement]

    @classmethod
    def from_frames(cls, facilities: pd.DataFrame, links: pd.DataFrame) -> ChainGraph:
        return cls(facilities[FACILITY_FRAME].copy(), links[LINK_FRAME].copy())

    # -- sizes and lookups ---------------------------------------------------------------

    @property
    def n(self) -> int:
        return len(self.facilities)

    @property
    def requirements(self) -> int:
        return int(self.requirement.max()) + 1 if len(self.requirement) else 0

    def _texts(self, frame: pd.DataFrame, column: str) -> list[str]:
        """A text column as plain Python strings (missing: ""), without iterating an Arrow
        array value by value."""
        column_values = frame[column]
        values = column_values.astype(object).where(column_values.notna(), None).tolist()
        return [v if type(v) is str else ("" if v is None else str(v)) for v in values]

    @cached_property
    def codes(self) -> list[str]:
        return self._texts(self.facilities, "code")

    @cached_property
    def position_of(self) -> dict[str, int]:
        return {code: i for i, code in enumerate(self.codes)}

    @cached_property
    def countries(self) -> list[str]:
        return self._texts(self.facilities, "country")

    @cached_property
    def regions(self) -> list[str]:
        return self._texts(self.facilities, "region")

    @cached_property
    def names(self) -> list[str]:
        return self._texts(self.facilities, "name")

    @cached_property
    def kinds(self) -> list[str]:
        return self._texts(self.facilities, "kind")

    @cached_property
    def materials(self) -> list[str]:
        return self._texts(self.links, "material")

    @cached_property
    def demand(self) -> FloatArray:
        return self.facilities["demand_per_day"].to_numpy(dtype=np.float64)

    @cached_property
    def in_links(self) -> list[list[int]]:
        return _grouped(self.buyer, self.n)

    @cached_property
    def out_links(self) -> list[list[int]]:
        return _grouped(self.supplier, self.n)

    @cached_property
    def buyers_first(self) -> list[int]:
        """Every facility before its suppliers (the links form a DAG; import makes sure)."""
        return buyers_first_order(self.n, self.supplier, self.buyer)

    @cached_property
    def levels(self) -> list[tuple[IntArray, IntArray]]:
        """Facilities with inputs grouped so that every supplier of a group is in an earlier
        group (or has no inputs), each with the links into it: the order in which values
        flow from origins to products, a group at a time (vectorised)."""
        depth = [0] * self.n
        supplier = self.supplier.tolist()
        for k in reversed(self.buyers_first):
            into = self.in_links[k]
            if into:
                depth[k] = max(depth[supplier[e]] for e in into) + 1
        level = np.asarray(depth, dtype=np.int64)
        found = []
        for value in range(1, int(level.max(initial=0)) + 1):
            members = np.flatnonzero(level == value)
            links = np.flatnonzero(level[self.buyer] == value)
            found.append((members, links))
        return found

    @cached_property
    def products(self) -> list[int]:
        """Facilities with final demand: the chain's products."""
        return [int(k) for k in np.flatnonzero(self.demand > 0)]

    def label(self, k: int) -> str:
        return f"{self.codes[k]} ({self.names[k]})"

    def digraph(self) -> nx.DiGraph[int]:
        graph: nx.DiGraph[int] = nx.DiGraph()
        graph.add_nodes_from(range(self.n))
        graph.add_edges_from(zip(self.supplier.tolist(), self.buyer.tolist(), strict=True))
        return graph

    # -- for the linear programs ---------------------------------------------------------

    def arrays(self) -> ChainArrays:
        f = self.facilities
        capacity = pd.to_numeric(f["capacity_per_day"], errors="coerce").to_numpy(np.float64)
        return ChainArrays(
            capacity=np.where(np.isnan(capacity), np.inf, capacity),
            inventory=f["inventory"].fillna(0).to_numpy(np.float64),
            demand=self.demand,
            unit_profit=f["unit_profit"].fillna(0).to_numpy(np.float64),
            ttr=f["ttr_days"].fillna(0).to_numpy(np.float64),
            link_supplier=self.supplier,
            link_buyer=self.buyer,
            link_qty=self.links["qty_per_unit"].to_numpy(np.float64),
            link_requirement=self.requirement,
            link_share=self.share,
        )

    def planned_volumes(self) -> tuple[FloatArray, FloatArray]:
        """Daily volume per facility and flow per link when final demand is met with the
        planned shares. Without any final demand, every requirement weighs one unit."""
        volume = self.demand.copy()
        flow = np.zeros(len(self.supplier))
        qty = self.links["qty_per_unit"].to_numpy(np.float64)
        if not volume.any():
            # No final demand (e.g. a chain built from shipments): each buyer's requirement
            # counts as one unit, split by the planned shares.
            flow = self.share.copy()
            spread = np.bincount(self.supplier, weights=flow, minlength=self.n)
            return spread.astype(np.float64), flow
        for k in self.buyers_first:
            if volume[k] <= 0:
                continue
            for link in self.in_links[k]:
                flow[link] = volume[k] * qty[link] * self.share[link]
                volume[self.supplier[link]] += flow[link]
        return volume, flow


def buyers_first_order(n: int, supplier: IntArray, buyer: IntArray) -> list[int]:
    """Facilities 0..n-1 ordered so that each comes before all its suppliers (Kahn's
    algorithm over the links ``supplier[e] -> buyer[e]``); ValueError on a cycle."""
    pending = np.bincount(supplier, minlength=n).tolist()  # buyers not yet placed
    suppliers: list[list[int]] = [[] for _ in range(n)]
    for s, b in zip(supplier.tolist(), buyer.tolist(), strict=True):
        suppliers[b].append(s)
    ready = [k for k in range(n) if pending[k] == 0]
    order: list[int] = []
    while ready:
        k = ready.pop()
        order.append(k)
        for s in suppliers[k]:
            pending[s] -= 1
            if pending[s] == 0:
                ready.append(s)
    if len(order) != n:
        raise ValueError("the chain's links contain a cycle")
    return order


def _grouped(keys: IntArray, n: int) -> list[list[int]]:
    """Positions of ``keys`` per key value 0..n-1, in order (a stable sort, then splits)."""
    order = np.argsort(keys, kind="stable")
    bounds = np.searchsorted(keys[order], np.arange(n + 1)).tolist()
    flat = order.tolist()
    return [flat[bounds[k] : bounds[k + 1]] for k in range(n)]
