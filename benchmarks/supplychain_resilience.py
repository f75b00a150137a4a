"""Benchmark: every single-facility disruption scenario (TTS and lost sales), the fast engine
against the plain approach (build and solve each linear program from scratch), side by side.

    .venv/bin/python benchmarks/supplychain_resilience.py                  # 300, 2,000, 20,000
    .venv/bin/python benchmarks/supplychain_resilience.py --sizes 300 2000 --workers 2

Chains come from the generator (seeded). The fast engine runs every scenario. The plain
approach runs every scenario up to ``--plain-all-up-to`` facilities (default 2,000) and a
random sample of ``--plain-sample`` scenarios above, whose time is extrapolated (marked
"est."). Both use ``--workers`` processes. Agreement is checked on every scenario both ran:
the largest differences in TTS and lost profit, and disagreements on at_risk.

Goal (issue 7): under 20 s for all single-facility scenarios of a 2,000-facility chain.
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import numpy as np

from trustlane.supplychain.generator import generate_chain
from trustlane.supplychain.lpmodel import ChainArrays
from trustlane.supplychain.scenario_pool import run_scenarios
from trustlane.supplychain.scenarios import (
    Scenario,
    ScenarioResult,
    run_plain,
)


def chain_arrays(size: int, seed: int) -> tuple[ChainArrays, list[Scenario], int]:
    graph = generate_chain(size, seed).graph()
    arrays = graph.arrays()
    scenarios = [
        Scenario(code, "facility", (i,), float(arrays.ttr[i])) for i, code in enumerate(graph.codes)
    ]
    return arrays, scenarios, len(graph.supplier)


def _plain_chunk(args: tuple[ChainArrays, list[Scenario], float]) -> list[ScenarioResult]:
    return run_plain(*args)


def plain(
    arrays: ChainArrays, scenarios: list[Scenario], horizon: float, workers: int
) -> tuple[list[ScenarioResult], float]:
    started = time.perf_counter()
    if workers == 1:
        return run_plain(arrays, scenarios, horizon), time.perf_counter() - started
    parts = [scenarios[w::workers] for w in range(workers)]
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        answers = list(pool.map(_plain_chunk, [(arrays, p, horizon) for p in parts]))
    results: list[ScenarioResult | None] = [None] * len(scenarios)
    for w, answer in enumerate(answers):
        for j, result in enumerate(answer):
            results[w + j * workers] = result
    return [r for r in results if r is not None], time.perf_counter() - started


def agreement(fast: dict[str, ScenarioResult], plain_results: list[ScenarioResult]) -> str:
    tts = lost = 0.0
    risk = 0
    for b in plain_results:
        a = fast[b.key]
        tts = max(tts, abs(a.tts - b.tts))
        lost = max(
            lost,
            abs(a.lost_profit - (b.lost_profit if b.at_risk else 0.0)) / max(1.0, b.lost_profit),
        )
        risk += a.at_risk != b.at_risk
    return f"max |dTTS| {tts:.1e} d, max rel |dlost| {lost:.1e}, at_risk disagreements {risk}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 2000, 20000])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--horizon", type=float, default=365.0)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--plain-all-up-to", type=int, default=2000)
    parser.add_argument("--plain-sample", type=int, default=40)
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, workers: {args.workers}, load average: {os.getloadavg()}")
    rows = []
    for size in args.sizes:
        arrays, scenarios, links = chain_arrays(size, args.seed)
        run = run_scenarios(arrays, scenarios, args.horizon, workers=args.workers)
        fast = {r.key: r for r in run.results}
        at_risk = sum(r.at_risk for r in run.results)
        if size <= args.plain_all_up_to:
            sample = scenarios
        else:
            rng = np.random.default_rng(args.seed)
            picked = rng.choice(
                len(scenarios), size=min(args.plain_sample, len(scenarios)), replace=False
            )
            sample = [scenarios[i] for i in sorted(picked)]
        plain_results, plain_seconds = plain(arrays, sample, args.horizon, args.workers)
        estimated = plain_seconds * len(scenarios) / len(sample)
        label = f"{estimated:,.0f} s" + (
            "" if len(sample) == len(scenarios) else f" (est. from {len(sample)})"
        )
        rows.append(
            (size, links, len(scenarios), at_risk, run.seconds, label, estimated / run.seconds)
        )
        print(
            f"\n{size:,} facilities, {links:,} links, {len(scenarios):,} scenarios "
            f"({at_risk} at risk); undisrupted TTS {run.baseline.tts:g} d ({run.baseline.method})\n"
            f"  fast:  {run.seconds:8.1f} s   settled by {run.methods}\n"
            f"  plain: {label}\n"
            f"  agreement on {len(sample)} scenarios: {agreement(fast, plain_results)}",
            flush=True,
        )
    print("\nfacilities  links    scenarios  at risk  fast (s)  plain            speed-up")
    for size, links, count, at_risk, fast_s, plain_s, speedup in rows:
        figures = f"{size:>10,}  {links:>7,}  {count:>9,}  {at_risk:>7}  {fast_s:8.1f}"
        print(f"{figures}  {plain_s:<16} {speedup:8.0f}x")


if __name__ == "__main__":
    main()
