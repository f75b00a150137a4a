"""Use case: score stored shipments: indicators and the active model, combined and explained.

The combined score is a probability: the model's log-odds (or the overall fraud rate when no
model is active yet) plus the weights of the indicators that fire (a trusted trader's tier
weighs negative), through the logistic function. Its reasons are the indicators that fired
and the model's strongest contributions. The expected value of an inspection is the
combined probability × (revenue a fraud would put at stake + the value of a hit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from trustlane.access import audit
from trustlane.access.principal import Principal
from trustlane.db import utcnow
from trustlane.progress import NoProgress, Progress
from trustlane.settings import Settings
from trustlane.targeting import registry, store
from trustlane.targeting.features import duty_at_stake
from trustlane.targeting.indicators import evaluate_indicators, load_config
from trustlane.targeting.scoring import Scorer
from trustlane.targeting.shipments import analysis_frame

#: Fraud rate assumed before any model exists (log-odds base of indicator-only scores).
BASE_RATE = 0.05
#: What finding a fraud is worth beyond the duty, in the declarations' currency; keeps
#: low-duty frauds (safety, forced labour) in the expected value.
HIT_VALUE = 1_000_000.0
#: Shipments scored per transaction.
BATCH = 20_000


@dataclass
class AssessResult:
    run_id: int
    shipments: int
    model_version: int | None


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.asarray(np.log(p / (1 - p)))


def combine(
    frame: pd.DataFrame,
    indicators_points: np.ndarray,
    model_probability: np.ndarray | None,
    revenue_if_fraud: np.ndarray,
    hit_value: float = HIT_VALUE,
) -> tuple[np.ndarray, np.ndarray]:
    """(combined probability, expected value) per row."""
    base = (
        _logit(model_probability)
        if model_probability is not None
        else np.full(len(frame), float(_logit(np.array([BASE_RATE]))[0]))
    )
    combined = 1.0 / (1.0 + np.exp(-(base + indicators_points)))
    return combined, combined * (revenue_if_fraud + hit_value)


def score_shipments(
    session: Session,
    actor: Principal,
    settings: Settings,
    *,
    declared_from: date | None = None,
    declared_to: date | None = None,
    office: str | None = None,
    shipment_ids: list[int] | None = None,
    indicators_file: Path | None = None,
    progress: Progress | None = None,
) -> AssessResult:
    """Score the current shipments that match, store the scores with reasons (audited)."""
    actor.require("targeting:write")
    progress = progress or NoProgress()
    config = load_config(indicators_file)
    active = store.active_model(session)
    scorer = None
    if active is not None:
        model, _ = registry.load_files(settings, active)
        scorer = Scorer(model)
    rows = store.shipment_frame(
        session,
        ids=shipment_ids,
        declared_from=declared_from,
        declared_to=declared_to,
        office=office,
        kinds=("declaration", "entry", "isf"),
    )
    params: dict[str, Any] = {
        "declared_from": declared_from.isoformat() if declared_from else None,
        "declared_to": declared_to.isoformat() if declared_to else None,
        "office": office,
        "shipments": len(rows),
        "indicators_file": str(indicators_file) if indicators_file else None,
    }
    run = store.new_run(session, active.version if active else None, params, actor.label)
    total = 0
    for start in range(0, len(rows), BATCH):
        part = rows.iloc[start : start + BATCH].reset_index(drop=True)
        total += _score_batch(session, run.id, part, config, scorer, active)
        progress.update(total, len(rows), f"scored {total:,} shipments")
    audit.record(
        session,
        actor,
        "score",
        "targeting_run",
        run.id,
        summary=f"scored {total} shipments"
        + (f" with model v{active.version}" if active else " with indicators only"),
        after=params,
    )
    run.shipments = total
    return AssessResult(run.id, total, active.version if active else None)


def _score_batch(
    session: Session,
    run_id: int,
    rows: pd.DataFrame,
    config: dict[str, Any],
    scorer: Scorer | None,
    active: Any,
) -> int:
    frame = analysis_frame(session, rows, config)
    usable = frame["date"].notna().to_numpy()
    frame = frame[usable].reset_index(drop=True)
    if frame.empty:
        return 0
    found = evaluate_indicators(frame, config)
    model_p: np.ndarray | None = None
    if_fraud = duty_at_stake(frame).to_numpy().copy()
    model_reasons: list[list[dict[str, object]]] = [[] for _ in range(len(frame))]
    modelable = (frame["hs6"].notna() & frame["importer_id"].notna()).to_numpy()
    if scorer is not None and modelable.any():
        sub = frame[modelable].reset_index(drop=True)
        scored = scorer.score(sub)
        model_p = np.full(len(frame), BASE_RATE)
        model_p[modelable] = scored.probability
        if_fraud[modelable] = scored.revenue_if_fraud
        for i, given in zip(
            np.flatnonzero(modelable), scorer.reason_dicts(sub, scored), strict=True
        ):
            model_reasons[i] = given
    combined, value = combine(frame, found.points, model_p, if_fraud)
    reasons: list[list[dict[str, Any]]] = [
        [*sorted(ind, key=lambda r: -abs(float(r["weight"]))), *mod]
        for ind, mod in zip(found.reasons, model_reasons, strict=True)
    ]
    first = store.reserve_score_ids(session, len(frame))
    now = utcnow()
    out = pd.DataFrame(
        {
            "id": np.arange(first, first + len(frame), dtype="int64"),
            "run_id": run_id,
            "shipment_id": frame["shipment_id"].astype("int64"),
            "is_current": True,
            "declared_on": frame["date"].dt.date,
            "office": frame["office"],
            "importer_org_id": frame["importer_org_id"].astype("Int64").astype(object),
            "score": combined.round(6),
            "model_probability": None if model_p is None else model_p.round(6),
            "indicator_points": found.points.round(4),
            "revenue_if_fraud": if_fraud.round(2),
            "expected_value": value.round(2),
            "model_version": active.version if active is not None else None,
            "trusted_tier": frame["trusted_tier"].astype("int64"),
            "reasons": reasons,
            "scored_at": now,
        }
    )
    out["importer_org_id"] = out["importer_org_id"].where(out["importer_org_id"].notna(), None)
    return store.insert_scores(session, out)
