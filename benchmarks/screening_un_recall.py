"""Benchmark 2: recall on damaged names. The UN-listed persons of
positives_un_untreated.csv are screened against the UN list; among those whose undamaged
form alerts on its entry, the share whose damaged form (positives_un_treated.csv, typos,
swaps, "LAST, First", date of birth a year off) alerts on the same entry.

    .venv/bin/python benchmarks/screening_un_recall.py [--data DIR]
"""

from __future__ import annotations

import argparse
import csv

from screening_data import build_index, data_dir
from trustlane.screening.config import current_model, current_thresholds
from trustlane.screening.engine import Screener
from trustlane.screening.files import party_from_row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data")
    parser.add_argument("--show", type=int, default=10, help="misses to print")
    args = parser.parse_args()
    data = data_dir(args.data)
    screener = Screener(build_index(data, ["un-sc"]), current_model(), current_thresholds())

    def rows(name: str) -> tuple[list[str], list[list[str]]]:
        with (data / "screening-eval" / name).open(encoding="utf-8") as fh:
            reader = csv.reader(fh)
            header = next(reader)
            return header, list(reader)

    h1, clean = rows("positives_un_untreated.csv")
    h2, damaged = rows("positives_un_treated.csv")
    found = recalled = 0
    misses = []
    for a, b in zip(clean, damaged, strict=True):
        hits_a = screener.screen(party_from_row(h1, a), explain=False)
        if not hits_a or not hits_a[0].alert:
            continue
        found += 1
        target = hits_a[0].entry.key
        hits_b = screener.screen(party_from_row(h2, b), explain=False)
        if any(h.alert and h.entry.key == target for h in hits_b):
            recalled += 1
        else:
            best = f"{hits_b[0].matched_name} {hits_b[0].score:.2f}" if hits_b else "no hit"
            misses.append(f"{a[0]!r} -> {b[0]!r}: {best}")
    print(f"undamaged names found: {found} of {len(clean)}")
    print(f"damaged names recalled: {recalled} of {found} = {recalled / found:.2%}")
    print(f"goal: recall >= 99% -> {'met' if recalled / found >= 0.99 else 'NOT met'}")
    for m in misses[: args.show]:
        print("  missed:", m)


if __name__ == "__main__":
    main()
