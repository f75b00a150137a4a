"""Use cases: the port vulnerability view, and the port equipment it flags.

A port is every port facility of a chain sharing a port code (UN/LOCODE); its
**throughput share** is the part of the chain's final demand (by value: demand times unit
profit; by units when the chain has no profits) whose planned supply passes through it.
Equipment and systems at the port (cranes, terminal operating systems, logistics data
platforms, sensors, scanners) are flagged when their vendor is an untrusted vendor, is in a
sanctioned country, or is on a watch list; remote access to a flagged system is called out.
The flags feed the programs package's port facility security assessment (through
:mod:`trustlane.supplychain.interface`) and the port disruption scenarios.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy.orm import Session

from trustlane.access import audit
from trustlane.access.principal import Principal
from trustlane.errors import FieldProblem, InvalidInput, NotFound
from trustlane.registry.names import name_key
from trustlane.supplychain import store
from trustlane.supplychain.chain_csv import country_code
from trustlane.supplychain.exposure import Reason
from trustlane.supplychain.graph import ChainGraph
from trustlane.supplychain.listed import NameQuery, NameScreen, unavailable
from trustlane.supplychain.models import Chain, PortEquipment
from trustlane.supplychain.riskconfig import effective_areas, effective_vendors
from trustlane.supplychain.tracing import shares_to

EQUIPMENT_KINDS = (
    "crane",
    "terminal_operating_system",
    "logistics_platform",
    "port_community_system",
    "sensor",
    "scanner",
    "camera",
    "network",
    "automation",
    "other",
)
#: Kinds whose compromise stops or blinds the port: a flag on them is critical.
CRITICAL_KINDS = frozenset(EQUIPMENT_KINDS) - {"other"}


@dataclass
class EquipmentFlag:
    equipment: PortEquipment
    severity: str  # critical | flagged | ok
    reasons: list[Reason]


@dataclass
class PortRow:
    port_code: str
    name: str
    country: str
    facilities: list[str]
    materials: list[str]
    throughput_share: float
    equipment: list[EquipmentFlag] = field(default_factory=list)
    lost_profit: float | None = None  # of the port scenario, from the latest run
    tts_days: float | None = None
    ttr_days: float | None = None

    @property
    def critical_flags(self) -> int:
        return sum(1 for e in self.equipment if e.severity == "critical")


@dataclass
class PortsReport:
    chain: Chain
    ports: list[PortRow]
    notes: list[str]


def final_weights(graph: ChainGraph) -> tuple[list[int], np.ndarray]:
    """The chain's products and their weights: demand times unit profit (value), else
    demand; a chain without demand weighs its end facilities equally."""
    price = graph.facilities["unit_profit"].fillna(0).to_numpy(float)
    products = graph.products
    if products:
        value = graph.demand[products] * price[products]
        return products, value if value.sum() > 0 else graph.demand[products]
    ends = [k for k in range(graph.n) if not graph.out_links[k]]
    return ends, np.ones(len(ends))


def throughput_shares(graph: ChainGraph, groups: dict[str, list[int]]) -> dict[str, float]:
    """Per port, the share of final demand (by value) whose supply passes through it: for
    each product, the largest share of any one of its inputs that the port carries."""
    products, weight = final_weights(graph)
    if not products or not groups:
        return dict.fromkeys(groups, 0.0)
    shares = shares_to(graph, products)
    total = float(weight.sum()) or 1.0
    return {
        code: float(weight @ np.minimum(1.0, shares[members].max(axis=0))) / total
        for code, members in groups.items()
    }


def port_groups(graph: ChainGraph) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    codes = graph.facilities["port_code"].tolist()
    for k in range(graph.n):
        code = codes[k] if isinstance(codes[k], str) and codes[k] else None
        if graph.kinds[k] == "port" or code:
            groups[code or graph.codes[k]].append(k)
    return dict(groups)


def port_view(
    session: Session, actor: Principal, chain: Chain, screen: NameScreen | None = None
) -> PortsReport:
    actor.require("supplychain:read")
    actor.require_tenant(chain.tenant_id, f"Chain {chain.id}")
    graph = store.load_graph(session, chain.id)
    groups = port_groups(graph)
    share = throughput_shares(graph, groups)
    flags, notes = flag_equipment(
        session, store.port_equipment(session, chain.id), screen or unavailable("not set up")
    )
    run = store.latest_run(session, chain.id)
    scenario = {}
    if run is not None:
        scenario = {o.key: o for o in store.outcomes(session, run.id, "port")}
        if not scenario:
            notes.append(
                "The latest resilience run has no port scenarios; run it with --scenarios "
                "facility,port for the losses of a port closure."
            )
    else:
        notes.append("No resilience run yet: run one for the losses of a port closure.")
    rows = []
    for code, members in groups.items():
        outcome = scenario.get(code)
        rows.append(
            PortRow(
                port_code=code,
                name=graph.names[members[0]].split(" (")[0],
                country=graph.countries[members[0]],
                facilities=[graph.codes[k] for k in members],
                materials=sorted({graph.materials[e] for k in members for e in graph.in_links[k]}),
                throughput_share=share[code],
                equipment=flags.get(code, []),
                lost_profit=outcome.lost_profit if outcome else None,
                tts_days=outcome.tts_days if outcome else None,
                ttr_days=outcome.ttr_days if outcome else None,
            )
        )
    for code in sorted(set(flags) - set(groups)):
        notes.append(f"Equipment is recorded for port {code}, which has no facility in this chain.")
    rows.sort(key=lambda r: (-r.throughput_share, r.port_code))
    return PortsReport(chain, rows, notes)


def flag_equipment(
    session: Session, items: list[PortEquipment], screen: NameScreen
) -> tuple[dict[str, list[EquipmentFlag]], list[str]]:
    vendors, vendor_defaults = effective_vendors(session)
    areas, _ = effective_areas(session)
    sanctioned = {a.code: a for a in areas if a.category == "sanctions" and "-" not in a.code}
    screening = screen([NameQuery(e.vendor, e.vendor_country) for e in items])
    notes = [
        screening.note.replace(
            "exposure covers high-risk areas only",
            "vendor flags use the untrusted-vendor list and sanctioned countries only",
        )
    ]
    if vendor_defaults:
        notes.append(
            "Untrusted vendors: the built-in default list ("
            + ", ".join(v.vendor for v in vendors)
            + ")."
        )
    keyed = [(name_key(v.vendor), v) for v in vendors]
    found: dict[str, list[EquipmentFlag]] = defaultdict(list)
    for item, hits in zip(items, screening.hits, strict=True):
        reasons: list[Reason] = []
        key = name_key(item.vendor)
        for vendor_key, rule in keyed:
            if vendor_key and (
                vendor_key in key.split() or vendor_key == key or key.startswith(vendor_key)
            ):
                reasons.append(
                    Reason("UNTRUSTED_VENDOR", f"{rule.vendor}: {rule.reason} ({rule.source})")
                )
        if item.vendor_country in sanctioned:
            area = sanctioned[item.vendor_country]
            reasons.append(Reason("SANCTIONED_COUNTRY", f"vendor in {area.code}: {area.reason}"))
        for hit in hits:
            reasons.append(Reason("LISTED_VENDOR", hit.sentence(item.vendor)))
        if reasons and item.remote_access:
            reasons.append(
                Reason(
                    "REMOTE_ACCESS", "the system can be reached remotely (e.g. a cellular modem)"
                )
            )
        severity = "ok"
        if reasons:
            severity = "critical" if item.kind in CRITICAL_KINDS else "flagged"
        found[item.port_code].append(EquipmentFlag(item, severity, reasons))
    return dict(found), notes


def add_equipment(
    session: Session,
    actor: Principal,
    chain: Chain,
    *,
    port_code: str,
    kind: str,
    vendor: str,
    vendor_country: str | None = None,
    model: str | None = None,
    quantity: int = 1,
    remote_access: bool = False,
    notes: str | None = None,
) -> PortEquipment:
    actor.require("supplychain:write")
    actor.require_tenant(chain.tenant_id, f"Chain {chain.id}")
    problems = []
    if kind not in EQUIPMENT_KINDS:
        problems.append(FieldProblem("kind", f"one of {', '.join(EQUIPMENT_KINDS)}", value=kind))
    if not vendor.strip():
        problems.append(FieldProblem("vendor", "required"))
    if not port_code.strip():
        problems.append(FieldProblem("port_code", "required"))
    country = country_code(vendor_country) if vendor_country else None
    if vendor_country and country is None:
        problems.append(
            FieldProblem("vendor_country", "not an ISO 3166 country", value=vendor_country)
        )
    if quantity < 1:
        problems.append(FieldProblem("quantity", "must be at least 1", value=quantity))
    if problems:
        raise InvalidInput("Bad port equipment", problems)
    item = PortEquipment(
        chain_id=chain.id,
        port_code=port_code.strip().upper(),
        kind=kind,
        vendor=vendor.strip(),
        vendor_country=country,
        model=model,
        quantity=quantity,
        remote_access=remote_access,
        notes=notes,
        created_by=actor.label,
    )
    session.add(item)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "port_equipment",
        item.id,
        tenant_id=chain.tenant_id,
        after=audit.snapshot(item),
    )
    return item


def remove_equipment(session: Session, actor: Principal, chain: Chain, equipment_id: int) -> None:
    actor.require("supplychain:write")
    actor.require_tenant(chain.tenant_id, f"Chain {chain.id}")
    item = session.get(PortEquipment, equipment_id)
    if item is None or item.chain_id != chain.id:
        raise NotFound(f"Equipment {equipment_id} not found in chain {chain.name!r}")
    before = audit.snapshot(item)
    session.delete(item)
    audit.record(
        session,
        actor,
        "delete",
        "port_equipment",
        equipment_id,
        tenant_id=chain.tenant_id,
        before=before,
    )
