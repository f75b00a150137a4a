"""CLI: ``trustlane jobs list`` and ``trustlane jobs show``."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from trustlane.cli.common import console, new_app, open_database, operator
from trustlane.jobs import runner
from trustlane.jobs.schemas import JobPublic
from trustlane.paging import PageRequest

jobs_app = new_app("Background jobs (ingest, retraining, bulk screening) and their progress.")


def register(app: typer.Typer) -> None:
    app.add_typer(jobs_app, name="jobs")


@jobs_app.command("list")
def jobs_list(
    kind: Annotated[str | None, typer.Option(help="Only jobs of this kind")] = None,
    status: Annotated[str | None, typer.Option(help="queued, running, succeeded, failed")] = None,
    limit: int = 20,
) -> None:
    """List jobs, newest first."""
    database = open_database()
    with database.session() as session:
        page = runner.list_jobs(
            session, operator(), PageRequest(limit, 0), kind=kind, status=status
        )
        table = Table(
            "id", "kind", "status", "progress", "by", "created", title=f"{page.total} jobs"
        )
        for job in page.items:
            shown = JobPublic.model_validate(job)
            share = f"{shown.progress:.0%}" if shown.progress is not None else ""
            table.add_row(
                job.id,
                job.kind,
                job.status,
                share,
                job.submitted_by,
                job.created_at.isoformat(timespec="seconds"),
            )
        console.print(table)


@jobs_app.command("show")
def jobs_show(job_id: str) -> None:
    """Show one job as JSON: parameters, progress, result or error."""
    database = open_database()
    with database.session() as session:
        job = runner.get_job(session, operator(), job_id)
        console.print_json(json.dumps(JobPublic.model_validate(job).model_dump(mode="json")))
