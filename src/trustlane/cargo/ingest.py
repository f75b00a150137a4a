"""Use case: ingest a file of advance cargo data through a profile.

The file is read in chunks (``settings.ingest_chunk_rows`` rows, memory bounded by that), each
chunk checked in bulk, grouped into filings, hashed, compared with the stored current
versions, its parties resolved (:func:`trustlane.registry.resolve.resolve_parties`) and
written in one transaction: a chunk that fails leaves the database as it was for that chunk.
Every invalid row goes to the rejects CSV (row, field, value, reason); every valid row loads.

Idempotent by content: the same filing again is *unchanged* and writes nothing; a changed one
becomes a new version and the old one is kept with ``is_current`` false and ``superseded_at``.

Who may ingest: agency roles with ``shipments:write`` (administrators, targeting analysts),
any filing. Trade-member administrators may ingest only filings whose importer (exporter for
export manifests, consignee for air cargo) resolves to their own organization; their other
rows are rejected, and the parties they name are never proposed as new organizations. Carrier
events are agency-only.
"""

from __future__ import annotations

import csv
import importlib.util
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from trustlane.access import audit
from trustlane.access.principal import Principal
from trustlane.cargo import store
from trustlane.cargo.filings import (
    Details,
    Filings,
    SeenKeys,
    among_keys,
    build_events,
    build_filings,
    first_positions,
    header_disagreements,
    misplaced_lines,
    parse_bag,
    whole_filings,
)
from trustlane.cargo.mapping import Profile
from trustlane.cargo.profiles import get_profile
from trustlane.cargo.readahead import read_ahead
from trustlane.cargo.readers import RawChunk, SourceFile
from trustlane.cargo.validate import REJECT_COLUMNS, check_chunk, empty_rejects, problems
from trustlane.db import Database, begin_write, reserve_ids, utcnow
from trustlane.errors import FieldProblem, Forbidden, InvalidInput, NotFound
from trustlane.jobs.models import Job
from trustlane.jobs.runner import JobContext, create_job
from trustlane.logs import get_logger
from trustlane.progress import NoProgress, Progress
from trustlane.settings import Settings

log = get_logger(__name__)

PARTY_KEY_FIELDS = ("role", "name", "address", "city", "country")


@dataclass
class IngestSummary:
    """What an ingest did. Filings are counted once whatever their number of lines."""

    profile: str
    file: str
    format: str
    rows_read: int = 0
    rows_rejected: int = 0
    rows_loaded: int = 0  # valid rows, whether their filing was new, changed or unchanged
    filings_new: int = 0
    filings_changed: int = 0
    filings_unchanged: int = 0
    lines_written: int = 0
    parties_written: int = 0
    parties_resolved: dict[str, int] = field(default_factory=dict)
    inspections_written: int = 0
    events_new: int = 0
    events_unchanged: int = 0
    blank_lines: int = 0
    chunks: int = 0
    seconds: float = 0.0
    rows_per_second: float = 0.0
    rejects_path: str | None = None
    ignored_columns: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_source(
    path: Path, profile_name: str, fmt: str | None = None
) -> tuple[Profile, SourceFile]:
    """The profile and the opened file, or an :class:`InvalidInput` saying what is wrong:
    unknown profile, unreadable file, unknown format, required columns missing."""
    profile = get_profile(profile_name)
    source = SourceFile(path, fmt)
    missing = [c.name for c in profile.required if c.name not in source.columns]
    if missing:
        raise InvalidInput(
            f"{path.name} lacks columns that profile {profile.name} requires",
            [FieldProblem(name, "required column missing") for name in missing],
        )
    return profile, source


def ingest_file(
    database: Database,
    actor: Principal,
    path: Path,
    profile_name: str,
    *,
    fmt: str | None = None,
    rejects_path: Path,
    chunk_rows: int = 20_000,
    job_id: str | None = None,
    progress: Progress | None = None,
) -> IngestSummary:
    """Load ``path`` through the profile; rejects go to ``rejects_path``. See the module doc."""
    actor.require("shipments:write")
    profile, source = check_source(path, profile_name, fmt)
    if profile.is_events and not actor.is_agency:
        raise Forbidden("Only agency users load carrier events")
    progress = progress or NoProgress()
    known = {c.name for c in profile.columns}
    summary = IngestSummary(
        profile=profile.name,
        file=path.name,
        format=source.format,
        rejects_path=str(rejects_path),
        ignored_columns=[c for c in source.columns if c not in known],
    )
    started = time.perf_counter()
    wanted = [c.name for c in profile.columns]
    chunks = source.chunks(chunk_rows, wanted)
    if profile.multi_line:
        chunks = whole_filings(chunks, profile.key_column.name)
    seen = SeenKeys()
    rejects_path.parent.mkdir(parents=True, exist_ok=True)
    with (
        rejects_path.open("w", newline="", encoding="utf-8") as out,
        read_ahead(_prepare(profile, raw, seen) for raw in chunks) as prepared,
    ):
        writer = csv.writer(out)
        writer.writerow(REJECT_COLUMNS)
        for chunk in prepared:
            found = _write_chunk(database, actor, profile, chunk, summary, job_id)
            if len(found):
                found = found.sort_values("row", kind="stable")
                writer.writerows(found.itertuples(index=False, name=None))
                summary.rows_rejected += int(found["row"].nunique())
            summary.chunks += 1
            progress.update(chunk.done, source.size, f"{summary.rows_read:,} rows read")
    summary.seconds = round(time.perf_counter() - started, 3)
    summary.rows_per_second = (
        round(summary.rows_read / summary.seconds, 1) if summary.seconds else 0
    )
    log.info(
        "ingest done", **{k: v for k, v in summary.as_dict().items() if k != "ignored_columns"}
    )
    return summary


@dataclass
class Prepared:
    """A chunk checked and built, before it meets the database."""

    records: int  # records read (valid or not)
    blank: int  # blank lines skipped
    done: int  # bytes of the file read so far
    rejects: list[pd.DataFrame]
    filings: Filings | None = None  # filing profiles
    events: pd.DataFrame | None = None  # carrier events: their valid rows, typed
    event_rows: np.ndarray[Any, np.dtype[np.int64]] | None = None


def _prepare(profile: Profile, raw: RawChunk, seen: SeenKeys) -> Prepared:
    """Check and build one chunk, no database: runs ahead of the writes, in a thread of its
    own (:func:`read_ahead`), so that reading and checking the next chunk overlaps with
    writing this one (the drivers let go of the interpreter while the database works)."""
    found = [
        pd.DataFrame(
            {
                "row": [m.row for m in raw.malformed],
                "field": "(record)",
                "value": [m.text for m in raw.malformed],
                "reason": [m.reason for m in raw.malformed],
            }
        )
    ]
    chunk = Prepared(len(raw.frame) + len(raw.malformed), raw.blank, raw.done, found)
    if len(raw.frame) == 0:
        return chunk
    bad = np.zeros(len(raw.frame), dtype=bool)
    if not profile.is_events:
        key = profile.key_column.name
        bad, duplicates = misplaced_lines(
            raw.frame[key].str.strip(), raw.rows, key, seen, multi_line=profile.multi_line
        )
        found.append(duplicates)
    checked = check_chunk(raw.frame, raw.rows, profile)
    found.append(checked.rejects)
    keep = ~(bad | checked.bad)
    values, rows = checked.values[keep].reset_index(drop=True), raw.rows[keep]
    if profile.is_events:
        chunk.events, chunk.event_rows = values, rows
        return chunk
    disagree, disagreements = header_disagreements(values, rows, profile)
    found.append(disagreements)
    values, rows = values[~disagree].reset_index(drop=True), rows[~disagree]
    chunk.filings = build_filings(values, rows, profile)
    found.append(chunk.filings.rejects)
    return chunk


def _write_chunk(
    database: Database,
    actor: Principal,
    profile: Profile,
    chunk: Prepared,
    summary: IngestSummary,
    job_id: str | None,
) -> pd.DataFrame:
    """Write one prepared chunk; returns all its rejects."""
    summary.rows_read += chunk.records
    summary.blank_lines += chunk.blank
    found = chunk.rejects
    if chunk.events is not None and chunk.event_rows is not None:
        summary.rows_loaded += len(chunk.events)
        if len(chunk.events):
            _write_events(database, actor, profile, chunk.events, chunk.event_rows, summary, job_id)
    elif chunk.filings is not None:
        found = [*found, _write_filings(database, actor, profile, chunk.filings, summary, job_id)]
    return _concat(found)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else empty_rejects()


def _write_filings(
    database: Database,
    actor: Principal,
    profile: Profile,
    filings: Filings,
    summary: IngestSummary,
    job_id: str | None,
) -> pd.DataFrame:
    """Compare with the stored versions and write what is new or changed, in one transaction
    that holds the write lock from its first read (:func:`trustlane.db.begin_write`), so that
    the versions it compares with stay current until it commits."""
    header = filings.header
    if header.empty:
        return empty_rejects()
    rejected = [empty_rejects()]
    with database.session() as session:
        conn = session.connection()
        begin_write(conn)
        current = store.current_versions(conn, profile.kind, header["external_id"])
        stored = current.reindex(header["external_id"])
        exists = stored["id"].notna().to_numpy()
        same = exists & (stored["content_hash"].to_numpy() == header["content_hash"].to_numpy())
        if not actor.is_agency:
            foreign = exists & ~same & (stored["importer_org_id"].to_numpy() != actor.org_id)
            rejected.append(
                _reject_filings(
                    header, filings, foreign, profile, "this filing key is not yours to change"
                )
            )
            header, stored = header[~foreign], stored[~foreign]
            same = same[~foreign]
        summary.filings_unchanged += int(same.sum())
        summary.rows_loaded += int(header.loc[same, "rows"].sum())
        todo = header[~same].reset_index(drop=True)
        previous = stored[~same].reset_index()
        if todo.empty:
            return _concat(rejected)
        details = filings.details(todo["external_id"])
        parties = _resolved_parties(session, actor, details.parties)
        todo["importer_org_id"] = _tenants(todo, parties, profile.tenant_role)
        if not actor.is_agency:
            # An importer that resolved to no organization is not the member's either.
            foreign = todo["importer_org_id"].ne(actor.org_id).fillna(True).to_numpy(dtype=bool)
            rejected.append(
                _reject_filings(
                    todo,
                    filings,
                    foreign,
                    profile,
                    f"the {profile.tenant_role} is not your organization; trade members load "
                    "only their own filings",
                )
            )
            todo, previous = todo[~foreign].reset_index(drop=True), previous[~foreign]
            parties = parties[among_keys(parties["external_id"], todo["external_id"])]
        if todo.empty:
            return _concat(rejected)
        counts = _write_versions(conn, profile, todo, previous, details, parties, job_id)
        new = counts["new"]
        audit.record(
            session,
            actor,
            "ingest",
            "shipment",
            job_id,
            tenant_id=actor.tenant_id,
            summary=f"{profile.name}: {new} new and {len(todo) - new} changed filings",
            after={**counts, "first_row": int(todo["first_row"].min()), "profile": profile.name},
        )
    summary.filings_new += new
    summary.filings_changed += len(todo) - new
    summary.rows_loaded += int(todo["rows"].sum())
    summary.lines_written += counts["lines"]
    summary.parties_written += counts["parties"]
    summary.inspections_written += counts["inspections"]
    for kind, count in parties["resolution"].fillna("unresolved").value_counts().items():
        summary.parties_resolved[str(kind)] = summary.parties_resolved.get(str(kind), 0) + int(
            count
        )
    return _concat(rejected)


def _write_versions(
    conn: Connection,
    profile: Profile,
    todo: pd.DataFrame,
    previous: pd.DataFrame,
    details: Details,
    parties: pd.DataFrame,
    job_id: str | None,
) -> dict[str, int]:
    """Supersede the changed filings' current versions and write the new versions with their
    lines, parties and outcomes; what was written, counted."""
    keep = todo["external_id"]
    first_id = reserve_ids(conn, "shipments", len(todo))
    todo = todo.assign(
        id=np.arange(first_id, first_id + len(todo), dtype=np.int64),
        version=previous["version"].fillna(0).astype("int64").to_numpy() + 1,
    )
    now = utcnow()
    store.supersede(conn, previous["id"].dropna().astype("int64").tolist(), now)
    shipment_of = pd.Series(todo["id"].to_numpy(), index=todo["external_id"])
    store.insert_frame(
        conn,
        store.SHIPMENTS,
        todo.assign(
            kind=profile.kind,
            profile=profile.name,
            job_id=job_id,
            is_current=True,
            created_at=now,
            superseded_at=None,
        ),
    )
    lines = details.lines
    lines = lines[among_keys(lines["external_id"], keep)]
    written_lines = store.insert_frame(
        conn,
        store.LINES,
        lines.assign(shipment_id=shipment_of.loc[lines["external_id"]].to_numpy()),
    )
    parties = parties.assign(
        shipment_id=shipment_of.loc[parties["external_id"]].to_numpy(),
        seq=parties.groupby("external_id", sort=False).cumcount().to_numpy() + 1,
    )
    written_parties = store.insert_frame(conn, store.PARTIES, parties)
    outcomes = details.inspections
    outcomes = outcomes[among_keys(outcomes["external_id"], keep)].reset_index(drop=True)
    if len(outcomes):
        first = reserve_ids(conn, "inspections", len(outcomes))
        store.insert_frame(
            conn,
            store.INSPECTIONS,
            outcomes.assign(
                id=np.arange(first, first + len(outcomes), dtype=np.int64),
                shipment_id=shipment_of.loc[outcomes["external_id"]].to_numpy(),
                source=f"ingest:{profile.name}",
                created_at=now,
            ),
        )
    new = int((todo["version"] == 1).sum())
    return {
        "new": new,
        "changed": len(todo) - new,
        "lines": written_lines,
        "parties": written_parties,
        "inspections": len(outcomes),
    }


def _resolved_parties(session: Session, actor: Principal, parties: pd.DataFrame) -> pd.DataFrame:
    """The parties of the filings being written, each linked to an organization (or not).

    Parties repeat a lot (one importer files thousands of times), so each distinct party is
    resolved once and the answer spread back to its rows.
    """
    from trustlane.registry.resolve import resolve_parties

    parties = parties.reset_index(drop=True)
    if parties.empty:
        return parties.assign(
            organization_id=pd.Series(dtype="Int64"),
            resolution=None,
            resolution_score=np.nan,
            resolution_reason=None,
        )
    combined = parties["identifiers"].astype("str")
    for name in PARTY_KEY_FIELDS:
        combined = combined + "\x1f" + parties[name].astype("str").fillna("\x00")
    codes, _ = pd.factorize(combined)
    first = first_positions(codes)
    distinct = parties.iloc[first][[*PARTY_KEY_FIELDS, "identifiers"]].reset_index(drop=True)
    distinct = distinct.astype(object).where(distinct.notna(), None)
    bags = np.empty(len(distinct), dtype=object)
    bags[:] = [parse_bag(text) for text in distinct["identifiers"]]
    distinct["identifiers"] = bags
    resolved = resolve_parties(session, actor, distinct, propose=actor.is_agency)
    spread = resolved.reset_index(drop=True).iloc[codes].reset_index(drop=True)
    for column in ("resolution", "resolution_score", "resolution_reason"):
        parties[column] = spread[column].to_numpy()
    # Kept as Int64: a float id ("1.0") is refused by PostgreSQL's COPY into an integer column.
    parties["organization_id"] = spread["organization_id"].astype("Int64").array
    parties["resolution_reason"] = parties["resolution_reason"].astype("str").str.slice(0, 300)
    return parties


def _tenants(todo: pd.DataFrame, parties: pd.DataFrame, role: str) -> pd.Series[Any]:
    """Each filing's trade tenant: the organization of its party in ``role``."""
    of_role = parties[(parties["role"] == role) & parties["organization_id"].notna()]
    first = of_role.groupby("external_id", sort=False)["organization_id"].first()
    return pd.Series(first.reindex(todo["external_id"]).to_numpy(), dtype="Int64")


def _reject_filings(
    header: pd.DataFrame,
    filings: Filings,
    mask: np.ndarray[Any, np.dtype[np.bool_]],
    profile: Profile,
    reason: str,
) -> pd.DataFrame:
    """A reject for every row of the filings where ``mask`` holds."""
    if not mask.any():
        return empty_rejects()
    hit = among_keys(filings.keys, header.loc[mask, "external_id"])
    tenant_column = next(
        (
            c.name
            for c in profile.columns
            for t in c.parsed_targets
            if t.area == "party" and t.role == profile.tenant_role
        ),
        profile.key_column.name,
    )
    return problems(
        filings.rows[hit],
        np.ones(int(hit.sum()), dtype=bool),
        tenant_column,
        pd.Series(filings.keys[hit]).astype(str),
        reason,
    )


def _write_events(
    database: Database,
    actor: Principal,
    profile: Profile,
    values: pd.DataFrame,
    rows: np.ndarray[Any, np.dtype[np.int64]],
    summary: IngestSummary,
    job_id: str | None,
) -> None:
    """Carrier events: a message already stored (same content hash) is skipped."""
    events = build_events(values, profile)
    repeated = events["content_hash"].duplicated().to_numpy()
    with database.session() as session:
        conn = session.connection()
        begin_write(conn)
        stored = store.existing_event_hashes(conn, events["content_hash"].tolist())
        known = among_keys(events["content_hash"], list(stored)) | repeated
        summary.events_unchanged += int(known.sum())
        new = events[~known].reset_index(drop=True)
        if new.empty:
            return
        first = reserve_ids(conn, "transport_events", len(new))
        new["id"] = np.arange(first, first + len(new), dtype=np.int64)
        new["job_id"] = job_id
        store.insert_frame(conn, store.EVENTS, new)
        audit.record(
            session,
            actor,
            "ingest",
            "transport_event",
            job_id,
            tenant_id=actor.tenant_id,
            summary=f"{profile.name}: {len(new)} new events",
            after={"new": len(new), "first_row": int(rows.min()), "profile": profile.name},
        )
    summary.events_new += len(new)


# Jobs ------------------------------------------------------------------------------------


def check_may_ingest(actor: Principal) -> None:
    """Refuse early (before an upload is stored) a caller whose role may not ingest."""
    actor.require("shipments:write")


def submit_ingest(
    session: Session,
    actor: Principal,
    path: Path,
    profile_name: str,
    *,
    fmt: str | None = None,
    original_name: str | None = None,
    rejects_path: Path | None = None,
) -> Job:
    """Check the file and queue an ingest job for it (the file must stay where it is)."""
    actor.require("shipments:write")
    profile, source = check_source(path, profile_name, fmt)
    if profile.is_events and not actor.is_agency:
        raise Forbidden("Only agency users load carrier events")
    params: dict[str, Any] = {
        "path": str(path),
        "profile": profile.name,
        "format": source.format,
        "file": original_name or path.name,
        "bytes": source.size,
    }
    if rejects_path is not None:
        params["rejects"] = str(rejects_path)
    return create_job(session, actor, "ingest", params, tenant_id=actor.tenant_id, unit="bytes")


def run_job(ctx: JobContext) -> dict[str, Any]:
    """The ``ingest`` job: safe to run again after a crash (filings already loaded are
    unchanged the second time)."""
    params = ctx.params
    rejects = Path(params.get("rejects") or default_rejects_path(ctx.settings, ctx.job_id))
    summary = ingest_file(
        ctx.database,
        ctx.actor,
        Path(params["path"]),
        params["profile"],
        fmt=params.get("format"),
        rejects_path=rejects,
        chunk_rows=ctx.settings.ingest_chunk_rows,
        job_id=ctx.job_id,
        progress=ctx.progress,
    )
    summary.file = params.get("file", summary.file)
    result = summary.as_dict()
    screening = _screen_parties_after(ctx)
    if screening is not None:
        result["screening_job"] = screening
    return result


def _screen_parties_after(ctx: JobContext) -> dict[str, Any] | None:
    """Screen the named parties of what this ingest wrote, as a job of its own run right after
    (when the screening package is installed and the caller may screen)."""
    if importlib.util.find_spec("trustlane.screening.jobs") is None:
        return None
    if not ctx.actor.can("screening:write") or ctx.params.get("screen") is False:
        return None
    from trustlane.jobs.runner import create_job, execute

    with ctx.database.session() as session:
        job = create_job(
            session,
            ctx.actor,
            "screening_shipments",
            {"ingest_job": ctx.job_id},
            tenant_id=ctx.actor.tenant_id,
        )
        job_id = job.id
    finished = execute(ctx.database, ctx.settings, job_id, progress=ctx.progress)
    return {"id": job_id, "status": finished.status, **(finished.result or {})}


def default_rejects_path(settings: Settings, job_id: str) -> Path:
    return settings.path("ingest", job_id, "rejects.csv")


def rejects_of(session: Session, actor: Principal, job_id: str) -> Path:
    """The rejects file of an ingest job the caller may see."""
    from trustlane.jobs.runner import get_job

    job = get_job(session, actor, job_id)
    if job.kind != "ingest":
        raise NotFound(f"Job {job_id} is not an ingest")
    if job.result is None or not job.result.get("rejects_path"):
        raise NotFound(f"Job {job_id} has no rejects file yet (status: {job.status})")
    path = Path(job.result["rejects_path"])
    if not path.is_file():
        raise NotFound(f"The rejects file of job {job_id} is no longer on disk")
    return path
