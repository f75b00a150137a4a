"""Use cases: how the picks did week by week, and drift of inputs and score.

Performance: for each ISO week of selection days, the shipments picked for physical
inspection, how many have an outcome, the precision (frauds / inspected) and the revenue
recovered (for a fraud recorded without a recovery: the duty it put at stake), overall and
for value picks and exploration picks apart (exploration precision is
the fraud rate where the model was not looking: what it may be missing).

Drift: the active model's features of recently declared shipments, and their scores,
against the model's reference (its validation hold-out), as population stability indexes.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from trustlane.access.principal import Principal
from trustlane.errors import NotFound
from trustlane.settings import Settings
from trustlane.targeting import drift, registry, store
from trustlane.targeting.shipments import canonical


def performance(session: Session, actor: Principal, weeks: int = 12) -> list[dict[str, Any]]:
    """Precision and revenue of the physical picks per week, newest first."""
    actor.require("targeting:read")
    picks = store.picks_with_outcomes(session)
    if picks.empty:
        return []
    picks["day"] = pd.to_datetime(picks["day"])
    picks["week"] = picks["day"].dt.to_period("W-SUN").dt.start_time.dt.date
    out = []
    for week in sorted(picks["week"].unique(), reverse=True)[:weeks]:
        group = picks[picks["week"] == week]
        row: dict[str, Any] = {"week": str(week), **_figures(group)}
        explore = group[group["picked_by"].str.startswith("explore")]
        row["value_picks"] = _figures(group[group["picked_by"] == "value"])
        row["exploration_picks"] = _figures(explore)
        out.append(row)
    return out


def _figures(group: pd.DataFrame) -> dict[str, Any]:
    inspected = group[group["fraud"].notna()]
    frauds = int(inspected["fraud"].sum())
    # Recorded recovery; for frauds recorded without one, the duty the fraud put at stake.
    found = inspected["fraud"].astype("float64") > 0
    revenue = inspected["revenue"].astype("float64")
    revenue = revenue.where(revenue.notna() | ~found, inspected["revenue_if_fraud"])
    return {
        "picked": len(group),
        "inspected": len(inspected),
        "frauds": frauds,
        "precision": round(frauds / len(inspected), 4) if len(inspected) else None,
        "revenue": round(float(revenue.fillna(0).sum()), 2),
    }


def drift_report(
    session: Session, actor: Principal, settings: Settings, days: int = 28
) -> dict[str, Any]:
    """PSI of the watched inputs and of the score over the last ``days`` of declarations."""
    actor.require("targeting:read")
    active = store.active_model(session)
    if active is None:
        raise NotFound("No active model: train and promote one first")
    model, contract = registry.load_files(settings, active)
    reference = contract["training"].get("reference")
    if not reference:
        raise NotFound(
            f"Model v{active.version} has no drift reference (trained by an older version)"
        )
    kinds = ("declaration", "entry")
    last = store.latest_declared_on(session, kinds)
    if last is None:
        raise NotFound("No stored declarations to measure drift on")
    # Only the window is read: both kinds always carry their declaration day (a required
    # column of their ingest profiles), so the day alone places them in it.
    latest = store.shipment_frame(
        session, kinds=kinds, declared_from=last - timedelta(days=days - 1)
    )
    frame = canonical(latest)
    end = frame["date"].max()
    since = end - timedelta(days=days)
    recent = frame[(frame["date"] > since) & frame["hs6"].notna() & frame["importer_id"].notna()]
    recent = recent.reset_index(drop=True)
    X = model.design(recent)
    scored = model.predict(X)
    inputs = []
    for name in drift.WATCHED:
        value = drift.psi(reference[name], X[name].to_numpy(dtype="float64"))
        inputs.append({"feature": name, "psi": round(value, 4), "level": drift.level(value)})
    inputs.sort(key=lambda r: -float(str(r["psi"])))
    score_psi = drift.psi(reference["score"], scored.score)
    return {
        "model_version": active.version,
        "reference": {
            "from": contract["training"]["validation"]["from"],
            "to": contract["training"]["validation"]["to"],
        },
        "window": {"from": (since + timedelta(days=1)).date().isoformat(),
                   "to": end.date().isoformat(), "shipments": len(recent)},
        "score": {"psi": round(score_psi, 4), "level": drift.level(score_psi),
                  "mean": round(float(scored.probability.mean()), 4) if len(recent) else None},
        "inputs": inputs,
    }  # fmt: skip


def weekly_score_summary(session: Session, since: date) -> list[dict[str, Any]]:
    """Mean combined score of current scores per week of declaration (score drift in time)."""
    frame = store.score_history(session, since)
    if frame.empty:
        return []
    frame["week"] = pd.to_datetime(frame["declared_on"]).dt.to_period("W-SUN").dt.start_time
    grouped = frame.groupby("week")["score"].agg(["count", "mean"]).reset_index()
    return [
        {"week": w.date().isoformat(), "shipments": int(c), "mean_score": round(float(m), 4)}
        for w, c, m in grouped.itertuples(index=False)
    ]
