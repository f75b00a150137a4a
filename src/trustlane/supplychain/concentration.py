"""Concentration and single points of failure (pure).

- **HHI per material**, by supplier and by country: the Herfindahl-Hirschman index of the
  planned flows of that material (shares in percent, squared and summed: 0 to 10,000; above
  2,500 is "highly concentrated" in the US merger guidelines' terms). Planned flows follow
  final demand down the bill of materials with the planned shares.
- **Single-sourced inputs**: (buyer, material) requirements with one supplier.
- **Facilities whose loss cuts a product off**: losing a facility fails every buyer one of
  whose inputs then has no supplier left, and so on downstream (a bill of materials needs
  all its inputs, any one of their suppliers will do). This generalises dominators to
  chains with alternative suppliers. The articulation points of the undirected chain are
  listed too.
- **Dependence on one country**: with every facility of a country gone and nothing
  rerouted, the share of a product's planned supply that is lost (each facility keeps the
  smallest over its inputs of the planned share still available). The product's own
  facility is kept: the question is what its inputs depend on.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import networkx as nx
import numpy as np

from trustlane.supplychain.graph import ChainGraph

HIGHLY_CONCENTRATED = 2500.0


@dataclass
class MaterialConcentration:
    material: str
    hs_code: str
    suppliers: int
    countries: int
    hhi_supplier: float
    hhi_country: float
    top_supplier: int
    top_supplier_share: float
    top_country: str
    top_country_share: float


@dataclass
class SingleSource:
    buyer: int
    material: str
    supplier: int


@dataclass
class CriticalFacility:
    position: int
    products: list[int]  # products it cuts off


@dataclass
class CountryDependence:
    product: int
    country: str
    share_lost: float


@dataclass
class Concentration:
    materials: list[MaterialConcentration]
    single_sourced: list[SingleSource]
    critical: list[CriticalFacility]
    articulation_points: list[int]
    dependence: list[CountryDependence]


def analyse(graph: ChainGraph, *, top_countries: int = 5) -> Concentration:
    _, flow = graph.planned_volumes()
    products = graph.products or [
        k for k in range(graph.n) if not graph.out_links[k] and graph.in_links[k]
    ]
    return Concentration(
        materials=_materials(graph, flow),
        single_sourced=_single_sourced(graph),
        critical=_critical(graph, products),
        articulation_points=sorted(nx.articulation_points(graph.digraph().to_undirected())),
        dependence=_dependence(graph, products, top_countries),
    )


def hhi(shares: np.ndarray) -> float:
    total = shares.sum()
    if total <= 0:
        return 0.0
    return float(((shares / total * 100.0) ** 2).sum())


def _materials(graph: ChainGraph, flow: np.ndarray) -> list[MaterialConcentration]:
    by_material: dict[str, list[int]] = defaultdict(list)
    for link, material in enumerate(graph.materials):
        by_material[material].append(link)
    hs = graph.links["hs_code"].tolist()
    found = []
    for material, links in by_material.items():
        per_supplier: dict[int, float] = defaultdict(float)
        per_country: dict[str, float] = defaultdict(float)
        for link in links:
            s = int(graph.supplier[link])
            per_supplier[s] += flow[link]
            per_country[graph.countries[s] or "??"] += flow[link]
        total = sum(per_supplier.values())
        if total <= 0:
            continue
        top_s = max(per_supplier, key=lambda k: per_supplier[k])
        top_c = max(per_country, key=lambda k: per_country[k])
        codes = [h for h in (hs[link] for link in links) if isinstance(h, str) and h]
        found.append(
            MaterialConcentration(
                material=material,
                hs_code=codes[0] if codes else "",
                suppliers=len(per_supplier),
                countries=len(per_country),
                hhi_supplier=hhi(np.array(list(per_supplier.values()))),
                hhi_country=hhi(np.array(list(per_country.values()))),
                top_supplier=top_s,
                top_supplier_share=per_supplier[top_s] / total,
                top_country=top_c,
                top_country_share=per_country[top_c] / total,
            )
        )
    found.sort(key=lambda m: -m.hhi_country)
    return found


def _single_sourced(graph: ChainGraph) -> list[SingleSource]:
    members: dict[int, list[int]] = defaultdict(list)
    for link, r in enumerate(graph.requirement.tolist()):
        members[r].append(link)
    found = [
        SingleSource(
            int(graph.buyer[links[0]]), graph.materials[links[0]], int(graph.supplier[links[0]])
        )
        for links in members.values()
        if len(links) == 1
    ]
    found.sort(key=lambda s: (graph.codes[s.buyer], s.material))
    return found


def _critical(graph: ChainGraph, products: list[int]) -> list[CriticalFacility]:
    size = np.bincount(graph.requirement, minlength=graph.requirements)
    is_product = np.zeros(graph.n, dtype=bool)
    is_product[products] = True
    found = []
    for u in range(graph.n):
        failed = {u}
        lost: dict[int, int] = defaultdict(int)
        stack = [u]
        while stack:
            f = stack.pop()
            for link in graph.out_links[f]:
                r = int(graph.requirement[link])
                lost[r] += 1
                b = int(graph.buyer[link])
                if lost[r] == size[r] and b not in failed:
                    failed.add(b)
                    stack.append(b)
        cut = sorted(k for k in failed if is_product[k] and k != u)
        if cut:
            found.append(CriticalFacility(u, cut))
    found.sort(key=lambda c: (-len(c.products), graph.codes[c.position]))
    return found


def _dependence(graph: ChainGraph, products: list[int], top: int) -> list[CountryDependence]:
    if not products:
        return []
    by_level = graph.levels
    countries = sorted({c for c in graph.countries if c})
    country_of = np.array(graph.countries, dtype=object)
    found = []
    for country in countries:
        inside = country_of == country
        inside[products] = False
        avail = np.where(inside, 0.0, 1.0)
        for members, links in by_level:
            part = graph.share[links] * avail[graph.supplier[links]]
            per_req = np.bincount(
                graph.requirement[links], weights=part, minlength=graph.requirements
            )
            facility = np.full(graph.n, np.inf)
            np.minimum.at(facility, graph.buyer[links], per_req[graph.requirement[links]])
            avail[members] = np.where(inside[members], 0.0, np.minimum(1.0, facility[members]))
        for p in products:
            lost = 1.0 - float(avail[p])
            if lost > 1e-9:
                found.append(CountryDependence(p, country, lost))
    by_product: dict[int, list[CountryDependence]] = defaultdict(list)
    for d in found:
        by_product[d.product].append(d)
    out = []
    for p in products:
        out.extend(sorted(by_product[p], key=lambda d: -d.share_lost)[:top])
    return out
