"""Job kinds of the supply-chain package."""

from __future__ import annotations

from typing import Any

from trustlane.jobs.runner import JobContext, JobKind
from trustlane.supplychain import chains, simulate

JOBS = {
    "supplychain.resilience": JobKind(
        "trustlane.supplychain.jobs:resilience_job",
        resumable=False,
        description="Run the disruption scenarios of a supply chain (TTS and lost sales)",
    ),
}


def resilience_job(ctx: JobContext) -> dict[str, Any]:
    """Params: chain_id, horizon, scenarios, group_days. Result: the stored run's id."""
    params = ctx.params
    with ctx.database.session() as session:
        chain = chains.get_chain(session, ctx.actor, int(params["chain_id"]))
        run = simulate.run_resilience(
            session,
            ctx.actor,
            chain,
            horizon=float(params.get("horizon", 365.0)),
            kinds=tuple(params.get("scenarios", ["facility"])),
            group_days=float(params.get("group_days", simulate.GROUP_DAYS)),
            progress=ctx.progress,
        )
        return {
            "run_id": run.id,
            "baseline_tts": run.baseline_tts,
            "survives_horizon": run.survives_horizon,
            "seconds": round(run.seconds, 2),
        }
