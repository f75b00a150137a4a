"""The fast engine against the plain approach on generated multi-tier chains.

The fast path may skip, reroute and solve regions only where it can prove the result; so on
every scenario it must give what building and solving the whole programs gives.
"""

from __future__ import annotations

import numpy as np
import pytest

from trustlane.supplychain.generator import generate_chain
from trustlane.supplychain.graph import ChainGraph
from trustlane.supplychain.lpmodel import DisruptionModel, Mode
from trustlane.supplychain.rerouting import Rerouter
from trustlane.supplychain.scenario_pool import run_scenarios
from trustlane.supplychain.scenarios import (
    Scenario,
    ScenarioSolver,
    run_plain,
    solve_baseline,
)
from trustlane.supplychain.simulate import build_scenarios


def generated(size: int, seed: int, shortfall: bool = False) -> ChainGraph:
    return generate_chain(size, seed, capacity_shortfall=shortfall).graph()


def assert_same(fast: list, plain: list) -> None:  # type: ignore[type-arg]
    for a, b in zip(fast, plain, strict=True):
        assert a.key == b.key
        assert a.tts == pytest.approx(b.tts, rel=1e-6, abs=1e-6), a
        assert a.at_risk == b.at_risk, (a, b)
        expected = b.lost_profit if b.at_risk else 0.0
        assert a.lost_profit == pytest.approx(expected, rel=1e-6, abs=1e-4), (a, b)
        # The specification's claim, on the independent plain programs:
        assert b.at_risk == (b.lost_units > 1e-6), b


@pytest.mark.slow
@pytest.mark.parametrize(("seed", "shortfall"), [(11, False), (12, True)])
def test_every_single_facility_scenario_matches_the_plain_programs(
    seed: int, shortfall: bool
) -> None:
    g = generated(70, seed, shortfall)
    scenarios, _ = build_scenarios(g, ("facility",))
    fast = run_scenarios(g.arrays(), scenarios, workers=1)
    assert_same(fast.results, run_plain(g.arrays(), scenarios))
    assert (fast.baseline.tts < 365.0) == shortfall
    # The shortcuts were used, and every kind of proof at least once across the chain.
    assert fast.methods.get("rerouted", 0) > 0


@pytest.mark.slow
def test_group_scenarios_match_the_plain_programs() -> None:
    g = generated(80, 21)
    scenarios, labels = build_scenarios(g, ("port", "country", "region"), group_days=30.0)
    assert {s.kind for s in scenarios} == {"port", "country", "region"}
    assert all(labels[(s.kind, s.key)] for s in scenarios)
    fast = run_scenarios(g.arrays(), scenarios, workers=1)
    assert_same(fast.results, run_plain(g.arrays(), scenarios))


@pytest.mark.slow
def test_a_larger_chain_matches_on_both_cores() -> None:
    g = generated(300, 5, shortfall=True)
    scenarios, _ = build_scenarios(g, ("facility",))
    fast = run_scenarios(g.arrays(), scenarios, workers=2)
    assert_same(fast.results, run_plain(g.arrays(), scenarios))


def test_region_programs_agree_with_whole_programs_on_random_disruptions() -> None:
    g = generated(90, 31, shortfall=True)
    chain = g.arrays()
    model = DisruptionModel(chain)
    baseline = solve_baseline(model, 365.0)
    solver = ScenarioSolver(chain, baseline, 365.0)
    rng = np.random.default_rng(0)
    for _ in range(12):
        down = sorted(rng.choice(g.n, size=int(rng.integers(1, 4)), replace=False).tolist())
        scenario = Scenario("x", "random", tuple(down), float(rng.integers(5, 120)))
        result = solver.solve(scenario)
        tts = -model.solve_full(Mode.tts, 365.0, down).objective
        assert result.tts == pytest.approx(min(tts, baseline.tts), rel=1e-6, abs=1e-6)
        if result.at_risk:
            lost = model.solve_full(Mode.lost, scenario.duration, down).objective
            assert result.lost_profit == pytest.approx(lost, rel=1e-6, abs=1e-4)


def test_a_rerouting_certificate_is_a_feasible_plan_and_a_true_claim() -> None:
    g = generated(120, 41)
    chain = g.arrays()
    model = DisruptionModel(chain)
    baseline = solve_baseline(model, 365.0)
    rerouter = Rerouter(model, baseline.plan, baseline.tts)
    certified = 0
    for k in range(g.n):
        if rerouter.certify([k]):
            certified += 1
            assert rerouter.recomputed_rows_hold(), g.codes[k]
            if certified % 5 == 0:  # spot-check the claim with the whole program
                tts = -model.solve_full(Mode.tts, 365.0, [k]).objective
                assert tts == pytest.approx(baseline.tts)
    assert certified >= 10  # the claim was exercised, not vacuously true
