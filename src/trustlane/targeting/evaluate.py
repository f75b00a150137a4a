"""Use case: evaluate a model on a labelled declaration file.

Scores the file as ``score`` does (without reasons), then measures the ranking against the
labels: Precision@n%, Recall@n% and Revenue@n% for n = 1, 2, 5, 10, where Revenue@n% is the
share of the duty at stake on fraudulent lines (Item Price × Tax Rate / 100) that the top
n % catch. The data set has no recovered-revenue column, so the duty at stake stands in for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from trustlane.errors import InvalidInput
from trustlane.targeting import artifact
from trustlane.targeting.features import duty_at_stake
from trustlane.targeting.metrics import TOP_PERCENTS, TopFigures, top_n_figures
from trustlane.targeting.profiles import Reject, get_profile, read_chunks
from trustlane.targeting.scoring import Scorer


@dataclass
class Evaluation:
    rows: int
    frauds: int
    figures: list[TopFigures]
    rejected: list[Reject]


def evaluate_file(
    input_path: Path, profile_name: str, model_dir: Path, *, threads: int = 2
) -> Evaluation:
    profile = get_profile(profile_name)
    model, _ = artifact.load(Path(model_dir), profile=profile.name, threads=threads)
    scorer = Scorer(model, threads)
    scores, frauds, revenue, rejects = [], [], [], []
    for chunk in read_chunks(Path(input_path), profile, labels=True):
        rejects.extend(chunk.rejects)
        if not len(chunk.frame):
            continue
        scored = scorer.score(chunk.frame)
        scores.append(scored.score)
        frauds.append(chunk.frame["fraud"].to_numpy())
        revenue.append(duty_at_stake(chunk.frame).to_numpy())
    if not scores:
        raise InvalidInput(f"{input_path}: no valid labelled declarations to evaluate on")
    score, fraud = np.concatenate(scores), np.concatenate(frauds)
    figures = top_n_figures(score, fraud, np.concatenate(revenue), TOP_PERCENTS)
    return Evaluation(len(score), int(fraud.sum()), figures, rejects)
