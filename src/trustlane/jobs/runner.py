"""Runs jobs in worker threads and records their progress, result or error."""

from __future__ import annotations

import importlib
import importlib.util
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from trustlane.access import audit
from trustlane.access.principal import Principal
from trustlane.access.roles import Role
from trustlane.db import Database, utcnow
from trustlane.errors import InvalidInput, NotFound, TrustlaneError
from trustlane.jobs.models import Job
from trustlane.logs import get_logger
from trustlane.paging import Page, PageRequest, paginate
from trustlane.progress import NoProgress, Progress
from trustlane.settings import Settings

log = get_logger(__name__)

#: Each package may have a ``jobs`` module with ``JOBS: dict[str, JobKind]`` (kind name →
#: how to run it). Kinds marked resumable are re-run after a crash (their functions must be
#: idempotent); the others are marked failed as interrupted.


@dataclass(frozen=True)
class JobKind:
    """A kind of job: ``"module:function"`` taking a :class:`JobContext` and returning a
    JSON-safe result dict, and whether a run cut short may simply be run again."""

    target: str
    resumable: bool = False
    description: str = ""


def kinds() -> dict[str, JobKind]:
    """Every job kind of every package (from ``trustlane.<package>.jobs.JOBS``)."""
    from trustlane.models import PACKAGES

    found: dict[str, JobKind] = {}
    for package in PACKAGES:
        name = f"trustlane.{package}.jobs"
        if package != "jobs" and importlib.util.find_spec(name) is not None:
            found.update(importlib.import_module(name).JOBS)
    return found


#: A running job that has not reported for this long is taken to have died with its process.
STALE_AFTER = timedelta(minutes=5)


@dataclass
class JobContext:
    """What a job function gets: its parameters, who asked, the database, and a progress sink."""

    job_id: str
    params: dict[str, Any]
    actor: Principal
    database: Database
    settings: Settings
    progress: Progress
    _cancel: threading.Event = field(default_factory=threading.Event)

    def cancelled(self) -> bool:
        return self._cancel.is_set()


class _RowProgress:
    """Writes progress to the job row, at most twice a second, and forwards it."""

    def __init__(self, database: Database, job_id: str, forward: Progress) -> None:
        self._db = database
        self._id = job_id
        self._forward = forward
        self._last = 0.0

    def update(self, done: int, total: int | None = None, message: str | None = None) -> None:
        self._forward.update(done, total, message)
        now = time.monotonic()
        if now - self._last < 0.5:
            return
        self._last = now
        values: dict[str, Any] = {"progress_done": done, "heartbeat_at": utcnow()}
        if total is not None:
            values["progress_total"] = total
        if message is not None:
            values["message"] = message
        with self._db.engine.begin() as conn:
            conn.execute(sa.update(Job).where(Job.id == self._id).values(**values))


def _resolve(kind: str) -> Callable[[JobContext], dict[str, Any]]:
    known = kinds()
    if kind not in known:
        raise InvalidInput(f"Unknown job kind {kind!r}; known: {', '.join(sorted(known))}")
    module, _, func = known[kind].target.partition(":")
    fn: Callable[[JobContext], dict[str, Any]] = getattr(importlib.import_module(module), func)
    return fn


def create_job(
    session: Session,
    actor: Principal,
    kind: str,
    params: dict[str, Any],
    *,
    tenant_id: int | None = None,
    unit: str = "items",
) -> Job:
    """Insert a queued job (audited) in the caller's transaction."""
    _resolve(kind)
    job = Job(
        id=str(uuid.uuid4()),
        kind=kind,
        status="queued",
        params=params,
        progress_unit=unit,
        submitted_by=actor.label,
        submitted_by_user_id=actor.user_id,
        tenant_id=tenant_id,
    )
    session.add(job)
    session.flush()
    audit.record(
        session,
        actor,
        "submit",
        "job",
        job.id,
        tenant_id=tenant_id,
        summary=f"{kind} job queued",
        after={"kind": kind, "params": params},
    )
    return job


def execute(
    database: Database, settings: Settings, job_id: str, progress: Progress | None = None
) -> Job:
    """Run one queued job to completion in this thread; returns the finished row."""
    with database.session() as session:
        job = session.get(Job, job_id)
        if job is None:
            raise NotFound(f"Job {job_id} not found")
        job.status = "running"
        job.started_at = job.heartbeat_at = utcnow()
        job.attempts += 1
        kind, params = job.kind, dict(job.params)
        actor = Principal(
            label=job.submitted_by,
            role=_role_of(session, job),
            org_id=job.tenant_id,
            user_id=job.submitted_by_user_id,
        )
    ctx = JobContext(
        job_id=job_id,
        params=params,
        actor=actor,
        database=database,
        settings=settings,
        progress=_RowProgress(database, job_id, progress or NoProgress()),
    )
    status, result, error = "succeeded", None, None
    try:
        result = _resolve(kind)(ctx)
    except TrustlaneError as exc:
        status, error = "failed", str(exc)
    except Exception as exc:
        log.exception("job failed", job_id=job_id, kind=kind)
        status, error = "failed", f"internal error: {type(exc).__name__}: {exc}"
    with database.session() as session:
        job = session.get(Job, job_id)
        assert job is not None
        job.status, job.result, job.error = status, result, error
        job.finished_at = job.heartbeat_at = utcnow()
        if status == "succeeded" and job.progress_total is not None:
            job.progress_done = job.progress_total
    with database.sessions() as session:
        finished = session.get(Job, job_id)
        assert finished is not None
        return finished


def _role_of(session: Session, job: Job) -> Role:
    """The submitter's role now (jobs act with the rights of who asked for them)."""
    from trustlane.access.models import User

    if job.submitted_by_user_id is None:
        return Role.agency_admin
    user = session.get(User, job.submitted_by_user_id)
    return Role(user.role) if user is not None else Role.auditor


class JobRunner:
    """A small pool of worker threads for the server process."""

    def __init__(self, database: Database, settings: Settings, workers: int = 1) -> None:
        self.database = database
        self.settings = settings
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="trustlane-job")
        self._futures: dict[str, Future[Job]] = {}

    def start(self, job_id: str) -> None:
        self._futures[job_id] = self._pool.submit(execute, self.database, self.settings, job_id)

    def wait(self, job_id: str, timeout: float | None = None) -> Job:
        """Block until the job finishes (tests and the CLI use this)."""
        return self._futures[job_id].result(timeout=timeout)

    def recover(self) -> list[str]:
        """After a restart: re-run resumable jobs that were queued or died running; mark the
        others failed as interrupted. Returns the ids started again."""
        restarted: list[str] = []
        cutoff = utcnow() - STALE_AFTER
        known = kinds()
        with self.database.session() as session:
            stale = session.scalars(
                sa.select(Job).where(
                    sa.or_(
                        Job.status == "queued",
                        sa.and_(
                            Job.status == "running",
                            sa.or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < cutoff),
                        ),
                    )
                )
            ).all()
            for job in stale:
                if job.kind in known and known[job.kind].resumable:
                    job.status = "queued"
                    restarted.append(job.id)
                else:
                    job.status, job.finished_at = "failed", utcnow()
                    job.error = "interrupted: the server stopped while this job ran"
        for job_id in restarted:
            self.start(job_id)
        return restarted

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def get_job(session: Session, actor: Principal, job_id: str) -> Job:
    job = session.get(Job, job_id)
    if job is None:
        raise NotFound(f"Job {job_id} not found")
    if (
        not actor.is_agency
        and job.tenant_id != actor.org_id
        and job.submitted_by_user_id != actor.user_id
    ):
        raise NotFound(f"Job {job_id} not found")
    return job


def list_jobs(
    session: Session,
    actor: Principal,
    page: PageRequest,
    kind: str | None = None,
    status: str | None = None,
) -> Page[Job]:
    stmt = sa.select(Job)
    if not actor.is_agency:
        stmt = stmt.where(
            sa.or_(Job.tenant_id == actor.org_id, Job.submitted_by_user_id == actor.user_id)
        )
    if kind:
        stmt = stmt.where(Job.kind == kind)
    if status:
        stmt = stmt.where(Job.status == status)
    return paginate(
        session,
        stmt,
        page,
        {"created_at": Job.created_at, "kind": Job.kind, "status": Job.status},
        [Job.created_at.desc(), Job.id],
    )
