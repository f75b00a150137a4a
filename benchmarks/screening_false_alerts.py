"""Benchmark 3: false alerts. The 50,000 synthetic persons of negatives_us.csv (on no list)
are screened against OFAC SDN + consolidated + UN with their dates of birth and
nationalities, as `trustlane screening screen` does; every alert is a false alert.

    .venv/bin/python benchmarks/screening_false_alerts.py [--data DIR] [--limit N]
"""

from __future__ import annotations

import argparse
import csv
import time
from collections import Counter

from screening_data import build_index, data_dir
from trustlane.screening.config import current_model, current_thresholds
from trustlane.screening.engine import Screener
from trustlane.screening.files import party_from_row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data")
    parser.add_argument("--limit", type=int, default=0, help="only the first N names")
    parser.add_argument("--show", type=int, default=15)
    args = parser.parse_args()
    data = data_dir(args.data)
    screener = Screener(
        build_index(data, ["ofac-sdn", "ofac-cons", "un-sc"]), current_model(), current_thresholds()
    )
    with (data / "screening-eval" / "negatives_us.csv").open(encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = list(reader)
    if args.limit:
        rows = rows[: args.limit]
    alerts = []
    lists: Counter[str] = Counter()
    started = time.perf_counter()
    for row in rows:
        party = party_from_row(header, row)
        hits = screener.screen(party, explain=False)
        if hits and hits[0].alert:
            alerts.append(f"{party.name!r} ~ {hits[0].matched_name!r} {hits[0].score:.2f}")
            lists[hits[0].entry.list_name] += 1
    seconds = time.perf_counter() - started
    rate = len(alerts) / len(rows)
    print(f"clean names screened: {len(rows)} in {seconds:.1f} s")
    print(f"false alerts: {len(alerts)} = {rate:.2%} ({dict(lists)})")
    print(f"goal: <= 0.5% -> {'met' if rate <= 0.005 else 'NOT met'}")
    for a in alerts[: args.show]:
        print("  ", a)


if __name__ == "__main__":
    main()
