"""Drift of inputs and of the score: population stability index (PSI) against the model's
reference (its validation hold-out), pure functions.

PSI = Σ (recent share − reference share) × ln(recent share / reference share) over ten
quantile bins of the reference. Common reading: below 0.1 stable, 0.1–0.25 moderate shift,
above 0.25 a shift worth retraining for.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

#: Features whose drift is watched (numbers the model reads; categories are summarized by
#: the history rates of their entities).
WATCHED = (
    "tax_rate",
    "log_item_price",
    "log_net_mass",
    "log_unit_value",
    "log_duty_at_stake",
    "origin_differs",
    "uv_z_hs6",
    "importer_fraud_rate",
    "importer_log_n",
    "hs6_fraud_rate",
    "hs6_origin_fraud_rate",
    "seller_fraud_rate",
    "declarant_fraud_rate",
)
BINS = 10
_FLOOR = 1e-4


def _edges(values: np.ndarray) -> list[float]:
    finite = values[np.isfinite(values)]
    if not len(finite):
        return []
    qs = np.unique(np.quantile(finite, np.linspace(0, 1, BINS + 1)[1:-1]))
    return [float(q) for q in qs]


def _shares(values: np.ndarray, edges: list[float]) -> list[float]:
    """Shares per bin (last bin: missing values)."""
    missing = ~np.isfinite(values)
    idx = np.searchsorted(np.asarray(edges), values[~missing], side="right")
    counts = np.bincount(idx, minlength=len(edges) + 1).astype("float64")
    counts = np.append(counts, missing.sum())
    return [float(c) for c in counts / max(1.0, counts.sum())]


def reference(X: pd.DataFrame, score: np.ndarray) -> dict[str, Any]:
    """Bins and shares of the watched features and of the score on the reference rows."""
    out: dict[str, Any] = {}
    for name in WATCHED:
        values = X[name].to_numpy(dtype="float64")
        edges = _edges(values)
        out[name] = {"edges": edges, "shares": _shares(values, edges)}
    edges = _edges(np.asarray(score, dtype="float64"))
    out["score"] = {"edges": edges, "shares": _shares(np.asarray(score, dtype="float64"), edges)}
    return out


def psi(ref: dict[str, Any], values: np.ndarray) -> float:
    expected = np.maximum(np.asarray(ref["shares"]), _FLOOR)
    actual = np.maximum(
        np.asarray(_shares(np.asarray(values, dtype="float64"), ref["edges"])), _FLOOR
    )
    return float(np.sum((actual - expected) * np.log(actual / expected)))


def level(value: float) -> str:
    return "stable" if value < 0.1 else ("moderate" if value < 0.25 else "major")
