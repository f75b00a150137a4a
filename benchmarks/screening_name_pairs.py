"""Benchmark 1: name pairs (name_pairs_dev.csv): precision, recall, F1 at the default
thresholds, for trustlane's matcher, plain rapidfuzz token-sort Jaro-Winkler, and
nomenklatura logic-v2 when installed (in another virtual environment: give its python with
``--nk-python`` or ``TRUSTLANE_NK_PYTHON``).

    .venv/bin/python benchmarks/screening_name_pairs.py [--data DIR] [--nk-python PATH]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

from rapidfuzz.distance import JaroWinkler

from screening_data import data_dir
from trustlane.screening.config import current_model
from trustlane.screening.matching import compare_names
from trustlane.screening.normalize import kind_of, prepare_name

JW_THRESHOLD = 0.9  # plain Jaro-Winkler's usual screening cut-off
NK_THRESHOLD = 0.7  # logic-v2's default match threshold

NK_SCRIPT = """
import csv, json, sys
from followthemoney import model
from nomenklatura.matching import get_algorithm
from nomenklatura.matching.types import ScoringConfig
algo = get_algorithm(sys.argv[2]); cfg = ScoringConfig.defaults(); out = []
for i, r in enumerate(csv.DictReader(open(sys.argv[1], encoding="utf-8"))):
    a = model.make_entity(r["schema"]); a.id = f"a{i}"; a.add("name", r["name1"])
    b = model.make_entity(r["schema"]); b.id = f"b{i}"; b.add("name", r["name2"])
    out.append(algo.compare(a, b, cfg).score)
print(json.dumps(out))
"""


def prf(pred: list[bool], gold: list[bool]) -> tuple[float, float, float]:
    tp = sum(p and g for p, g in zip(pred, gold, strict=True))
    fp = sum(p and not g for p, g in zip(pred, gold, strict=True))
    fn = sum(g and not p for p, g in zip(pred, gold, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def token_sort_jw(a: str, b: str) -> float:
    def key(s: str) -> str:
        p = prepare_name(s)
        return " ".join(sorted(p.texts)) if p else ""

    return JaroWinkler.similarity(key(a), key(b))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", help="shared data folder")
    parser.add_argument("--nk-python", default=os.environ.get("TRUSTLANE_NK_PYTHON"))
    args = parser.parse_args()
    path = data_dir(args.data) / "screening-eval" / "name_pairs_dev.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    gold = [r["is_match"].strip().lower() == "true" for r in rows]
    model = current_model()
    for r in rows:  # a first pass loads the name analysers and transliterators
        compare_names(r["name1"], r["name2"], kind_of(r["schema"]), model)
    started = time.perf_counter()
    ours = [compare_names(r["name1"], r["name2"], kind_of(r["schema"]), model) for r in rows]
    seconds = time.perf_counter() - started
    results = {"trustlane": prf([s.is_match for s in ours], gold)}
    results["rapidfuzz token-sort JW"] = prf(
        [token_sort_jw(r["name1"], r["name2"]) >= JW_THRESHOLD for r in rows], gold
    )
    nk = args.nk_python
    if nk and Path(nk).exists():
        with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as fh:
            fh.write(NK_SCRIPT)
        for algo in ("logic-v2", "logic-v1"):
            out = subprocess.run(
                [nk, fh.name, str(path), algo], capture_output=True, text=True, check=True
            )
            scores = json.loads(out.stdout)
            results[f"nomenklatura {algo}"] = prf([s >= NK_THRESHOLD for s in scores], gold)
    else:
        print("nomenklatura: not run (install it in its own venv and pass --nk-python PATH)")
    print(f"name pairs: {len(rows)} ({sum(gold)} matches) from {path}")
    for name, (p, r, f1) in results.items():
        print(f"  {name:28s} precision {p:.3f}  recall {r:.3f}  F1 {f1:.3f}")
    print(f"  trustlane: {len(rows) / seconds:,.0f} pairs/s with explanations")
    print(f"  goal: F1 >= 0.88 -> {'met' if results['trustlane'][2] >= 0.88 else 'NOT met'}")


if __name__ == "__main__":
    main()
