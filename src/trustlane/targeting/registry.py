"""Use cases: the model registry (database rows + model directories), retraining from
stored outcomes, comparison before promotion, promotion.

Model directories live under ``<data_dir>/targeting/models/v<N>``; a row in
``targeting_models`` records each version with its training range, parameters, validation
figures and, for candidates, the comparison with the active model on the same recent
labelled shipments. Only one version is active; promoting one retires the other.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from trustlane.access import audit
from trustlane.access.principal import Principal
from trustlane.db import utcnow
from trustlane.errors import Conflict, FieldProblem, InvalidInput, NotFound
from trustlane.progress import NoProgress, Progress
from trustlane.settings import Settings
from trustlane.targeting import artifact, store
from trustlane.targeting.features import duty_at_stake
from trustlane.targeting.metrics import top_n_figures
from trustlane.targeting.model import FraudModel, TrainingOptions, fit
from trustlane.targeting.models import TargetingModel
from trustlane.targeting.scoring import Scorer
from trustlane.targeting.shipments import labelled_training_frame

#: Fewest labelled shipments, and frauds among them, that retraining accepts.
MIN_ROWS, MIN_FRAUDS = 200, 20


def models_dir(settings: Settings) -> Path:
    return settings.data_dir / "targeting" / "models"


def _path(settings: Settings, row: TargetingModel) -> Path:
    path = Path(row.path)
    return path if path.is_absolute() else settings.data_dir / path


def load_files(settings: Settings, row: TargetingModel) -> tuple[FraudModel, dict[str, Any]]:
    return artifact.load(_path(settings, row))


def _register(
    session: Session,
    actor: Principal,
    settings: Settings,
    folder: Path,
    contract: dict[str, Any],
    *,
    source: str,
    version: int,
    comparison: dict[str, Any] | None = None,
    job_id: str | None = None,
) -> TargetingModel:
    training = contract["training"]
    try:
        rel = str(folder.resolve().relative_to(settings.data_dir.resolve()))
    except ValueError:
        rel = str(folder.resolve())
    row = TargetingModel(
        version=version,
        status="candidate",
        profile=contract["profile"],
        path=rel,
        trained_from=date.fromisoformat(training["from"]),
        trained_to=date.fromisoformat(training["to"]),
        rows=training["rows"],
        frauds=training["frauds"],
        params={
            "options": training["options"],
            "rounds": training["rounds"],
            "alpha": contract["alpha"],
            "classifier": training["classifier_params"],
        },
        validation={k: v for k, v in training["validation"].items() if k != "alpha_table"},
        comparison=comparison,
        source=source,
        job_id=job_id,
        created_by=actor.label,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "targeting_model",
        row.version,
        summary=f"model v{row.version} trained on {row.rows} declarations ({source})",
        after={"version": row.version, "path": rel, "from": training["from"], "to": training["to"]},
    )
    return row


def import_model(
    session: Session, actor: Principal, settings: Settings, folder: Path
) -> TargetingModel:
    """Register a model directory trained from files (copied under the data directory)."""
    actor.require("targeting:write")
    contract = artifact.read_contract(folder)
    artifact.load(folder)  # refuses changed or incomplete files before anything is copied
    version = store.next_model_version(session)
    target = models_dir(settings) / f"v{version}"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(folder, target)
    return _register(session, actor, settings, target, contract, source="files", version=version)


def list_models(session: Session, actor: Principal) -> list[TargetingModel]:
    actor.require("targeting:read")
    return store.list_models(session)


def get_model(session: Session, actor: Principal, version: int) -> TargetingModel:
    actor.require("targeting:read")
    row = store.model_by_version(session, version)
    if row is None:
        raise NotFound(f"Model v{version} not found")
    return row


def evaluate_on(model: FraudModel, frame: pd.DataFrame) -> dict[str, Any]:
    """Figures of ``model`` on labelled ``frame`` (revenue: recovered, else duty at stake)."""
    scored = Scorer(model).score(frame)
    revenue = frame["revenue"].astype("float64").fillna(duty_at_stake(frame)).to_numpy()
    figs = top_n_figures(scored.score, frame["fraud"].to_numpy(), revenue)
    return {
        "rows": len(frame),
        "frauds": int(frame["fraud"].sum()),
        "top": [f.__dict__ for f in figs],
        "mean_precision": float(np.mean([f.precision for f in figs])),
        "mean_revenue": float(np.mean([f.revenue for f in figs])),
    }


def compare(
    candidate: FraudModel, current: FraudModel | None, recent: pd.DataFrame
) -> dict[str, Any]:
    """Both models on the same recent labelled shipments; the candidate passes when it is
    not worse on mean precision nor on mean revenue of the top 1/2/5/10 %."""
    if recent.empty:
        return {"recent_rows": 0, "passed": current is None, "why": "no recent labelled shipments"}
    ours = evaluate_on(candidate, recent)
    out: dict[str, Any] = {
        "recent_rows": len(recent),
        "from": str(recent["date"].min().date()),
        "to": str(recent["date"].max().date()),
        "candidate": ours,
    }
    if current is None:
        out.update(passed=True, why="no active model to compare with")
        return out
    theirs = evaluate_on(current, recent)
    out["current"] = theirs
    passed = (
        ours["mean_precision"] >= theirs["mean_precision"]
        and ours["mean_revenue"] >= theirs["mean_revenue"]
    )
    out["passed"] = bool(passed)
    out["why"] = (
        "not worse on precision nor revenue"
        if passed
        else "worse than the active model on precision or revenue"
    )
    return out


@dataclass
class RetrainResult:
    model: TargetingModel
    promoted: bool
    comparison: dict[str, Any]


def retrain(
    session: Session,
    actor: Principal,
    settings: Settings,
    *,
    compare_weeks: int = 4,
    promote_if_better: bool = True,
    seed: int = 7,
    job_id: str | None = None,
    progress: Progress | None = None,
) -> RetrainResult:
    """Train a candidate on stored outcomes, compare it with the active model on the latest
    ``compare_weeks`` of labelled shipments (kept out of its training), register it, and
    promote it when it is not worse (and ``promote_if_better``)."""
    actor.require("targeting:write")
    progress = progress or NoProgress()
    frame = labelled_training_frame(session)
    frauds = int(frame["fraud"].sum()) if len(frame) else 0
    if len(frame) < MIN_ROWS or frauds < MIN_FRAUDS:
        raise InvalidInput(
            "Too few inspection outcomes to train on",
            [
                FieldProblem(
                    "outcomes",
                    f"{len(frame)} labelled shipments, {frauds} frauds; "
                    f"need {MIN_ROWS} and {MIN_FRAUDS}",
                )
            ],
        )
    cutoff = frame["date"].max() - timedelta(weeks=compare_weeks)
    train_part = frame[frame["date"] <= cutoff].reset_index(drop=True)
    recent = frame[frame["date"] > cutoff].reset_index(drop=True)
    if len(train_part) < MIN_ROWS or train_part["fraud"].nunique() < 2:
        train_part, recent = frame, frame.iloc[:0]
    try:
        model = fit(train_part, TrainingOptions(seed=seed), progress)
    except ValueError as exc:
        raise InvalidInput(f"Cannot train on the stored outcomes: {exc}") from None
    active = store.active_model(session)
    current = load_files(settings, active)[0] if active is not None else None
    comparison = compare(model, current, recent)
    version = store.next_model_version(session)
    folder = models_dir(settings) / f"v{version}"
    contract = artifact.save(model, folder, profile="stored", sources=["stored outcomes"])
    row = _register(
        session, actor, settings, folder, contract,
        source="stored", version=version, comparison=comparison, job_id=job_id,
    )  # fmt: skip
    promoted = False
    if promote_if_better and comparison.get("passed"):
        promote(session, actor, row.version)
        promoted = True
    return RetrainResult(row, promoted, comparison)


def promote(
    session: Session, actor: Principal, version: int, *, force: bool = False
) -> TargetingModel:
    """Make ``version`` the active model (audited); refuses a candidate that lost its
    comparison unless ``force``."""
    actor.require("targeting:write")
    row = get_model(session, actor, version)
    if row.status == "active":
        return row
    if not force and row.comparison is not None and not row.comparison.get("passed", True):
        raise Conflict(
            f"Model v{version} did worse than the active model on recent shipments "
            f"({row.comparison.get('why')}); promote with force to override"
        )
    before = store.active_model(session)
    if before is not None:
        before.status = "retired"
    row.status = "active"
    row.promoted_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "promote",
        "targeting_model",
        row.version,
        summary=f"model v{row.version} active" + (f", v{before.version} retired" if before else ""),
        before={"active": before.version if before else None},
        after={"active": row.version, "forced": force},
    )
    return row


def retrain_due(session: Session, every_days: int, min_new_outcomes: int) -> tuple[bool, str]:
    """Whether a scheduled retraining should run now, and why."""
    last = store.last_trained_at(session)
    new = store.outcomes_since(session, last)
    if last is None:
        return new >= min_new_outcomes, f"no model yet; {new} outcomes recorded"
    age = (utcnow() - last).days
    if age < every_days:
        return False, f"last model is {age} day(s) old (retrain every {every_days})"
    if new < min_new_outcomes:
        return False, f"only {new} new outcomes since the last model (need {min_new_outcomes})"
    return True, f"last model is {age} day(s) old and {new} outcomes are new"
