"""Speed of targeting: training time on the public data, and CSV → CSV scoring with reasons
on a generated file of a million declarations, with its peak memory.

The file is generated from the 2021-Q1 declarations: rows drawn at random (seeded) with
fresh declaration ids, so values, codes and entities are realistic and most entities have
history. Scoring streams it in chunks, so memory stays bounded whatever the file's size.

    .venv/bin/python benchmarks/targeting_speed.py [--rows 1000000] [--data DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

import numpy as np
import pandas as pd

from trustlane.targeting.score import score_file
from trustlane.targeting.train import train_from_files

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = Path(
    os.environ.get("TRUSTLANE_CUSTOMS_DATA", HERE.parent.parent / "shared" / "data" / "customs")
)


def generate(source: Path, rows: int, target: Path, seed: int = 1) -> None:
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    rng = np.random.default_rng(seed)
    with target.open("w", newline="") as fh:
        for start in range(0, rows, 200_000):
            n = min(200_000, rows - start)
            part = frame.iloc[rng.integers(0, len(frame), n)].reset_index(drop=True)
            part["Declaration ID"] = (10**9 + start + np.arange(n)).astype(str)
            part.to_csv(fh, index=False, header=start == 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "targeting")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    started = time.monotonic()
    cpu = time.process_time()
    trained = train_from_files(
        [args.data / "df_syn_train_eng.csv"], "customs-kr", args.out / "speed-model"
    )
    print(
        f"training on {trained.rows:,} declarations: {time.monotonic() - started:.1f} s wall, "
        f"{time.process_time() - cpu:.1f} s CPU"
    )

    big = args.out / f"generated_{args.rows}.csv"
    if not big.exists():
        generate(args.data / "df_syn_valid_eng.csv", args.rows, big)
    size_mb = big.stat().st_size / 1e6
    started = time.monotonic()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time()
    result = score_file(big, "customs-kr", args.out / "speed-model", args.out / "scores.csv")
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    workers_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    cpu_total = time.process_time() - cpu + workers_cpu
    print(
        f"scoring {result.rows:,} lines ({size_mb:.0f} MB) CSV → CSV with reasons: {wall:.1f} s "
        f"wall = {result.rows / wall * 60:,.0f} lines per minute (goal ≥ 1,000,000); "
        f"CPU {cpu_total:.1f} s in all ({workers_cpu:.1f} s in worker processes)"
    )
    own_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak memory: reading process {own_mb:,.0f} MB (training included), "
        f"largest worker {after.ru_maxrss / 1024:,.0f} MB"
    )
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
