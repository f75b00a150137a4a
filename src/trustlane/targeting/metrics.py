"""Figures of a ranking: precision, recall and revenue of the top n % (pure functions).

These are the figures of the customs fraud-detection literature (DATE, Kim et al. KDD 2020;
the WCO BACUDA project): an agency inspects the top n % of declarations by score, so what
matters is how many of those are frauds (precision), how many of all frauds they catch
(recall), and how much of the duty at stake on fraudulent lines they catch (revenue).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: The shares of declarations inspected that the figures are given for, in percent.
TOP_PERCENTS: tuple[int, ...] = (1, 2, 5, 10)


@dataclass(frozen=True)
class TopFigures:
    """Precision, recall and revenue share of the top ``percent`` % by score."""

    percent: float
    inspected: int
    precision: float
    recall: float
    revenue: float


def top_n_figures(
    score: np.ndarray,
    fraud: np.ndarray,
    revenue: np.ndarray,
    percents: Sequence[float] = TOP_PERCENTS,
) -> list[TopFigures]:
    """Figures for each share. Ties in the score are broken by position (stable sort), so the
    figures do not depend on luck; ``revenue`` is the amount recovered on a fraudulent row
    (rows that are not fraudulent count as 0 whatever this says)."""
    score = np.asarray(score, dtype="float64")
    fraud = np.asarray(fraud).astype(bool)
    gained = np.where(fraud, np.asarray(revenue, dtype="float64"), 0.0)
    order = np.argsort(-score, kind="stable")
    total_fraud = max(int(fraud.sum()), 1)
    total_revenue = float(gained.sum()) or 1.0
    out = []
    for percent in percents:
        k = max(1, int(np.ceil(len(score) * percent / 100.0))) if len(score) else 0
        top = order[:k]
        caught = int(fraud[top].sum())
        out.append(
            TopFigures(
                percent=float(percent),
                inspected=k,
                precision=caught / k if k else 0.0,
                recall=caught / total_fraud,
                revenue=float(gained[top].sum()) / total_revenue,
            )
        )
    return out


def format_figures(figures: Sequence[TopFigures]) -> list[str]:
    """One line per figure, as the evaluate command prints them."""
    lines = []
    for f in figures:
        n = f"{f.percent:g}"
        lines.append(f"Precision@{n}%\t{f.precision:.4f}")
    for f in figures:
        lines.append(f"Recall@{f.percent:g}%\t{f.recall:.4f}")
    for f in figures:
        lines.append(f"Revenue@{f.percent:g}%\t{f.revenue:.4f}")
    return lines
