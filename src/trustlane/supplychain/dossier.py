"""The evidence dossier for an import admissibility review (pure: data in, findings out).

What a forced-labour detention asks an importer to show, assembled from the chain map and
the business records attached to its links:

- every party and its role at each production stage;
- per link, the records that prove it (purchase order, invoice, bill of lading, proof of
  payment: number, date, quantity, amount), checked against one another;
- stage by stage, whether the inputs bought account for the output shipped, using the
  quantity per unit of the bill of materials (its inverse is the stage's yield);
- a summary tracing table (one row per stage: supplier, country, record numbers);
- the gaps: stages with unknown suppliers or countries, links without records.

Quantities on the records of a link are taken to be in that link's unit (the material's).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from trustlane.supplychain.exposure import ExposureRow
from trustlane.supplychain.graph import ChainGraph
from trustlane.supplychain.tracing import Trace

RECORD_KINDS = ("purchase_order", "invoice", "bill_of_lading", "payment")
OTHER_KINDS = ("packing_list", "certificate_of_origin", "production_record", "other")
KIND_LABELS = {
    "purchase_order": "purchase order",
    "invoice": "invoice",
    "bill_of_lading": "bill of lading",
    "payment": "proof of payment",
    "packing_list": "packing list",
    "certificate_of_origin": "certificate of origin",
    "production_record": "production record",
    "other": "other record",
}
#: Kinds of facility that stand at the start of a chain (no suppliers expected).
RAW_KINDS = frozenset(
    {"mine", "quarry", "farm", "plantation", "cotton_gin", "ginnery", "fishery", "forest",
     "well", "oil_field", "chemical_complex", "raw_material", "recycler"}
)  # fmt: skip
#: Quantities on the records of one link may differ by this much (rounding, moisture).
QUANTITY_TOLERANCE = 0.01
#: Documented inputs may fall short of the bill of materials by this much (yield variation).
YIELD_TOLERANCE = 0.03


@dataclass
class RecordRow:
    document_id: int
    link: int  # link position in the graph
    kind: str
    number: str
    issued_on: date | None
    quantity: float | None
    unit: str | None
    amount: float | None
    currency: str | None
    file_name: str | None
    sha256: str | None


@dataclass
class Finding:
    code: str
    severity: str  # mismatch | gap | info
    where: str
    text: str


@dataclass
class Party:
    position: int
    code: str
    name: str
    organization: str | None
    role: str
    country: str
    region: str
    tier: int
    material: str
    share: float
    exposure: float
    exposure_reasons: list[str]
    exposure_source: bool  # listed or in a high-risk area itself


@dataclass
class Stage:
    """One link of the traced chain: a supplier's material going into its buyer."""

    link: int
    tier: int
    supplier: int
    buyer: int
    material: str
    share: float
    numbers: dict[str, list[str]]  # record kind -> numbers
    documented_quantity: float | None


@dataclass
class Reconciliation:
    facility: int
    material: str
    output: float | None
    inputs: float | None
    qty_per_unit: float
    expected_inputs: float | None
    coverage: float | None  # inputs / expected inputs
    stage_yield: float | None  # output / inputs
    status: str  # ok | short | surplus | cannot_reconcile


@dataclass
class Dossier:
    graph: ChainGraph
    trace: Trace
    chain_name: str
    prepared_by: str
    prepared_at: datetime
    parties: list[Party]
    stages: list[Stage]
    records: list[RecordRow]
    reconciliation: list[Reconciliation]
    findings: list[Finding]
    notes: list[str] = field(default_factory=list)
    lot_quantity: float | None = None

    @property
    def target(self) -> int:
        return self.trace.target

    @property
    def mismatches(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "mismatch"]

    @property
    def gaps(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "gap"]

    def records_of(self, link: int) -> list[RecordRow]:
        return [r for r in self.records if r.link == link]


def assemble(
    graph: ChainGraph,
    trace: Trace,
    records: list[RecordRow],
    exposure: list[ExposureRow],
    *,
    notes: list[str],
    chain_name: str,
    prepared_by: str,
    organizations: dict[int, str],
    lot_quantity: float | None = None,
) -> Dossier:
    tiers = {row.position: row.tier for row in trace.rows}
    tiers[trace.target] = 0
    by_link: dict[int, list[RecordRow]] = defaultdict(list)
    for record in records:
        by_link[record.link].append(record)
    findings: list[Finding] = []
    stages = []
    documented: dict[int, float | None] = {}
    for link in trace.links:
        s, b = int(graph.supplier[link]), int(graph.buyer[link])
        found = by_link.get(link, [])
        documented[link] = _documented_quantity(found)
        stages.append(
            Stage(
                link=link,
                tier=tiers[s],
                supplier=s,
                buyer=b,
                material=graph.materials[link],
                share=float(graph.share[link]),
                numbers={k: [r.number for r in found if r.kind == k] for k in RECORD_KINDS},
                documented_quantity=documented[link],
            )
        )
        findings.extend(_check_records(graph, link, found))
    stages.sort(key=lambda st: (st.tier, graph.codes[st.supplier]))
    reconciliation = _reconcile(graph, trace, documented, lot_quantity, findings)
    findings.extend(_gaps(graph, trace))
    exposure_by = {row.position: row for row in exposure}
    parties = [_party(graph, trace.target, 0, "", 1.0, exposure_by, organizations)]
    for row in trace.rows:
        parties.append(
            _party(
                graph, row.position, row.tier, row.material, row.share, exposure_by, organizations
            )
        )
    target_exposure = exposure_by.get(trace.target)
    if target_exposure is not None and target_exposure.exposed:
        findings.insert(
            0,
            Finding(
                "EXPOSED",
                "info",
                graph.label(trace.target),
                "; ".join(str(r) for r in target_exposure.reasons),
            ),
        )
    return Dossier(
        graph=graph,
        trace=trace,
        chain_name=chain_name,
        prepared_by=prepared_by,
        prepared_at=datetime.now(UTC),
        parties=parties,
        stages=stages,
        records=sorted(records, key=lambda r: (r.link, r.issued_on or date.min, r.number)),
        reconciliation=reconciliation,
        findings=findings,
        notes=notes,
        lot_quantity=lot_quantity,
    )


def _party(
    graph: ChainGraph,
    k: int,
    tier: int,
    material: str,
    share: float,
    exposure: dict[int, ExposureRow],
    organizations: dict[int, str],
) -> Party:
    row = exposure.get(k)
    return Party(
        position=k,
        code=graph.codes[k],
        name=graph.names[k],
        organization=organizations.get(k),
        role=graph.kinds[k].replace("_", " "),
        country=graph.countries[k],
        region=graph.regions[k],
        tier=tier,
        material=material,
        share=share,
        exposure=row.share if row else 0.0,
        exposure_reasons=[str(r) for r in row.reasons] if row else [],
        exposure_source=bool(row and row.exposed and row.path == [k]),
    )


def _documented_quantity(records: list[RecordRow]) -> float | None:
    """What the records say was delivered: invoices, else bills of lading, else orders."""
    for kind in ("invoice", "bill_of_lading", "purchase_order"):
        quantities = [r.quantity for r in records if r.kind == kind and r.quantity is not None]
        if quantities:
            return float(sum(quantities))
    return None


def _fmt(value: float) -> str:
    return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"


def _check_records(graph: ChainGraph, link: int, records: list[RecordRow]) -> list[Finding]:
    where = (
        f"{graph.materials[link]} from {graph.codes[int(graph.supplier[link])]} "
        f"to {graph.codes[int(graph.buyer[link])]}"
    )
    if not records:
        return [Finding("NO_RECORDS", "gap", where, "no business records attached to this link")]
    found: list[Finding] = []
    kinds = {r.kind for r in records}
    for kind in RECORD_KINDS:
        if kind not in kinds:
            found.append(Finding("MISSING_RECORD", "gap", where, f"no {KIND_LABELS[kind]}"))
    totals = {}
    for kind in ("purchase_order", "invoice", "bill_of_lading"):
        quantities = [r.quantity for r in records if r.kind == kind and r.quantity is not None]
        if quantities:
            totals[kind] = sum(quantities)
    if len(totals) > 1:
        low, high = min(totals.values()), max(totals.values())
        if high > 0 and (high - low) / high > QUANTITY_TOLERANCE:
            said = ", ".join(
                f"{KIND_LABELS[k]} {'/'.join(r.number for r in records if r.kind == k)} {_fmt(v)}"
                for k, v in totals.items()
            )
            found.append(
                Finding("QUANTITY_MISMATCH", "mismatch", where, f"quantities disagree: {said}")
            )
    invoiced = [r for r in records if r.kind == "invoice" and r.amount is not None]
    paid = [r for r in records if r.kind == "payment" and r.amount is not None]
    if invoiced and paid:
        currencies = {r.currency for r in invoiced + paid if r.currency}
        if len(currencies) > 1:
            found.append(
                Finding(
                    "CURRENCY_MISMATCH",
                    "mismatch",
                    where,
                    "invoices and payments in different currencies "
                    f"({', '.join(sorted(currencies))})",
                )
            )
        else:
            due = sum(r.amount or 0.0 for r in invoiced)
            got = sum(r.amount or 0.0 for r in paid)
            if due > 0 and got < due * (1 - QUANTITY_TOLERANCE):
                found.append(
                    Finding(
                        "PAYMENT_SHORT",
                        "mismatch",
                        where,
                        f"payments of {_fmt(got)} against invoices of {_fmt(due)} "
                        f"({got / due:.0%})",
                    )
                )
    orders = [r.issued_on for r in records if r.kind == "purchase_order" and r.issued_on]
    if orders:
        first_order = min(orders)
        for r in records:
            if (
                r.kind in ("invoice", "bill_of_lading")
                and r.issued_on
                and r.issued_on < first_order
            ):
                found.append(
                    Finding(
                        "DATE_ORDER",
                        "mismatch",
                        where,
                        f"{KIND_LABELS[r.kind]} {r.number} ({r.issued_on}) is dated before the "
                        f"first purchase order ({first_order})",
                    )
                )
    return found


def _reconcile(
    graph: ChainGraph,
    trace: Trace,
    documented: dict[int, float | None],
    lot_quantity: float | None,
    findings: list[Finding],
) -> list[Reconciliation]:
    """For each traced facility with inputs: do the inputs bought account for the output?"""
    in_trace = set(trace.links)
    qty = graph.links["qty_per_unit"].to_numpy()
    rows = []
    positions = [trace.target, *(r.position for r in trace.rows)]
    for k in positions:
        inputs = [link for link in graph.in_links[k] if link in in_trace]
        if not inputs:
            continue
        outgoing = [documented[link] for link in graph.out_links[k] if link in in_trace]
        if k == trace.target and lot_quantity is not None:
            output: float | None = lot_quantity
        elif outgoing and all(q is not None for q in outgoing):
            output = float(sum(q for q in outgoing if q is not None))
        else:
            output = None
        by_material: dict[str, list[int]] = defaultdict(list)
        for link in inputs:
            by_material[graph.materials[link]].append(link)
        for material, links in by_material.items():
            bought = [documented[link] for link in links]
            have = (
                float(sum(q for q in bought if q is not None))
                if any(q is not None for q in bought)
                else None
            )
            weights = [float(graph.share[link]) for link in links]
            per_unit = sum(w * qty[link] for w, link in zip(weights, links, strict=True)) / max(
                sum(weights), 1e-12
            )
            rows.append(_reconciliation_row(graph, k, material, output, have, per_unit, findings))
    return rows


def _reconciliation_row(
    graph: ChainGraph,
    k: int,
    material: str,
    output: float | None,
    inputs: float | None,
    per_unit: float,
    findings: list[Finding],
) -> Reconciliation:
    if output is None or inputs is None:
        return Reconciliation(
            k, material, output, inputs, per_unit, None, None, None, "cannot_reconcile"
        )
    expected = per_unit * output
    coverage = inputs / expected if expected > 0 else None
    stage_yield = output / inputs if inputs > 0 else None
    status = "ok"
    if coverage is not None and coverage < 1 - YIELD_TOLERANCE:
        status = "short"
        findings.append(
            Finding(
                "INPUTS_SHORT",
                "mismatch",
                graph.label(k),
                f"documented purchases of {material!r} ({_fmt(inputs)}) account for "
                f"{coverage:.0%} of what its documented output ({_fmt(output)}) needs "
                f"({_fmt(expected)} at {per_unit:g} per unit, a yield of {1 / per_unit:.3g})",
            )
        )
    elif coverage is not None and coverage > 1.5:
        status = "surplus"
        findings.append(
            Finding(
                "INPUTS_SURPLUS",
                "info",
                graph.label(k),
                f"documented purchases of {material!r} ({_fmt(inputs)}) are {coverage:.0%} of "
                "what the documented output needs: other customers' orders, or overstated "
                "purchases",
            )
        )
    return Reconciliation(
        k, material, output, inputs, per_unit, expected, coverage, stage_yield, status
    )


def _gaps(graph: ChainGraph, trace: Trace) -> list[Finding]:
    found = []
    for row in trace.rows:
        k = row.position
        if not graph.in_links[k] and graph.kinds[k] not in RAW_KINDS:
            found.append(
                Finding(
                    "UNKNOWN_SUPPLIERS",
                    "gap",
                    graph.label(k),
                    f"a {graph.kinds[k].replace('_', ' ')} with no recorded suppliers: what it "
                    "is made from, and where, is unknown",
                )
            )
        if not graph.countries[k]:
            found.append(Finding("UNKNOWN_COUNTRY", "gap", graph.label(k), "country unknown"))
    return found
