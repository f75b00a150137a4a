"""Job kinds of the cargo package."""

from __future__ import annotations

from trustlane.jobs.runner import JobKind

JOBS = {
    "ingest": JobKind(
        "trustlane.cargo.ingest:run_job",
        resumable=True,
        description="Ingest a file of advance cargo data through a profile (idempotent)",
    ),
}
