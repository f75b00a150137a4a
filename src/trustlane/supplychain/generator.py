"""A generator of realistic multi-tier supply chains, in the CSV contract's shape.

What makes the chains realistic, and worth testing the analyses on:

- four product families with their real bills of materials (:mod:`.sectors`): raw-material
  mines and farms, refiners, component plants, assemblers and distribution centres, five to
  seven tiers deep; producers of a material are shared between buyers and product families;
- alternative suppliers: each input of each facility comes from one to three suppliers with
  planned shares (about a quarter single-sourced), and producers concentrate where they do in
  reality (polysilicon and graphite in China, cobalt in the DR Congo, a share of cotton and
  polysilicon in Xinjiang);
- seaports: international flows into a country with a modelled seaport pass through a port
  facility (one per port and material, because the model's facilities make one output each;
  they share the port's UN/LOCODE in ``port_code``);
- capacities with slack over the planned volumes (mostly 15-60%, some tight), inventories as
  days of cover per kind of facility, and times to recover per kind (mines and refiners
  months, ports days to weeks).

The same seed gives the same chain. ``facilities`` and ``links`` have the CSV contract's
columns plus attributes (name, region, coordinates, HS code, material, sector, tier, port code).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from trustlane.supplychain.geography import SEAPORTS, SITES
from trustlane.supplychain.graph import ChainGraph
from trustlane.supplychain.sectors import FAMILIES, Material, ProductFamily

#: Share of single-sourced inputs, two suppliers, three suppliers.
SUPPLIERS_PER_INPUT = (1, 2, 3)
SUPPLIERS_WEIGHTS = (0.25, 0.45, 0.30)
#: Probability that an international flow into a country with a modelled seaport uses it.
PORT_ROUTING = 0.75
#: Share of facilities that are final (demand) facilities.
FINAL_SHARE = 0.01

_STEMS = (
    "Aurora", "Meridian", "Crescent", "Summit", "Harbor", "Evergreen", "Pioneer", "Northstar",
    "Sunrise", "Bluewater", "Redwood", "Granite", "Silverline", "Keystone", "Lighthouse",
    "Riverside", "Orchid", "Falcon", "Cedar", "Atlas", "Vanguard", "Horizon", "Lotus", "Jade",
    "Tianrun", "Huaxin", "Jinyuan", "Hongda", "Xinyuan", "Ruitai", "Mingyang", "Dongsheng",
    "Anand", "Shakti", "Surya", "Medina", "Andes", "Kilimanjaro", "Baltic", "Alpine", "Nordic",
    "Saigon", "Mekong", "Bengal", "Indus", "Anatolia", "Sierra", "Pacifica", "Coral", "Borneo",
)  # fmt: skip
_LEGAL = {
    "CN": "Co., Ltd.", "TW": "Co., Ltd.", "KR": "Co., Ltd.", "JP": "K.K.", "US": "Inc.",
    "DE": "GmbH", "MY": "Sdn. Bhd.", "IN": "Pvt. Ltd.", "BD": "Ltd.", "PK": "(Pvt.) Ltd.",
    "VN": "JSC", "UZ": "JSC", "TR": "A.S.", "BR": "S.A.", "CL": "S.A.", "AR": "S.A.",
    "MX": "S.A. de C.V.", "CD": "SARL", "GN": "SARL", "AU": "Pty Ltd", "ID": "PT", "PH": "Inc.",
    "MZ": "Lda", "NL": "B.V.", "CA": "Inc.", "NO": "AS", "IT": "S.p.A.", "PL": "Sp. z o.o.",
    "IE": "Ltd",
}  # fmt: skip
_KIND_LABEL = {
    "mine": "Mining", "quarry": "Quarry", "cotton_gin": "Ginning", "smelter": "Smelting",
    "refinery": "Refining", "chemical_plant": "Chemical", "chemical_complex": "Petrochemical",
    "polysilicon_plant": "Polysilicon", "wafer_plant": "Wafer", "cell_plant": "Cell",
    "glass_plant": "Glass", "extrusion_plant": "Aluminium Products", "electronics_plant":
    "Electronics", "film_plant": "Film", "assembly_plant": "Solar", "distribution_centre":
    "Distribution", "garment_factory": "Garments", "weaving_mill": "Textiles", "spinning_mill":
    "Spinning", "thread_mill": "Threads", "trims_factory": "Accessories", "pack_assembly_plant":
    "Battery Systems", "cathode_plant": "Cathode Materials", "anode_plant": "Anode Materials",
    "semiconductor_fab": "Semiconductor", "formulation_plant": "Pharma", "api_plant":
    "Pharmaceutical Chemicals", "foil_plant": "Packaging",
}  # fmt: skip
_PORT_TTR = (3, 21)


#: (supplier, port facility) -> the flows it carries: (buyer, planned share, quantity per unit).
PortFlows = dict[tuple[int, int], list[tuple[int, float, float]]]


@dataclass
class GeneratedChain:
    """Two frames in the CSV contract's shape (plus attribute columns)."""

    facilities: pd.DataFrame
    links: pd.DataFrame

    def write(self, facilities_csv: str, links_csv: str) -> None:
        self.facilities.to_csv(facilities_csv, index=False)
        self.links.to_csv(links_csv, index=False)

    def graph(self) -> ChainGraph:
        """The chain in memory, as if imported (positions in file order)."""
        facilities = self.facilities.rename(columns={"id": "code"})
        facilities["id"] = np.arange(1, len(facilities) + 1)
        facilities["organization_id"] = None
        ids = dict(zip(facilities["code"], facilities["id"], strict=True))
        links = self.links.assign(
            id=np.arange(1, len(self.links) + 1),
            supplier_id=self.links["supplier_id"].map(ids),
            buyer_id=self.links["buyer_id"].map(ids),
        )
        return ChainGraph.from_frames(facilities, links)


@dataclass
class _Facility:
    material: Material
    country: str
    family: str
    is_final: bool = False
    port_code: str | None = None
    port_name: str | None = None


def generate_chain(
    facilities: int,
    seed: int = 0,
    *,
    families: tuple[ProductFamily, ...] = FAMILIES,
    capacity_shortfall: bool = False,
) -> GeneratedChain:
    """A chain of exactly ``facilities`` facilities (at least 30).

    Small chains keep fewer product families (every material needs two producers), in the
    order given. ``capacity_shortfall`` gives one final facility per product family only 80%
    of the capacity its demand needs, so that the undisrupted chain cannot meet its own
    demand once that facility's inventory runs out.
    """
    if facilities < 30:
        raise ValueError("generate at least 30 facilities")
    for count in range(len(families), 0, -1):
        kept = families[:count]
        if count > 1 and 1.6 * len(_materials_of(kept)) + 2 * count > facilities:
            continue
        target = facilities
        for _attempt in range(8):
            draft, flows = _build(np.random.default_rng(seed), target, kept)
            total = len(draft.nodes)
            if total <= facilities:
                _top_up(np.random.default_rng(seed + 1), draft, facilities)
                if len(draft.nodes) == facilities:
                    return _finish(
                        np.random.default_rng(seed + 2),
                        draft.nodes,
                        draft.links,
                        flows,
                        capacity_shortfall,
                    )
                break
            target -= total - facilities + max(1, facilities // 200)
    raise ValueError(f"cannot generate a chain of exactly {facilities} facilities")


def _materials_of(families: tuple[ProductFamily, ...]) -> dict[str, Material]:
    out: dict[str, Material] = {}
    for fam in families:
        for m in fam.materials:
            out.setdefault(m.key, m)
    return out


def _pick_country(rng: np.random.Generator, material: Material) -> str:
    codes = [c for c, _ in material.countries]
    weights = np.array([w for _, w in material.countries])
    return str(codes[rng.choice(len(codes), p=weights / weights.sum())])


class _Draft:
    """Facilities and links while they are being drawn; links indexed by (buyer, material)."""

    def __init__(self) -> None:
        self.nodes: list[_Facility] = []
        self.links: list[list[object]] = []  # [supplier, buyer, material key, qty, share]
        self.groups: dict[tuple[int, str], list[int]] = defaultdict(list)

    def link(self, supplier: int, buyer: int, key: str, qty: float, share: float) -> None:
        self.groups[(buyer, key)].append(len(self.links))
        self.links.append([supplier, buyer, key, qty, share])

    def add_alternative(
        self, supplier: int, buyer: int, key: str, qty: float, share: float
    ) -> None:
        """A new supplier of ``share`` for (buyer, key); the others keep the rest."""
        for e in self.groups[(buyer, key)]:
            self.links[e][4] = float(self.links[e][4]) * (1 - share)  # type: ignore[arg-type]
        self.link(supplier, buyer, key, qty, share)


def _build(
    rng: np.random.Generator, target: int, families: tuple[ProductFamily, ...]
) -> tuple[_Draft, PortFlows]:
    materials = _materials_of(families)
    finals_per_family = max(1, round(target * FINAL_SHARE / len(families)))
    port_estimate = 0.02 * target
    pool_total = max(len(materials), target - finals_per_family * len(families) - port_estimate)
    weight_sum = sum(m.pool_weight for m in materials.values())
    draft = _Draft()
    nodes = draft.nodes
    pools: dict[str, np.ndarray] = {}
    # Two producers at least, unless the chain is too small for that (then some inputs are
    # made by one producer only, as happens).
    smallest = 2 if pool_total >= 2.5 * len(materials) else 1
    for key, m in materials.items():
        size = max(smallest, round(pool_total * m.pool_weight / weight_sum))
        pools[key] = np.arange(len(nodes), len(nodes) + size)
        nodes.extend(_Facility(m, _pick_country(rng, m), "") for _ in range(size))
    for fam in families:
        for _ in range(finals_per_family):
            nodes.append(_Facility(fam.final, _pick_country(rng, fam.final), fam.key, True))
    loads = {key: np.zeros(len(pool)) for key, pool in pools.items()}
    for buyer, node in enumerate(nodes):
        for input_key, qty in node.material.inputs:
            pool, load = pools[input_key], loads[input_key]
            count = min(int(rng.choice(SUPPLIERS_PER_INPUT, p=SUPPLIERS_WEIGHTS)), len(pool))
            # Prefer producers with few buyers so far, so that every producer sells.
            prefer = np.exp(-load) + 0.05
            chosen = rng.choice(len(pool), size=count, replace=False, p=prefer / prefer.sum())
            shares = np.sort(rng.dirichlet(np.full(count, 2.0)))[::-1]
            for pos, share in zip(chosen, shares, strict=True):
                load[pos] += 1
                draft.link(int(pool[pos]), buyer, input_key, qty, float(share))
    # Producers nobody buys from become a small alternative of a random buyer.
    demanders_of: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for b, node in enumerate(nodes):
        for k, q in node.material.inputs:
            demanders_of[k].append((b, q))
    for key, pool in pools.items():
        demanders = demanders_of[key]
        for pos in np.flatnonzero(loads[key] == 0):
            if demanders:
                buyer, qty = demanders[int(rng.integers(len(demanders)))]
                draft.add_alternative(int(pool[pos]), buyer, key, qty, 0.1)
    direct_inputs = {k for fam in families for k, _ in fam.final.inputs}
    flows = _route_through_ports(rng, draft, direct_inputs)
    return draft, flows


def _route_through_ports(
    rng: np.random.Generator, draft: _Draft, direct_inputs: set[str]
) -> PortFlows:
    """Insert port facilities on international flows into the final markets.

    Flows into final facilities and into the makers of their direct inputs, from another
    country, pass through a seaport of the buyer's country when one is modelled. One port
    facility per (port, material): its suppliers are every producer whose flow it carries,
    its buyers every importer it serves, with shares from the planned shares.
    """
    nodes = draft.nodes
    port_nodes: dict[tuple[str, str], int] = {}
    kept: list[list[object]] = []
    # (supplier, port) -> the original flows it carries: (buyer, planned share, quantity)
    inbound: PortFlows = defaultdict(list)
    outbound: dict[tuple[int, int, str], list[float]] = {}  # (port, buyer, key) -> [qty, share]
    for link in draft.links:
        supplier, buyer = int(link[0]), int(link[1])  # type: ignore[call-overload]
        key, qty, share = str(link[2]), float(link[3]), float(link[4])  # type: ignore[arg-type]
        b_node = nodes[buyer]
        ports = SEAPORTS.get(b_node.country)
        into_market = b_node.is_final or b_node.material.key in direct_inputs
        if (
            not into_market
            or nodes[supplier].country == b_node.country
            or not ports
            or rng.random() > PORT_ROUTING
        ):
            kept.append(link)
            continue
        # Small chains use each country's main port only, so that ports stay a small share.
        port = ports[int(rng.integers(len(ports)))] if len(nodes) > 1500 else ports[0]
        node_key = (port.locode, key)
        if node_key not in port_nodes:
            port_nodes[node_key] = len(nodes)
            material = _port_material(nodes[supplier].material, port.name)
            nodes.append(
                _Facility(material, b_node.country, b_node.family, False, port.locode, port.name)
            )
        pn = port_nodes[node_key]
        inbound[(supplier, pn)].append((buyer, share, qty))
        out = outbound.setdefault((pn, buyer, key), [qty, 0.0])
        out[1] += share
    draft.links = []
    draft.groups = defaultdict(list)
    for link in kept:
        draft.link(int(link[0]), int(link[1]), str(link[2]), float(link[3]), float(link[4]))  # type: ignore[call-overload, arg-type]
    for (pn, buyer, key), (qty, share) in outbound.items():
        draft.link(pn, buyer, key, qty, share)
    # Port input shares follow the planned flows; _finish sets them once volumes are known.
    for supplier, pn in inbound:
        draft.link(supplier, pn, nodes[pn].material.inputs[0][0], 1.0, 1.0)
    return inbound


def _port_material(material: Material, port_name: str) -> Material:
    return Material(
        key=f"port:{material.key}",
        name=f"{material.name} via {port_name}",
        hs6=material.hs6,
        kind="port",
        countries=(),
        inputs=((material.key, 1.0),),
        ttr_days=_PORT_TTR,
        inventory_days=(0.0, 2.0),
        unit=material.unit,
    )


def _top_up(rng: np.random.Generator, draft: _Draft, target: int) -> None:
    """Add raw-material producers as extra alternatives until the chain has ``target`` nodes."""
    nodes = draft.nodes
    raw_keys = {n.material.key for n in nodes if not n.material.inputs and n.material.countries}
    groups = [(b, k, q) for b, n in enumerate(nodes) for k, q in n.material.inputs if k in raw_keys]
    by_key = {n.material.key: n.material for n in nodes}
    while len(nodes) < target and groups:
        buyer, key, qty = groups[int(rng.integers(len(groups)))]
        material = by_key[key]
        country = nodes[buyer].country if rng.random() < 0.5 else _pick_country(rng, material)
        nodes.append(_Facility(material, country, nodes[buyer].family))
        draft.add_alternative(len(nodes) - 1, buyer, key, qty, 0.15)


def _finish(
    rng: np.random.Generator,
    nodes: list[_Facility],
    links: list[list[object]],
    port_flows: PortFlows,
    capacity_shortfall: bool,
) -> GeneratedChain:
    n = len(nodes)
    sup = np.array([int(x[0]) for x in links])  # type: ignore[call-overload]
    buy = np.array([int(x[1]) for x in links])  # type: ignore[call-overload]
    qty = np.array([float(x[3]) for x in links])  # type: ignore[arg-type]
    share = np.array([float(x[4]) for x in links])  # type: ignore[arg-type]
    keys = [str(x[2]) for x in links]
    # Normalise shares per (buyer, material).
    totals: dict[tuple[int, str], float] = defaultdict(float)
    for e, key in enumerate(keys):
        totals[(int(buy[e]), key)] += share[e]
    share = np.array([share[e] / totals[(int(buy[e]), key)] for e, key in enumerate(keys)])

    demand = np.zeros(n)
    profit = np.zeros(n)
    fams = {f.key: f for f in FAMILIES}
    for i, node in enumerate(nodes):
        if node.is_final:
            fam = fams[node.family]
            demand[i] = round(float(rng.uniform(*fam.demand_per_day)))
            profit[i] = round(float(rng.uniform(*fam.unit_profit)), 2)
    order = _buyers_first(n, sup, buy)
    volume = demand.copy()
    out_links: list[list[int]] = [[] for _ in range(n)]
    in_links: list[list[int]] = [[] for _ in range(n)]
    for e in range(len(sup)):
        out_links[sup[e]].append(e)
        in_links[buy[e]].append(e)
    for k in order:
        if nodes[k].material.kind == "port" and in_links[k]:
            # Every buyer of the port is done: its input shares follow the flows it carries.
            carried = np.array(
                [
                    sum(volume[b] * q * s for b, s, q in port_flows.get((int(sup[e]), k), []))
                    for e in in_links[k]
                ]
            )
            if carried.sum() > 0:
                share[in_links[k]] = carried / carried.sum()
        for e in in_links[k]:
            volume[sup[e]] += volume[k] * qty[e] * share[e]
    # The shares as written to links.csv, and the planned volumes they give: capacities are
    # set over these, so that the file's own planned flows fit.
    share = np.array(_rounded_shares(share, buy, keys))
    volume = demand.copy()
    for k in order:
        for e in in_links[k]:
            volume[sup[e]] += volume[k] * qty[e] * share[e]

    tier = _tiers(n, sup, buy, demand)
    slack = rng.choice([1.0, 2.0, 3.0], size=n, p=[0.2, 0.7, 0.1])
    factor = np.where(
        slack == 1.0,
        rng.uniform(1.02, 1.15, n),
        np.where(slack == 2.0, rng.uniform(1.15, 1.6, n), rng.uniform(1.6, 2.5, n)),
    )
    capacity = volume * factor
    if capacity_shortfall:
        # The first final facility of each product family can make only 80% of its demand.
        seen: set[str] = set()
        for k, node in enumerate(nodes):
            if node.is_final and node.family not in seen:
                seen.add(node.family)
                capacity[k] = demand[k] * 0.8
    rows = []
    for i, node in enumerate(nodes):
        m = node.material
        days = float(rng.uniform(*m.inventory_days))
        if m.kind != "port" and not node.is_final and rng.random() < 0.3:
            days = 0.0
        site = SITES[node.country][int(rng.integers(len(SITES[node.country])))]
        if node.port_code:
            name = f"{node.port_name} ({m.name.split(' via ')[0].lower()})"
            lat, lon = _port_coords(node.port_code)
        else:
            stem = _STEMS[int(rng.integers(len(_STEMS)))]
            label = _KIND_LABEL.get(m.kind, m.kind.replace("_", " ").title())
            legal = _LEGAL.get(node.country, "Ltd.")
            name = (
                f"PT {stem} {label} {site.city}"
                if legal == "PT"
                else f"{stem} {label} ({site.city}) {legal}"
            )
            lat = round(site.lat + float(rng.uniform(-0.25, 0.25)), 4)
            lon = round(site.lon + float(rng.uniform(-0.25, 0.25)), 4)
        rows.append(
            {
                "id": f"F{i + 1:05d}",
                "name": name,
                "country": node.country,
                "kind": "port" if node.port_code else m.kind,
                "capacity_per_day": _round(capacity[i]),
                "inventory": _round(volume[i] * days),
                "ttr_days": int(rng.integers(m.ttr_days[0], m.ttr_days[1] + 1)),
                "demand_per_day": _round(demand[i]),
                "unit_profit": profit[i],
                "region": "" if node.port_code else site.region,
                "lat": lat,
                "lon": lon,
                "material": m.name.split(" via ")[0],
                "hs_code": m.hs6,
                "unit": m.unit,
                "sector": _family_sector(node.family or _family_of(m.key)),
                "tier": int(tier[i]),
                "port_code": node.port_code or "",
            }
        )
    names = {i: nodes[i].material for i in range(n)}
    link_rows = [
        {
            "supplier_id": f"F{int(sup[e]) + 1:05d}",
            "buyer_id": f"F{int(buy[e]) + 1:05d}",
            "material": _material_label(names[int(sup[e])]),
            "qty_per_unit": qty[e],
            "share": float(share[e]),
            "hs_code": names[int(sup[e])].hs6,
        }
        for e in range(len(sup))
    ]
    return GeneratedChain(pd.DataFrame(rows), pd.DataFrame(link_rows))


def _rounded_shares(share: np.ndarray, buy: np.ndarray, keys: list[str]) -> list[float]:
    """Shares to six decimals, none rounded away to 0, each requirement summing to 1."""
    rounded = np.maximum(np.round(share, 6), 1e-4)
    totals: dict[tuple[int, str], float] = defaultdict(float)
    for e, key in enumerate(keys):
        totals[(int(buy[e]), key)] += rounded[e]
    return [round(float(rounded[e] / totals[(int(buy[e]), key)]), 6) for e, key in enumerate(keys)]


def _material_label(material: Material) -> str:
    return material.name.split(" via ")[0]


def _family_of(material_key: str) -> str:
    """The first product family whose bill of materials has the material."""
    for family in FAMILIES:
        if any(m.key == material_key for m in family.materials):
            return family.key
    return ""


def _family_sector(family: str) -> str:
    return next((f.sector for f in FAMILIES if f.key == family), "")


def _port_coords(locode: str) -> tuple[float, float]:
    for ports in SEAPORTS.values():
        for p in ports:
            if p.locode == locode:
                return p.lat, p.lon
    return 0.0, 0.0


def _round(value: float) -> float:
    if value == 0:
        return 0.0
    digits = max(0, 4 - math.floor(math.log10(abs(value))))
    return round(float(value), digits)


def _buyers_first(n: int, sup: np.ndarray, buy: np.ndarray) -> list[int]:
    """Facilities ordered so that every buyer comes before its suppliers."""
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_edges_from(zip(buy.tolist(), sup.tolist(), strict=True))
    return list(nx.topological_sort(g))


def _tiers(n: int, sup: np.ndarray, buy: np.ndarray, demand: np.ndarray) -> np.ndarray:
    """Tier = fewest links from a final (demand) facility; 0 for final facilities."""
    tier = np.full(n, -1)
    frontier = [int(k) for k in np.flatnonzero(demand > 0)]
    tier[frontier] = 0
    suppliers: list[list[int]] = [[] for _ in range(n)]
    for s, b in zip(sup.tolist(), buy.tolist(), strict=True):
        suppliers[b].append(s)
    level = 0
    while frontier:
        level += 1
        nxt = []
        for b in frontier:
            for s in suppliers[b]:
                if tier[s] < 0:
                    tier[s] = level
                    nxt.append(s)
        frontier = nxt
    return tier
