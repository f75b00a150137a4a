"""Benchmark 4: cross-script pairs (cross_script_pairs.csv): the same name in Arabic,
Cyrillic, Han, Hangul, Kana, Greek, Hebrew, Thai against its Latin form. Reports the share
that reaches the file's minimum expected score and the share judged a match.

    .venv/bin/python benchmarks/screening_cross_script.py [--data DIR]
"""

from __future__ import annotations

import argparse
import csv

from screening_data import data_dir
from trustlane.screening.config import current_model
from trustlane.screening.matching import compare_names
from trustlane.screening.normalize import EntityKind


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data")
    args = parser.parse_args()
    path = data_dir(args.data) / "screening-eval" / "cross_script_pairs.csv"
    lines = [
        ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")
    ]
    model = current_model()
    reached = matched = 0
    rows = list(csv.reader(lines))
    for query, expected, minimum, description in rows:
        result = compare_names(query, expected, EntityKind.person, model)
        reached += result.score >= float(minimum)
        matched += result.is_match
        verdict = "match" if result.is_match else "-"
        print(f"  {result.score:.2f} (min {minimum}) {verdict:5s} {query} / {expected}")
        print(f"        {description}")
    print(
        f"cross-script pairs: {len(rows)}; reaching the expected minimum: {reached}; "
        f"judged a match: {matched} ({matched / len(rows):.0%})"
    )


if __name__ == "__main__":
    main()
