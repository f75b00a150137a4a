"""Background job: bulk screening of a large file (a supplier master, a year of parties).

The file is screened in chunks; each finished chunk is written to its own part file and
counted in ``screening_bulk_runs``, so a run cut short by a crash resumes at the first
unfinished chunk (the job kind is resumable). The parts are joined into the output at the
end, with the same columns as ``trustlane screening screen``.
"""

from __future__ import annotations

import csv
import uuid
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy.orm import Session

from trustlane.access.principal import Principal
from trustlane.errors import Conflict, FieldProblem, InvalidInput, NotFound, PayloadTooLarge
from trustlane.jobs.models import Job
from trustlane.jobs.runner import JobContext, JobKind, create_job, get_job
from trustlane.screening.files import SCREEN_COLUMNS, read_table, screen_chunk, use_screener
from trustlane.screening.models import BulkRun
from trustlane.settings import Settings

#: Rows per chunk (per part file and per progress step).
BULK_CHUNK = 2_000

JOBS = {
    "screening_bulk": JobKind(
        "trustlane.screening.jobs:run_bulk",
        resumable=True,
        description="Screen a CSV of parties against the loaded lists, resumably",
    ),
    "screening_shipments": JobKind(
        "trustlane.screening.jobs:run_shipments",
        resumable=True,
        description="Screen the named parties of the shipments one ingest job wrote",
    ),
}


def run_shipments(ctx: JobContext) -> dict[str, Any]:
    """Screen the parties of the shipments written by ingest job ``params.ingest_job``.

    Safe to run again: a party screened twice against unchanged lists raises no new alert.
    """
    import sqlalchemy as sa

    from trustlane.cargo.models import Shipment
    from trustlane.screening.parties import screen_shipments

    ingest_job = str(ctx.params["ingest_job"])
    with ctx.database.sessions() as session:
        ids = list(session.scalars(sa.select(Shipment.id).where(Shipment.job_id == ingest_job)))
    screened, alerts = screen_shipments(
        ctx.database, ctx.settings, ctx.actor, ids, progress=ctx.progress
    )
    return {
        "ingest_job": ingest_job,
        "shipments": len(ids),
        "parties_screened": screened,
        "alerts": alerts,
    }


def run_bulk(ctx: JobContext) -> dict[str, Any]:
    """Screen ``params.input`` into ``params.output`` (optionally ``params.lists``)."""
    from trustlane.screening.screeners import get_screener

    ctx.actor.require("screening:write")
    source = Path(ctx.params["input"])
    output = Path(ctx.params["output"])
    header, rows = read_table(source)
    screener = get_screener(ctx.database, ctx.settings, ctx.params.get("lists") or None)
    chunks = [rows[i : i + BULK_CHUNK] for i in range(0, len(rows), BULK_CHUNK)]
    with ctx.database.session() as session:
        run = session.get(BulkRun, ctx.job_id)
        if run is None:
            # Counters set here: column defaults only apply when the row is written.
            run = BulkRun(
                job_id=ctx.job_id,
                input_path=str(source),
                output_path=str(output),
                rows_total=len(rows),
                chunks_done=0,
                rows_done=0,
                alerts=0,
            )
            session.add(run)
        done, alerts = run.chunks_done, run.alerts
    use_screener(screener)
    try:
        for n in range(done, len(chunks)):
            if ctx.cancelled():
                break
            start = n * BULK_CHUNK
            result = screen_chunk((header, [(start + i + 2, r) for i, r in enumerate(chunks[n])]))
            part = output.with_name(f"{output.name}.part{n:05d}")
            with part.open("w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                for number, cells, hits in result:
                    writer.writerow([*rows[number - 2][: len(header)], *cells])
                    alerts += bool(hits)
            with ctx.database.session() as session:
                run = session.get(BulkRun, ctx.job_id)
                assert run is not None
                run.chunks_done, run.rows_done, run.alerts = n + 1, start + len(chunks[n]), alerts
            ctx.progress.update(start + len(chunks[n]), len(rows), f"chunk {n + 1}/{len(chunks)}")
    finally:
        use_screener(None)
    tmp = output.with_name(output.name + ".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerow(header + [c for c in SCREEN_COLUMNS if c not in header])
        for n in range(len(chunks)):
            part = output.with_name(f"{output.name}.part{n:05d}")
            out.write(part.read_text(encoding="utf-8"))
    tmp.replace(output)
    for n in range(len(chunks)):
        output.with_name(f"{output.name}.part{n:05d}").unlink(missing_ok=True)
    return {"rows": len(rows), "alerts": alerts, "output": str(output)}


#: Bytes copied at a time when an upload is saved.
_COPY_BLOCK = 1 << 20


def submit_bulk(
    session: Session,
    settings: Settings,
    actor: Principal,
    filename: str,
    source: BinaryIO,
    lists: list[str] | None = None,
) -> Job:
    """Save an uploaded CSV of parties under the data folder and queue its bulk screening
    job (audited by :func:`create_job`). The caller commits, then starts the job."""
    actor.require("screening:write")
    if not filename.lower().endswith(".csv"):
        raise InvalidInput("Expected a CSV file", [FieldProblem("file", "must end in .csv")])
    target = settings.path("screening", "bulk", f"{uuid.uuid4().hex}.csv")
    limit = settings.max_upload_mb * 2**20
    size = 0
    with target.open("wb") as fh:
        while block := source.read(_COPY_BLOCK):
            size += len(block)
            if size > limit:
                break
            fh.write(block)
    if size > limit or size == 0:
        target.unlink(missing_ok=True)
        if size == 0:
            raise InvalidInput("The file is empty", [FieldProblem("file", "is empty")])
        raise PayloadTooLarge(
            f"The file is larger than the limit of {settings.max_upload_mb} MB",
            [FieldProblem("file", f"larger than {settings.max_upload_mb} MB")],
        )
    params: dict[str, Any] = {"input": str(target), "output": str(target.with_suffix(".out.csv"))}
    if lists:
        params["lists"] = lists
    return create_job(
        session, actor, "screening_bulk", params, tenant_id=actor.tenant_id, unit="rows"
    )


def get_bulk_job(session: Session, actor: Principal, job_id: str) -> Job:
    """A bulk screening job the caller may see (its own, its tenant's, or any for the
    agency)."""
    actor.require("screening:read")
    job = get_job(session, actor, job_id)
    if job.kind != "screening_bulk":
        raise NotFound(f"Bulk screening job {job_id} not found")
    return job


def bulk_output(session: Session, actor: Principal, job_id: str) -> Path:
    """The screened file of a finished bulk job the caller may see."""
    job = get_bulk_job(session, actor, job_id)
    if job.status != "succeeded":
        raise Conflict(f"The job is {job.status}; its file is ready when it has succeeded")
    path = Path(str(job.params["output"]))
    if not path.exists():
        raise NotFound("The screened file is no longer on the server")
    return path
