"""The learned name score: a logistic regression per kind group over :data:`FEATURES`.

A logistic regression keeps every score explainable: its log-odds are a sum of one
contribution per feature (weight × value), which the explanation lists. The model is an
artifact with a contract (a JSON file, never a pickle): feature list, version, training
date, seed, the token statistics it was trained with, and its metrics on held-out
generated pairs. Loading refuses a file whose feature list differs from the code's.

Training reads list files only (:mod:`.training`); ``trustlane screening train`` rebuilds
the shipped artifact.
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from trustlane.errors import InvalidInput
from trustlane.screening.features import (
    FEATURE_NAMES,
    FEATURES,
    PairView,
    TokenWeights,
    feature_vector,
)
from trustlane.screening.normalize import prepare_name
from trustlane.screening.records import EntryRecord
from trustlane.screening.training import TrainingPair, generate_pairs

MODEL_VERSION = "name-lr-1"

#: Weights set by reasoning, not learned, for evidence the lists cannot teach:
#: - the lists hold almost no names in syllabic scripts, yet in Han, Hangul and Kana a
#:   different character is a different name (김정은 / 김종은): a clash vetoes a match;
#: - a different number in an otherwise equal name ("Partners VII" / "Partners VIII",
#:   "Storm 1" / "Storm 2") marks a sibling of one family (funds, series, vessels), which a
#:   screening review wants to see: it lowers the score a little, and says so.
PRIOR_COEFFICIENTS = {"syllable_clash": -6.0, "number_mismatch": -0.6}
#: The artifact shipped with trustlane (rebuilt by ``trustlane screening train``).
DEFAULT_MODEL_PATH = Path(__file__).parent / "data" / "name_model.json"
#: Precision on held-out generated pairs that the screening alert threshold must reach.
REVIEW_PRECISION = 0.95
#: Tokens seen fewer times than this are left out of the artifact (their weight is 1).
MIN_STORED_DF = 2


@dataclass
class GroupModel:
    """Weights of one kind group (person, organization, object)."""

    intercept: float
    coefficients: list[float]
    threshold: float  # match threshold of a name pair (best F1 on held-out pairs)
    metrics: dict[str, float] = field(default_factory=dict)
    #: Alert threshold in screening: the lowest score at which held-out pairs are matches
    #: with at least :data:`REVIEW_PRECISION` precision (alerts cost reviewers' time).
    review_threshold: float = 0.0

    def log_odds(self, x: Sequence[float]) -> float:
        return self.intercept + sum(c * v for c, v in zip(self.coefficients, x, strict=True))

    def score(self, x: Sequence[float]) -> float:
        z = self.log_odds(x)
        return 1.0 / (1.0 + math.exp(-z)) if z > -30 else 0.0


@dataclass
class NameModel:
    version: str
    trained_at: str
    seed: int
    features: list[str]
    groups: dict[str, GroupModel]
    documents: int
    doc_freq: dict[str, int]
    training: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.weights = TokenWeights(self.doc_freq, self.documents)

    def group(self, name: str) -> GroupModel:
        return self.groups[name] if name in self.groups else self.groups["organization"]

    def to_doc(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "trained_at": self.trained_at,
            "seed": self.seed,
            "features": self.features,
            "groups": {k: asdict(v) for k, v in self.groups.items()},
            "training": self.training,
            "documents": self.documents,
            "doc_freq": self.doc_freq,
        }

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_doc(), ensure_ascii=False, sort_keys=True) + "\n")

    @classmethod
    def load(cls, path: Path) -> NameModel:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise InvalidInput(f"Cannot read the name model {path}: {exc}") from exc
        if doc.get("features") != FEATURE_NAMES:
            raise InvalidInput(
                f"The name model {path} was trained on other features "
                f"({doc.get('version')}); retrain it with `trustlane screening train`"
            )
        return cls(
            version=doc["version"],
            trained_at=doc["trained_at"],
            seed=int(doc["seed"]),
            features=list(doc["features"]),
            groups={k: GroupModel(**v) for k, v in doc["groups"].items()},
            documents=int(doc["documents"]),
            doc_freq={k: int(v) for k, v in doc["doc_freq"].items()},
            training=dict(doc.get("training", {})),
        )


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> NameModel:
    """The name model at ``path`` (default: the shipped one), loaded once per process."""
    return NameModel.load(Path(path) if path else DEFAULT_MODEL_PATH)


def token_statistics(records: Iterable[EntryRecord]) -> tuple[dict[str, int], int]:
    """Document frequency of name tokens over list entries (an entry counts a token once)."""
    df: Counter[str] = Counter()
    documents = 0
    for record in records:
        tokens: set[str] = set()
        for n in record.names:
            prepared = prepare_name(n.name, record.kind)
            if prepared is not None:
                tokens.update(t.text for t in prepared.tokens)
        if tokens:
            documents += 1
            df.update(tokens)
    return {t: c for t, c in df.items() if c >= MIN_STORED_DF}, documents


def pair_features(pair: TrainingPair, weights: TokenWeights) -> list[float] | None:
    a = prepare_name(pair.a, pair.kind)
    b = prepare_name(pair.b, pair.kind)
    if a is None or b is None:
        return None
    return feature_vector(PairView.build(a, b, weights))


def _best_threshold(scores: list[float], labels: list[bool]) -> tuple[float, dict[str, float]]:
    best = (0.5, {"f1": 0.0, "precision": 0.0, "recall": 0.0})
    for t in [i / 100 for i in range(30, 91)]:
        tp = sum(1 for s, y in zip(scores, labels, strict=True) if s >= t and y)
        fp = sum(1 for s, y in zip(scores, labels, strict=True) if s >= t and not y)
        fn = sum(1 for s, y in zip(scores, labels, strict=True) if s < t and y)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        if f1 > best[1]["f1"]:
            best = (t, {"f1": round(f1, 4), "precision": round(p, 4), "recall": round(r, 4)})
    return best


def _precise_threshold(scores: list[float], labels: list[bool], precision: float) -> float:
    for t in [i / 100 for i in range(30, 100)]:
        tp = sum(1 for s, y in zip(scores, labels, strict=True) if s >= t and y)
        fp = sum(1 for s, y in zip(scores, labels, strict=True) if s >= t and not y)
        if tp and tp / (tp + fp) >= precision:
            return t
    return 0.99


def train(records: Sequence[EntryRecord], *, seed: int = 13, per_group: int = 12_000) -> NameModel:
    """Fit the name model on pairs generated from ``records`` (list entries only)."""
    from sklearn.linear_model import LogisticRegression

    doc_freq, documents = token_statistics(records)
    weights = TokenWeights(doc_freq, documents)
    pairs = generate_pairs(records, seed=seed, per_group=per_group)
    rng = random.Random(seed)
    groups: dict[str, GroupModel] = {}
    origins: Counter[str] = Counter()
    for group in sorted({p.group for p in pairs}):
        rows: list[tuple[list[float], bool]] = []
        for pair in (p for p in pairs if p.group == group):
            x = pair_features(pair, weights)
            if x is not None:
                rows.append((x, pair.match))
                origins[
                    f"{group}:{'match' if pair.match else 'other'}:{pair.origin.split('+')[0]}"
                ] += 1
        rng.shuffle(rows)
        cut = int(len(rows) * 0.75)
        fit, held = rows[:cut], rows[cut:]
        clf = LogisticRegression(C=1.0, max_iter=2000)
        clf.fit([x for x, _ in fit], [y for _, y in fit])
        coefficients = [round(float(c), 6) for c in clf.coef_[0]]
        for name, value in PRIOR_COEFFICIENTS.items():
            coefficients[FEATURE_NAMES.index(name)] = value
        model = GroupModel(
            intercept=float(clf.intercept_[0]), coefficients=coefficients, threshold=0.5
        )
        scores = [model.score(x) for x, _ in held]
        threshold, metrics = _best_threshold(scores, [y for _, y in held])
        model.threshold = threshold
        model.review_threshold = max(
            threshold, _precise_threshold(scores, [y for _, y in held], REVIEW_PRECISION)
        )
        model.metrics = metrics | {"pairs": float(len(rows))}
        groups[group] = model
    return NameModel(
        version=MODEL_VERSION,
        trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
        seed=seed,
        features=list(FEATURE_NAMES),
        groups=groups,
        documents=documents,
        doc_freq=doc_freq,
        training={"pairs": len(pairs), "origins": dict(sorted(origins.items()))},
    )


__all__ = ["FEATURES", "GroupModel", "NameModel", "load_model", "train"]
