"""Benchmark 5: speed. Index build time over OFAC SDN + consolidated + UN, names screened
per second with reasons (the `screen` file path, worker processes on every core), and peak
memory (resident set of this process and its workers).

    .venv/bin/python benchmarks/screening_speed.py [--data DIR] [--limit N] [--workers N]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from screening_data import data_dir, load_records
from trustlane.screening.config import current_model, current_thresholds
from trustlane.screening.engine import Screener
from trustlane.screening.files import screen_file
from trustlane.screening.index import ScreeningIndex
from trustlane.screening.normalize import EntityKind, prepare_name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data")
    parser.add_argument("--limit", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=0)
    args = parser.parse_args()
    data = data_dir(args.data)
    items = load_records(data, ["ofac-sdn", "ofac-cons", "un-sc"])
    prepare_name("warm up", EntityKind.person)  # one-time loading of the name analysers
    prepare_name("warm up", EntityKind.organization)
    started = time.perf_counter()
    index = ScreeningIndex.build(items)
    build = time.perf_counter() - started
    print(f"index build: {build:.1f} s for {len(index.entries)} entries, {len(index.names)} names")
    screener = Screener(index, current_model(), current_thresholds())
    source = data / "screening-eval" / "negatives_us.csv"
    with tempfile.TemporaryDirectory() as tmp:
        sample = Path(tmp) / "parties.csv"
        lines = source.read_text(encoding="utf-8").splitlines()[: args.limit + 1]
        sample.write_text("\n".join(lines) + "\n", encoding="utf-8")
        started = time.perf_counter()
        summary = screen_file(sample, Path(tmp) / "out.csv", screener, workers=args.workers)
        seconds = time.perf_counter() - started
    rate = summary.rows / seconds
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"screening: {summary.rows} names in {seconds:.1f} s = {rate:,.0f} names/s with reasons")
    print(f"peak memory: {own:.0f} MB (this process), {workers:.0f} MB (largest worker)")
    print(
        f"goals: >= 2,000 names/s -> {'met' if rate >= 2000 else 'NOT met'}; "
        f"build < 10 s -> {'met' if build < 10 else 'NOT met'}; "
        f"< 1 GB -> {'met' if own < 1024 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
