"""Tracing, exposure, concentration, ports and the dossier on a chain with known answers.

A garment maker G (US) buys denim from F1 (China, 60%) and F2 (Pakistan, 40%) and buttons
from B1 (Turkey, sole source). F1 spins with yarn from Y1 (Xinjiang) made of cotton from C1
(Xinjiang); F2's yarn comes from Y2 (India), whose cotton is half from C2 (Texas) and half
from C3 (India). Quantities per unit: denim 1.5, yarn 0.45 (F1) and 0.5 (F2), cotton 1.1,
buttons 5.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.supplychain.helpers import facility, graph, link
from trustlane.supplychain.concentration import analyse
from trustlane.supplychain.dossier import RecordRow, assemble
from trustlane.supplychain.exposure import Reason, area_sources, propagate
from trustlane.supplychain.ports import port_groups, throughput_shares
from trustlane.supplychain.tracing import by_country, trace

G = graph(
    [
        facility("G", country="US", region="US-CA", demand=100, profit=5, kind="garment_factory"),
        facility("F1", country="CN", region="CN-JS", kind="weaving_mill"),
        facility("F2", country="PK", region="PK-PB", kind="weaving_mill"),
        facility("Y1", country="CN", region="CN-XJ", kind="spinning_mill"),
        facility("Y2", country="IN", region="IN-GJ", kind="spinning_mill"),
        facility("C1", country="CN", region="CN-XJ", kind="cotton_gin"),
        facility("C2", country="US", region="US-TX", kind="cotton_gin"),
        facility("C3", country="IN", region="IN-GJ", kind="cotton_gin"),
        facility("B1", country="TR", region="TR-34", kind="trims_factory"),
    ],
    [
        link("F1", "G", "denim", 1.5, 0.6),
        link("F2", "G", "denim", 1.5, 0.4),
        link("B1", "G", "button", 5.0, 1.0),
        link("Y1", "F1", "yarn", 0.45, 1.0),
        link("Y2", "F2", "yarn", 0.5, 1.0),
        link("C1", "Y1", "cotton", 1.1, 1.0),
        link("C2", "Y2", "cotton", 1.1, 0.5),
        link("C3", "Y2", "cotton", 1.1, 0.5),
    ],
)
P = G.position_of


def test_trace_gives_tiers_shares_quantities_and_paths() -> None:
    result = trace(G, P["G"])
    rows = {r.code: r for r in result.rows}
    assert {c: rows[c].tier for c in rows} == {
        "F1": 1, "F2": 1, "B1": 1, "Y1": 2, "Y2": 2, "C1": 3, "C2": 3, "C3": 3,
    }  # fmt: skip
    assert rows["F1"].share == pytest.approx(0.6)
    assert rows["C1"].share == pytest.approx(0.6)
    assert rows["C2"].share == pytest.approx(0.2)
    assert rows["C1"].quantity == pytest.approx(1.5 * 0.6 * 0.45 * 1.1)
    assert rows["C3"].quantity == pytest.approx(1.5 * 0.4 * 0.5 * 1.1 * 0.5)
    assert [G.codes[p] for p in rows["C1"].path] == ["C1", "Y1", "F1", "G"]


def test_origins_add_up_per_material_and_country() -> None:
    result = trace(G, P["G"])
    cotton = {(o.country, o.region): o for o in result.origins if o.material == "cotton"}
    xinjiang = 1.5 * 0.6 * 0.45 * 1.1
    others = 1.5 * 0.4 * 0.5 * 1.1
    assert cotton[("CN", "CN-XJ")].share == pytest.approx(xinjiang / (xinjiang + others))
    assert sum(o.share for o in cotton.values()) == pytest.approx(1.0)
    shares = {(m, c): s for m, c, s in by_country(result.origins)}
    assert shares[("button", "TR")] == pytest.approx(1.0)


AREAS = {"CN-XJ": Reason("HIGH_RISK_AREA", "in Xinjiang")}


def test_exposure_is_the_share_weighted_exposure_of_suppliers_with_its_path() -> None:
    rows = {G.codes[r.position]: r for r in propagate(G, area_sources(G, AREAS))}
    assert rows["Y1"].share == 1.0
    assert rows["C1"].share == 1.0
    assert rows["F1"].share == pytest.approx(1.0)  # its only yarn is exposed
    assert rows["G"].share == pytest.approx(0.6)  # 60% of its denim
    assert not rows["F2"].exposed
    assert not rows["B1"].exposed
    assert [G.codes[p] for p in rows["G"].path] == ["Y1", "F1", "G"]
    codes = [r.code for r in rows["G"].reasons]
    assert codes == ["HIGH_RISK_AREA", "SUPPLIED_BY_EXPOSED"]
    assert "60%" in rows["G"].reasons[1].text


def test_concentration_hhi_single_sources_critical_facilities_and_country_dependence() -> None:
    result = analyse(G)
    denim = next(m for m in result.materials if m.material == "denim")
    assert denim.hhi_supplier == pytest.approx(60**2 + 40**2)
    assert denim.hhi_country == pytest.approx(60**2 + 40**2)
    button = next(m for m in result.materials if m.material == "button")
    assert button.hhi_country == pytest.approx(10_000)
    single = {(G.codes[s.buyer], s.material) for s in result.single_sourced}
    assert single == {("G", "button"), ("F1", "yarn"), ("F2", "yarn"), ("Y1", "cotton")}
    critical = {G.codes[c.position]: [G.codes[p] for p in c.products] for c in result.critical}
    assert critical == {"B1": ["G"]}  # denim has an alternative, buttons do not
    dependence = {d.country: d.share_lost for d in result.dependence}
    assert dependence["TR"] == pytest.approx(1.0)
    assert dependence["CN"] == pytest.approx(0.6)
    assert dependence["IN"] == pytest.approx(0.4)
    assert dependence["US"] == pytest.approx(0.2)  # C2, half of Y2's cotton; G itself is kept


def test_port_throughput_is_the_largest_input_share_it_carries() -> None:
    g = graph(
        [
            facility("P", demand=10, profit=2),
            facility("Q", demand=10, profit=6),
            facility("XA", kind="port", port_code="XXPRT"),
            facility("XB", kind="port", port_code="XXPRT"),
            facility("A"),
            facility("B"),
        ],
        [
            link("XA", "P", "a", share=0.5),
            link("A", "P", "a", share=0.5),
            link("XB", "Q", "b"),
            link("B", "XB", "b"),
            link("A", "XA", "a"),
        ],
    )
    shares = throughput_shares(g, port_groups(g))
    # P (value 20) gets half its input through the port, Q (value 60) all: (10 + 60) / 80.
    assert shares["XXPRT"] == pytest.approx(70 / 80)


def record(link: int, kind: str, number: str, quantity: float | None, amount: float | None = None,
           day: int = 10) -> RecordRow:  # fmt: skip
    return RecordRow(0, link, kind, number, date(2026, 3, day), quantity, "u", amount, "USD",
                     None, None)  # fmt: skip


def links_of(supplier: str, buyer: str) -> int:
    return next(
        e for e in range(len(G.supplier))
        if G.codes[int(G.supplier[e])] == supplier and G.codes[int(G.buyer[e])] == buyer
    )  # fmt: skip


def test_the_dossier_reconciles_stage_by_stage_and_lists_mismatches_and_gaps() -> None:
    f1g, f2g, b1g = links_of("F1", "G"), links_of("F2", "G"), links_of("B1", "G")
    y1f1, c1y1 = links_of("Y1", "F1"), links_of("C1", "Y1")
    records = [
        *(record(f1g, k, f"F1G-{k}", 900, 9000 if k in ("invoice", "payment") else None)
          for k in ("purchase_order", "invoice", "bill_of_lading", "payment")),
        record(f2g, "purchase_order", "F2G-PO", 600, day=1),
        record(f2g, "invoice", "F2G-INV", 600, 6000),
        record(f2g, "bill_of_lading", "F2G-BL", 550),
        record(f2g, "payment", "F2G-PAY", None, 6000),
        record(b1g, "invoice", "B1G-INV", 5000, 500),
        record(y1f1, "invoice", "Y1F1-INV", 300, 900),
        record(c1y1, "invoice", "C1Y1-INV", 1000, 1000, day=12),
        record(c1y1, "purchase_order", "C1Y1-PO", 1000, day=15),
        record(c1y1, "payment", "C1Y1-PAY", None, 800),
    ]  # fmt: skip
    rows = propagate(G, area_sources(G, AREAS))
    dossier = assemble(
        G, trace(G, P["G"]), records, rows, notes=[], chain_name="apparel",
        prepared_by="test", organizations={}, lot_quantity=1000,
    )  # fmt: skip
    codes = {(f.code, f.where.split(" ")[0] if f.code in ("INPUTS_SHORT",) else f.where)
             for f in dossier.findings}  # fmt: skip
    found = {f.code for f in dossier.findings}
    assert {"QUANTITY_MISMATCH", "PAYMENT_SHORT", "DATE_ORDER", "INPUTS_SHORT"} <= found
    assert {"NO_RECORDS", "MISSING_RECORD", "UNKNOWN_SUPPLIERS", "EXPOSED"} <= found
    assert ("INPUTS_SHORT", "F1") in codes  # 300 of yarn for 900 of denim needs 405: 74%
    short = next(r for r in dossier.reconciliation if G.codes[r.facility] == "F1")
    assert short.coverage == pytest.approx(300 / (0.45 * 900))
    denim = next(
        r for r in dossier.reconciliation if G.codes[r.facility] == "G" and r.material == "denim"
    )
    assert denim.status == "ok"  # 900 + 600 bought for a lot of 1000 at 1.5 each
    assert denim.stage_yield == pytest.approx(1000 / 1500)
    unknown = [f for f in dossier.findings if f.code == "UNKNOWN_SUPPLIERS"]
    assert [f.where.split(" ")[0] for f in unknown] == ["B1"]  # trims factory; gins are origins
    stage = next(s for s in dossier.stages if s.link == f2g)
    assert stage.numbers["bill_of_lading"] == ["F2G-BL"]
    assert [p.code for p in dossier.parties][:1] == ["G"]
