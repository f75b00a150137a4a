"""API routes: background jobs and their progress."""

from __future__ import annotations

from fastapi import APIRouter

from trustlane.jobs import runner
from trustlane.jobs.schemas import JobPublic
from trustlane.web.deps import CurrentUser, PageDep, SessionDep
from trustlane.web.schemas import PagePublic

router = APIRouter(prefix="/api/jobs", tags=["jobs"])


@router.get("", response_model=PagePublic[JobPublic], summary="Jobs, newest first")
def list_jobs(
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    kind: str | None = None,
    status: str | None = None,
) -> PagePublic[JobPublic]:
    found = runner.list_jobs(session, principal, page, kind=kind, status=status)
    return PagePublic(
        items=[JobPublic.model_validate(j) for j in found.items],
        total=found.total,
        limit=found.limit,
        offset=found.offset,
    )


@router.get("/{job_id}", response_model=JobPublic, summary="One job: progress, result, error")
def get_job(job_id: str, principal: CurrentUser, session: SessionDep) -> JobPublic:
    return JobPublic.model_validate(runner.get_job(session, principal, job_id))
