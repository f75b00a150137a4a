"""Scoring frames with a loaded model: score, probability, expected revenue and reasons.

Pure over pandas frames (no files, no database): the file commands and the stored-shipment
use cases both call :func:`score_frame`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from trustlane.targeting.explain import TOP_REASONS, PathExplainer
from trustlane.targeting.model import FraudModel, ranking_score, revenue_if_fraud
from trustlane.targeting.reasons import reason_list, reason_texts


@dataclass
class Scored:
    """The model's view of each row of a frame."""

    score: np.ndarray
    probability: np.ndarray
    expected_revenue: np.ndarray
    revenue_if_fraud: np.ndarray
    X: pd.DataFrame
    groups: np.ndarray  # contributions per reason group (log-odds)


class Scorer:
    """A loaded model with its path explainer, ready for many chunks."""

    def __init__(self, model: FraudModel, threads: int = 2) -> None:
        self.model = model
        self.threads = threads
        self.explainer = PathExplainer(model.classifier)

    def score(self, frame: pd.DataFrame) -> Scored:
        X = self.model.design(frame)
        log_odds, groups = self.explainer.explain(self.model.classifier, X, self.threads)
        raw = 1.0 / (1.0 + np.exp(-log_odds))
        if_fraud = revenue_if_fraud(self.model.revenue_head, X, self.threads)
        probability = self.model.calibrate(raw)
        return Scored(
            score=ranking_score(raw, if_fraud, self.model.alpha),
            probability=probability,
            expected_revenue=probability * if_fraud,
            revenue_if_fraud=if_fraud,
            X=X,
            groups=groups,
        )

    def reasons(self, frame: pd.DataFrame, scored: Scored, k: int = TOP_REASONS) -> pd.Series:
        """``CODE: sentence`` reasons joined per row, for files."""
        return reason_texts(frame, scored.X, scored.groups, self.model.history, k)

    def reason_dicts(
        self, frame: pd.DataFrame, scored: Scored, k: int = TOP_REASONS
    ) -> list[list[dict[str, object]]]:
        """Reasons as dicts per row, for storage and the API."""
        return reason_list(frame, scored.X, scored.groups, self.model.history, k)
