"""Job kinds of the targeting package: retraining, on demand or when due.

``targeting.retrain`` trains a candidate from stored outcomes, compares it with the active
model and promotes it when it is not worse. ``targeting.retrain_if_due`` does the same only
when the last model is older than ``every_days`` and enough outcomes are new: the job a
scheduler (cron, a systemd timer, ``trustlane targeting retrain --if-due``) runs daily.
"""

from __future__ import annotations

from typing import Any

from trustlane.jobs.runner import JobContext, JobKind
from trustlane.targeting import registry

JOBS = {
    "targeting.retrain": JobKind(
        "trustlane.targeting.jobs:retrain_job",
        description="Retrain the targeting model from stored outcomes; promote if not worse",
    ),
    "targeting.retrain_if_due": JobKind(
        "trustlane.targeting.jobs:retrain_if_due_job",
        description="Retrain when the model is old enough and enough outcomes are new",
    ),
}


def retrain_job(ctx: JobContext) -> dict[str, Any]:
    with ctx.database.session() as session:
        result = registry.retrain(
            session,
            ctx.actor,
            ctx.settings,
            compare_weeks=int(ctx.params.get("compare_weeks", 4)),
            promote_if_better=bool(ctx.params.get("promote", True)),
            seed=int(ctx.params.get("seed", 7)),
            job_id=ctx.job_id,
            progress=ctx.progress,
        )
        return {
            "version": result.model.version,
            "promoted": result.promoted,
            "comparison": result.comparison,
        }


def retrain_if_due_job(ctx: JobContext) -> dict[str, Any]:
    every = int(ctx.params.get("every_days", 7))
    minimum = int(ctx.params.get("min_new_outcomes", 100))
    with ctx.database.session() as session:
        due, why = registry.retrain_due(session, every, minimum)
    if not due:
        return {"retrained": False, "why": why}
    out = retrain_job(ctx)
    out.update(retrained=True, why=why)
    return out
