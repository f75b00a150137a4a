"""Benchmark: exposure and tracing on a 20,000-facility chain (goal: under 2 s each), and the
other analyses for reference, through the real use cases on a real database.

    .venv/bin/python benchmarks/supplychain_analyses.py
    .venv/bin/python benchmarks/supplychain_analyses.py --facilities 20000 \
        --database-url postgresql://postgres@127.0.0.1:5432/trustlane_bench

The chain comes from the generator (seeded) and is imported through the CSV contract. Times
are wall-clock seconds: "load" reads the chain from the database into memory, "compute" is
the analysis itself; the total is what a user waits for. List screening is left out (its
cost belongs to the screening package); high-risk areas are the built-in defaults.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from trustlane.access.principal import Principal
from trustlane.db import Database
from trustlane.migrate import upgrade
from trustlane.supplychain import chains, concentrate, expose, ingest, ports, trace
from trustlane.supplychain.generator import generate_chain


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--facilities", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--traces", type=int, default=30, help="facilities traced")
    parser.add_argument("--database-url", default=None, help="default: a scratch SQLite file")
    args = parser.parse_args()
    actor = Principal.system("benchmark")
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        database = Database(url)
        generated = generate_chain(args.facilities, args.seed)
        facilities, links = Path(tmp, "facilities.csv"), Path(tmp, "links.csv")
        generated.write(str(facilities), str(links))
        started = time.perf_counter()
        with database.session() as session:
            report = ingest.import_chain(
                session,
                actor,
                facilities.read_text(),
                links.read_text(),
                chain_name=f"bench-{args.seed}",
            )
        print(
            f"import: {report.facilities:,} facilities, {report.links:,} links in "
            f"{time.perf_counter() - started:.1f} s ({database.dialect})"
        )
        with database.session() as session:
            chain = chains.find_chain(session, actor, f"bench-{args.seed}")
            started = time.perf_counter()
            exposure = expose.compute_exposure(session, actor, chain)
            total = time.perf_counter() - started
            s = exposure.seconds
            print(
                f"exposure: {total:.2f} s (load {s['load']:.2f}, propagation "
                f"{s['propagation']:.2f}); {len(exposure.exposed):,} facilities exposed"
            )
            rng = np.random.default_rng(args.seed)
            products = generated.facilities.loc[generated.facilities["demand_per_day"] > 0, "id"]
            picked = list(rng.choice(products.to_numpy(), size=min(args.traces // 2, len(products)),
                                     replace=False))  # fmt: skip
            picked += list(rng.choice(generated.facilities["id"].to_numpy(),
                                      size=args.traces - len(picked), replace=False))  # fmt: skip
            totals, computes, sizes = [], [], []
            for code in picked:
                started = time.perf_counter()
                traced = trace.trace_facility(session, actor, chain, str(code))
                totals.append(time.perf_counter() - started)
                computes.append(traced.seconds["trace"])
                sizes.append(len(traced.trace.rows))
            print(
                f"trace ({len(picked)} facilities, half of them products; up to {max(sizes):,} "
                f"upstream): total mean {statistics.mean(totals):.2f} s, max {max(totals):.2f} s; "
                f"compute mean {statistics.mean(computes):.3f} s, max {max(computes):.3f} s"
            )
            started = time.perf_counter()
            concentration = concentrate.compute_concentration(session, actor, chain)
            print(
                f"concentration: {time.perf_counter() - started:.2f} s "
                f"({len(concentration.result.critical):,} facilities cut a product off)"
            )
            started = time.perf_counter()
            view = ports.port_view(session, actor, chain)
            print(f"ports: {time.perf_counter() - started:.2f} s ({len(view.ports)} ports)")
        database.dispose()


if __name__ == "__main__":
    main()
