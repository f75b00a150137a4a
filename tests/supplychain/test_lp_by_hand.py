"""The disruption programs on chains small enough to solve by hand.

Each test states the arithmetic; the fast engine (shortcuts, regions, certificates) and the
plain approach (one program per scenario, from scratch) must both give it.
"""

from __future__ import annotations

import pytest

from tests.supplychain.helpers import arrays, facility, graph, link, single
from trustlane.supplychain.lpmodel import DisruptionModel, Mode
from trustlane.supplychain.scenario_pool import run_scenarios
from trustlane.supplychain.scenarios import Scenario, run_plain, solve_baseline


def both(g, scenarios, horizon=365.0):  # type: ignore[no-untyped-def]
    fast = run_scenarios(g.arrays(), scenarios, horizon, workers=1)
    plain = run_plain(g.arrays(), scenarios, horizon)
    return fast, plain


def test_one_plant_short_of_capacity_survives_on_its_inventory() -> None:
    # Demand 10/day, capacity 8/day, inventory 20: 10 t <= 8 t + 20, so TTS = 10 days.
    # Over 30 days: 300 demanded, 8*30 + 20 = 260 made, 40 lost, at 5 each 200.
    chain = arrays([facility("P", capacity=8, inventory=20, demand=10, profit=5, ttr=30)], [])
    model = DisruptionModel(chain)
    assert -model.solve_full(Mode.tts, 365, []).objective == pytest.approx(10.0)
    lost = model.solve_full(Mode.lost, 30, [])
    assert lost.objective == pytest.approx(200.0)
    assert lost.values[model.col_l[0]] == pytest.approx(40.0)


def test_the_undisrupted_chain_that_falls_short_is_reported_with_its_bottleneck() -> None:
    g = graph([facility("P", capacity=8, inventory=20, demand=10, profit=5, ttr=30)], [])
    fast, plain = both(g, [single(g, "P")])
    assert fast.baseline.tts == pytest.approx(10.0)
    assert fast.baseline.bottlenecks == [0]
    # Down for 30 days with nothing made: 20 in stock cover 2 days; 280 units lost.
    (result,) = fast.results
    assert result.tts == pytest.approx(2.0)
    assert result.at_risk
    assert result.lost_units == pytest.approx(280.0)
    assert result.lost_profit == pytest.approx(1400.0)
    assert plain[0].lost_profit == pytest.approx(1400.0)


def two_tier(supplier_inventory: float = 0.0):  # type: ignore[no-untyped-def]
    # S makes 15/day; P needs 2 of S's output per unit, sells 5/day at 3 profit, keeps 50.
    return graph(
        [
            facility("S", capacity=15, inventory=supplier_inventory, ttr=20),
            facility("P", inventory=50, demand=5, profit=3, ttr=7),
        ],
        [link("S", "P", "part", qty=2.0)],
    )


def test_a_sole_supplier_down_leaves_the_plant_its_own_inventory() -> None:
    # Without S, P sells from its 50 units: TTS = 50 / 5 = 10 days < TTR 20: at risk.
    # Over 20 days: 100 demanded, 50 sold, 50 lost, 150 profit lost.
    g = two_tier()
    fast, plain = both(g, [single(g, "S"), single(g, "P")])
    s, p = fast.results
    assert fast.baseline.tts == 365.0  # 2 * 5 = 10 <= 15: the chain survives the horizon
    assert (s.tts, s.at_risk, s.lost_units, s.lost_profit) == pytest.approx(
        (10.0, True, 50.0, 150.0)
    )
    # P itself down for 7 days: its 50 units cover 10 days: not at risk, nothing lost.
    assert (p.tts, p.at_risk, p.lost_units) == pytest.approx((10.0, False, 0.0))
    for a, b in zip(fast.results, plain, strict=True):
        assert a.tts == pytest.approx(b.tts)
        assert a.lost_profit == pytest.approx(b.lost_profit)


def test_the_disrupted_suppliers_inventory_stays_usable() -> None:
    # S keeps 40 units of its output: P can make 40 / 2 = 20 more: 70 units, TTS 14 days.
    # Over 20 days: 100 - 70 = 30 lost.
    g = two_tier(supplier_inventory=40)
    fast, _ = both(g, [single(g, "S")])
    (s,) = fast.results
    assert s.tts == pytest.approx(14.0)
    assert s.lost_units == pytest.approx(30.0)


def test_an_alternative_supplier_covers_what_its_capacity_allows() -> None:
    # A and B can each make 6/day; P needs 10/day and keeps 40. Without A: 10 t <= 6 t + 40,
    # TTS = 10 days; over A's 25 days to recover 250 demanded, 6*25 + 40 = 190 sold, 60 lost.
    g = graph(
        [
            facility("A", capacity=6, ttr=25),
            facility("B", capacity=6, ttr=5),
            facility("P", inventory=40, demand=10, profit=2),
        ],
        [link("A", "P", "x", share=0.5), link("B", "P", "x", share=0.5)],
    )
    fast, plain = both(g, [single(g, "A"), single(g, "B")])
    a, b = fast.results
    assert (a.tts, a.lost_units, a.lost_profit) == pytest.approx((10.0, 60.0, 120.0))
    # B is down only 5 days, which P's inventory covers.
    assert (b.tts, b.at_risk, b.lost_units) == pytest.approx((10.0, False, 0.0))
    assert [r.lost_profit for r in plain] == pytest.approx([120.0, 0.0])


def test_a_shared_bottleneck_serves_the_more_profitable_product_first() -> None:
    # S makes 10/day for P1 (profit 10) and P2 (profit 1), each wanting 6/day: 12 > 10, so
    # the undisrupted chain has no time to survive at all (no inventories). Over 10 days:
    # 120 demanded, 100 made; the 20 lost are P2's, 20 profit lost.
    g = graph(
        [
            facility("S", capacity=10, ttr=10),
            facility("P1", demand=6, profit=10, ttr=10),
            facility("P2", demand=6, profit=1, ttr=10),
        ],
        [link("S", "P1", "x"), link("S", "P2", "x")],
    )
    model = DisruptionModel(g.arrays())
    assert -model.solve_full(Mode.tts, 365, []).objective == pytest.approx(0.0)
    lost = model.solve_full(Mode.lost, 10, [])
    assert lost.objective == pytest.approx(20.0)
    assert lost.values[model.col_l[g.position_of["P2"]]] == pytest.approx(20.0)
    fast, _ = both(g, [single(g, "P1")])
    assert fast.baseline.tts == 0.0
    # P1 down: nothing of P1 sold (60 units, 600 profit); S now serves P2 in full.
    assert fast.results[0].lost_profit == pytest.approx(600.0)


def test_a_facility_that_feeds_no_demand_changes_nothing() -> None:
    g = graph(
        [
            facility("S", capacity=10, ttr=50),
            facility("W", capacity=10, ttr=50),  # makes for a warehouse nobody buys from
            facility("P", inventory=5, demand=5, profit=1),
        ],
        [link("S", "P", "x"), link("S", "W", "x")],
    )
    fast, _ = both(g, [single(g, "W")])
    assert fast.results[0].tts == 365.0
    assert fast.results[0].tts_method == "no_path_to_demand"


def test_a_port_closure_stops_every_flow_through_it() -> None:
    # Two flows through port X (two port facilities): closing the port stops both inputs.
    g = graph(
        [
            facility("A", capacity=10),
            facility("B", capacity=10),
            facility("XA", kind="port", port_code="XXPRT", ttr=6),
            facility("XB", kind="port", port_code="XXPRT", ttr=9),
            facility("P", inventory=12, demand=2, profit=4),
        ],
        [
            link("A", "XA", "a"),
            link("B", "XB", "b"),
            link("XA", "P", "a"),
            link("XB", "P", "b"),
        ],
    )
    down = (g.position_of["XA"], g.position_of["XB"])
    closure = Scenario("XXPRT", "port", down, 9.0)
    fast, plain = both(g, [closure])
    # P's 12 units last 6 days; over the 9-day closure 18 wanted, 6 lost, 24 profit lost.
    assert fast.results[0].tts == pytest.approx(6.0)
    assert fast.results[0].lost_profit == pytest.approx(24.0)
    assert plain[0].lost_profit == pytest.approx(24.0)


def test_at_risk_agrees_with_lost_units_in_the_plain_programs() -> None:
    g = two_tier()
    for horizon_days in (5.0, 10.0, 15.0):
        (result,) = run_plain(g.arrays(), [single(g, "S", horizon_days)], 365.0)
        assert result.at_risk == (result.lost_units > 1e-6)
    # Exactly at TTS = TTR nothing is lost and the scenario is not at risk.
    (edge,) = run_plain(g.arrays(), [single(g, "S", 10.0)], 365.0)
    assert not edge.at_risk
    assert edge.lost_units == pytest.approx(0.0, abs=1e-6)


def test_planned_flows_over_a_capacity_are_rerouted_before_any_program() -> None:
    # Planned 90/10 between A and B (capacity 8 each) for a demand of 10: A's planned 9 is over
    # its capacity, B has room for the extra unit, so the chain survives the horizon.
    def chain(capacity_b: float):  # type: ignore[no-untyped-def]
        return graph(
            [
                facility("A", capacity=8),
                facility("B", capacity=capacity_b),
                facility("P", inventory=100, demand=10, profit=1),
            ],
            [link("A", "P", "x", share=0.9), link("B", "P", "x", share=0.1)],
        )

    model = DisruptionModel(chain(8).arrays())
    baseline = solve_baseline(model, 365.0)
    assert (baseline.tts, baseline.method) == (365.0, "planned_flows_rerouted")
    assert baseline.plan[0] <= 8 * 365 * (1 + 1e-9)
    # With B at 1/day the chain makes 9 a day: 10 t <= 9 t + 100, so 100 days, by program.
    short = solve_baseline(DisruptionModel(chain(1).arrays()), 365.0)
    assert (short.tts, short.method) == (pytest.approx(100.0), "lp")
