"""The learned fraud model: LightGBM on declaration and history features, calibrated, with an
expected-revenue head and a ranking that weighs money as well as hit rate.

Training (:func:`fit`) is seeded and respects time:

1. the latest part of the training declarations by date (``holdout_share``) is held out;
2. a classifier is fitted on the earlier part with early stopping on a slice of its own
   latest dates, and scored on the hold-out;
3. on the hold-out only: an isotonic calibration of the probability, and the ranking weight
   α of ``score = p × (1 + revenue at stake if fraud)^α``: the α on a grid whose ranking
   beats a plain LightGBM (raw columns, default parameters, fitted on the same earlier part)
   by the widest worst-case margin over precision and revenue share of the top 1/2/5/10 %
   (:func:`choose_alpha`); the hold-out figures are kept as the validation figures;
4. the classifier and the revenue head are fitted again on all declarations with the chosen
   number of rounds, and the entity history is taken from all of them.

The revenue head is a LightGBM regression of log(1 + revenue) on the fraudulent rows: the
revenue a fraud puts at stake given what is declared. With recorded outcomes it learns the
revenue recovered; on files without it, the duty at stake on the line.

The artifact (:mod:`trustlane.targeting.artifact`) keeps the boosters as LightGBM text files,
the history as Parquet and everything else as JSON: no pickles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import roc_auc_score

from trustlane.progress import NoProgress, Progress
from trustlane.targeting import drift
from trustlane.targeting import features as F
from trustlane.targeting.metrics import TOP_PERCENTS, top_n_figures

#: LightGBM parameters of the classifier (seed and threads are set per fit).
CLASSIFIER_PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.1,
    "num_leaves": 31,
    "min_data_in_leaf": 40,
    "feature_fraction": 0.7,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "cat_smooth": 20.0,
    "min_data_per_group": 50,
    "max_cat_to_onehot": 8,
    "verbose": -1,
}

#: LightGBM parameters of the revenue head.
REVENUE_PARAMS: dict[str, Any] = {
    "objective": "regression",
    "learning_rate": 0.1,
    "num_leaves": 15,
    "min_data_in_leaf": 20,
    "feature_fraction": 0.8,
    "lambda_l2": 1.0,
    "verbose": -1,
}

#: Candidate ranking weights of the expected revenue (α); 0 ranks by probability alone.
ALPHA_GRID: tuple[float, ...] = tuple(round(0.01 * i, 2) for i in range(0, 13))


@dataclass
class TrainingOptions:
    """What a training run may be told; defaults are the documented ones."""

    seed: int = 7
    holdout_share: float = 0.15  # latest share of dates held out for validation
    smoothing: float = 20.0  # strength of the pull of entity rates towards the overall rate
    max_rounds: int = 300  # a cap that keeps scoring at a million declarations a minute
    early_stopping_rounds: int = 100
    threads: int = 2

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class FraudModel:
    """A fitted model: boosters, calibration, ranking weight, vocabularies and history."""

    classifier: lgb.Booster
    revenue_head: lgb.Booster
    history: F.History
    vocab: dict[str, list[str]]
    calibration_x: list[float]
    calibration_y: list[float]
    alpha: float
    meta: dict[str, Any] = field(default_factory=dict)

    # -- features --------------------------------------------------------------------

    def design(self, frame: pd.DataFrame, *, training: bool = False) -> pd.DataFrame:
        """The feature matrix of ``frame`` in :func:`features.feature_names` order."""
        return design_matrix(frame, self.vocab, self.history, training=training)

    # -- prediction ------------------------------------------------------------------

    def predict(self, X: pd.DataFrame, *, contributions: bool = False) -> Prediction:
        raw = np.asarray(self.classifier.predict(X, num_threads=self.meta.get("threads", 2)))
        probability = self.calibrate(raw)
        threads = int(self.meta.get("threads", 2))
        if_fraud = revenue_if_fraud(self.revenue_head, X, threads)
        score = ranking_score(raw, if_fraud, self.alpha)
        contrib = None
        if contributions:
            contrib = np.asarray(
                self.classifier.predict(
                    X, pred_contrib=True, num_threads=self.meta.get("threads", 2)
                )
            )
        return Prediction(score, probability, probability * if_fraud, raw, contrib)

    def calibrate(self, raw: np.ndarray) -> np.ndarray:
        """The calibrated probability of fraud (isotonic, fitted on the hold-out)."""
        return np.asarray(np.interp(raw, self.calibration_x, self.calibration_y), dtype="float64")


@dataclass
class Prediction:
    score: np.ndarray  # the ranking value: higher = inspect first
    probability: np.ndarray  # calibrated probability of fraud
    expected_revenue: np.ndarray  # probability × revenue at stake if fraud
    raw: np.ndarray  # the classifier's own probability (used for ranking)
    contributions: np.ndarray | None  # per feature, log-odds, last column = bias


def ranking_score(raw: np.ndarray, revenue_if_fraud: np.ndarray, alpha: float) -> np.ndarray:
    """p × (1 + revenue if fraud)^α: the probability, tilted towards money by α."""
    return np.asarray(raw * np.power(1.0 + np.maximum(revenue_if_fraud, 0.0), alpha))


def build_vocab(frame: pd.DataFrame, declared: pd.DataFrame) -> dict[str, list[str]]:
    """The categories seen in training, per categorical feature (sorted, so codes are stable)."""
    source = _categorical_source(frame, declared)
    return {c: sorted(str(v) for v in source[c].dropna().unique()) for c in F.CATEGORICAL}


def _categorical_source(frame: pd.DataFrame, declared: pd.DataFrame) -> pd.DataFrame:
    src = frame[[c for c in F.CATEGORICAL if c in frame.columns]].copy()
    src["hs2"], src["hs4"] = declared["hs2"], declared["hs4"]
    return src


def design_matrix(
    frame: pd.DataFrame, vocab: dict[str, list[str]], history: F.History, *, training: bool
) -> pd.DataFrame:
    """Declared features, categories coded by ``vocab`` (unseen → missing), and history
    features: strictly earlier rows when ``training``, else ``history`` as a whole."""
    declared = F.declared_features(frame)
    source = _categorical_source(frame, declared)
    out = declared.drop(columns=["hs2", "hs4"])
    for c in F.CATEGORICAL:
        codes = pd.Index(vocab[c]).get_indexer(pd.Index(source[c].astype(object)))
        out[c] = np.where(codes >= 0, codes, np.nan).astype("float32")
    hist = history.training_features(frame) if training else history.features(frame)
    out = out.join(hist)
    return out[F.feature_names()]


def revenue_target(frame: pd.DataFrame) -> pd.Series:
    """Revenue of a fraud: the recorded recovery when known, else the duty at stake."""
    at_stake = F.duty_at_stake(frame)
    if "revenue" in frame.columns:
        return frame["revenue"].astype("float64").fillna(at_stake)
    return at_stake


def _train_classifier(
    X: pd.DataFrame,
    y: np.ndarray,
    params: dict[str, Any],
    rounds: int,
    valid: tuple[pd.DataFrame, np.ndarray] | None = None,
    early_stopping: int = 0,
) -> lgb.Booster:
    train = lgb.Dataset(X, y, categorical_feature=list(F.CATEGORICAL), free_raw_data=True)
    if valid is None:
        return lgb.train(params, train, rounds)
    vset = lgb.Dataset(valid[0], valid[1], reference=train)
    return lgb.train(
        params,
        train,
        rounds,
        valid_sets=[vset],
        callbacks=[lgb.early_stopping(early_stopping, verbose=False)],
    )


#: Rounds of the revenue head (a small model: it refines a known amount, the duty at stake).
REVENUE_ROUNDS = 100


def _train_revenue(
    X: pd.DataFrame, target: np.ndarray, fraud: np.ndarray, params: dict[str, Any]
) -> lgb.Booster:
    """Learns log((1 + revenue) / (1 + duty at stake)) on fraudulent rows: how much of the
    declared duty at stake a fraud turns out to put at risk. Trees cannot extrapolate, so
    predicting the ratio rather than the amount keeps the largest declarations at the top."""
    rows = fraud.astype(bool)
    if rows.sum() < 20:
        rows = np.ones(len(fraud), dtype=bool)  # too few frauds: learn from every row
    at_stake = np.expm1(X["log_duty_at_stake"].to_numpy(dtype="float64"))
    ratio = np.log1p(np.maximum(target, 0)) - np.log1p(np.maximum(at_stake, 0))
    data = lgb.Dataset(X[rows], ratio[rows], categorical_feature=list(F.CATEGORICAL))
    return lgb.train(params, data, REVENUE_ROUNDS)


def revenue_if_fraud(head: lgb.Booster, X: pd.DataFrame, threads: int) -> np.ndarray:
    """The revenue a fraud on each row would put at stake (the head's ratio × duty)."""
    ratio = np.asarray(head.predict(X, num_threads=threads))
    base = np.nan_to_num(X["log_duty_at_stake"].to_numpy(dtype="float64"))
    return np.asarray(np.expm1(base + ratio).clip(min=0), dtype="float64")


def split_by_date(frame: pd.DataFrame, share: float) -> pd.Series:
    """True for the rows in the latest ``share`` of the frame's distinct dates (at least one
    date is held out, and at least one kept)."""
    dates = np.sort(frame["date"].unique())
    if len(dates) < 2:
        raise ValueError("training needs declarations on at least two dates")
    held = max(1, min(len(dates) - 1, round(len(dates) * share)))
    cut = dates[len(dates) - held]
    held_out: pd.Series = frame["date"] >= cut
    return held_out


def fit(
    frame: pd.DataFrame, options: TrainingOptions | None = None, progress: Progress | None = None
) -> FraudModel:
    """Train on labelled declarations (canonical columns plus ``fraud``, ``critical``; an
    optional ``revenue`` column holds recovered revenue)."""
    options = options or TrainingOptions()
    progress = progress or NoProgress()
    frame = frame.sort_values("date", kind="stable").reset_index(drop=True)
    y = frame["fraud"].to_numpy().astype("int8")
    if len(np.unique(y)) < 2:
        raise ValueError("training needs both fraudulent and clean declarations")
    revenue = revenue_target(frame).to_numpy()
    params = {**CLASSIFIER_PARAMS, "seed": options.seed, "num_threads": options.threads}
    params["deterministic"] = True
    rev_params = {**REVENUE_PARAMS, "seed": options.seed, "num_threads": options.threads}

    # 1-2. Earlier part → hold-out, with early stopping on the earlier part's own latest dates.
    held = split_by_date(frame, options.holdout_share).to_numpy()
    early, late = frame[~held].reset_index(drop=True), frame[held].reset_index(drop=True)
    progress.update(1, 5, "features of the earlier part")
    early_history = F.History.from_labelled(early, options.smoothing)
    vocab_early = build_vocab(early, F.declared_features(early))
    X_early = design_matrix(early, vocab_early, early_history, training=True)
    stop = split_by_date(early, options.holdout_share).to_numpy()
    progress.update(2, 5, "classifier on the earlier part")
    probe = _train_classifier(
        X_early[~stop],
        y[: len(early)][~stop],
        params,
        options.max_rounds,
        valid=(X_early[stop], y[: len(early)][stop]),
        early_stopping=options.early_stopping_rounds,
    )
    rounds = max(50, int(probe.best_iteration or options.max_rounds))
    first = _train_classifier(X_early, y[: len(early)], params, rounds)
    first_revenue = _train_revenue(X_early, revenue[: len(early)], y[: len(early)], rev_params)
    X_late = design_matrix(late, vocab_early, early_history, training=False)
    raw_late = np.asarray(first.predict(X_late))
    y_late = y[len(early) :]
    rev_late = revenue[len(early) :]

    # 3. Calibration and the ranking weight, on the hold-out only.
    progress.update(3, 5, "calibration and ranking on the hold-out")
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(raw_late, y_late)
    if_fraud_late = revenue_if_fraud(first_revenue, X_late, options.threads)
    reference_late = plain_reference(early, late, options.seed, options.threads)
    alpha, alpha_table = choose_alpha(raw_late, if_fraud_late, y_late, rev_late, reference_late)
    reference = drift.reference(X_late, ranking_score(raw_late, if_fraud_late, alpha))
    validation = {
        "rows": len(late),
        "frauds": int(y_late.sum()),
        "from": str(late["date"].min().date()),
        "to": str(late["date"].max().date()),
        "auc": float(roc_auc_score(y_late, raw_late)) if 0 < y_late.sum() < len(y_late) else None,
        "top": [
            f.__dict__
            for f in top_n_figures(
                ranking_score(raw_late, if_fraud_late, alpha), y_late, rev_late, TOP_PERCENTS
            )
        ],
        "alpha_table": alpha_table,
        "reference_top": [
            f.__dict__ for f in top_n_figures(reference_late, y_late, rev_late, TOP_PERCENTS)
        ],
    }

    # 4. Final fit on everything, with the chosen number of rounds scaled to the extra data.
    progress.update(4, 5, "final classifier on all declarations")
    history = F.History.from_labelled(frame, options.smoothing)
    vocab = build_vocab(frame, F.declared_features(frame))
    X_all = design_matrix(frame, vocab, history, training=True)
    final_rounds = min(options.max_rounds, round(rounds * len(frame) / max(1, len(early))))
    classifier = _train_classifier(X_all, y, params, final_rounds)
    revenue_head = _train_revenue(X_all, revenue, y, rev_params)
    progress.update(5, 5, "done")
    thresholds_x = [float(v) for v in iso.X_thresholds_]
    thresholds_y = [float(v) for v in iso.y_thresholds_]
    meta = {
        "rows": len(frame),
        "frauds": int(y.sum()),
        "from": str(frame["date"].min().date()),
        "to": str(frame["date"].max().date()),
        "rounds": final_rounds,
        "probe_rounds": rounds,
        "classifier_params": params,
        "revenue_params": rev_params,
        "options": options.as_dict(),
        "validation": validation,
        "reference": reference,
        "threads": options.threads,
    }
    return FraudModel(
        classifier, revenue_head, history, vocab, thresholds_x, thresholds_y, alpha, meta
    )


#: Raw declaration columns of the plain reference ranking (codes label-encoded).
_RAW_COLUMNS = (
    "office", "process_type", "import_type", "import_use", "payment_type", "transport_mode",
    "declarant_id", "importer_id", "seller_id", "courier_id", "hs6", "country_departure",
    "country_origin", "tax_rate", "tax_type", "origin_indicator", "net_mass", "item_price",
)  # fmt: skip


def plain_reference(early: pd.DataFrame, late: pd.DataFrame, seed: int, threads: int) -> np.ndarray:
    """Scores of a plain LightGBM (default parameters, raw columns label-encoded) trained on
    ``early``, on ``late``: the simple ranking the model's ranking must not fall behind."""
    a, b = pd.DataFrame(index=early.index), pd.DataFrame(index=late.index)
    for col in _RAW_COLUMNS:
        if pd.api.types.is_numeric_dtype(early[col]):
            a[col], b[col] = early[col].astype("float64"), late[col].astype("float64")
        else:
            cats = pd.Index(sorted(early[col].dropna().astype(str).unique()))
            a[col] = cats.get_indexer(early[col].astype(object))
            b[col] = cats.get_indexer(late[col].astype(object))
    params = {"objective": "binary", "verbose": -1, "seed": seed, "num_threads": threads}
    booster = lgb.train(params, lgb.Dataset(a, early["fraud"].to_numpy()), 100)
    return np.asarray(booster.predict(b, num_threads=threads))


def choose_alpha(
    raw: np.ndarray,
    revenue_if_fraud: np.ndarray,
    fraud: np.ndarray,
    revenue: np.ndarray,
    reference: np.ndarray,
) -> tuple[float, list[dict[str, float]]]:
    """The ranking weight α with the widest worst-case margin over the reference ranking:
    for each α, the smallest of (precision − reference precision) and (revenue share −
    reference revenue share) over the top 1/2/5/10 %; the α where that is largest. An
    agency wants both more hits and more money than the simple ranking, at every
    inspection rate, so the weakest of those eight margins is what the choice protects."""
    ref = top_n_figures(reference, fraud, revenue)
    table = []
    for alpha in ALPHA_GRID:
        figs = top_n_figures(ranking_score(raw, revenue_if_fraud, alpha), fraud, revenue)
        margins = [f.precision - r.precision for f, r in zip(figs, ref, strict=True)]
        margins += [f.revenue - r.revenue for f, r in zip(figs, ref, strict=True)]
        table.append(
            {
                "alpha": alpha,
                "precision": float(np.mean([f.precision for f in figs])),
                "revenue": float(np.mean([f.revenue for f in figs])),
                "worst_margin": float(min(margins)),
            }
        )
    best = max(table, key=lambda row: (row["worst_margin"], -row["alpha"]))
    return float(best["alpha"]), table
