"""Pages: background jobs (ingest, retraining, re-screening) with live progress."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from trustlane.jobs import runner
from trustlane.jobs.schemas import JobPublic
from trustlane.paging import PageRequest
from trustlane.web.deps import SessionDep
from trustlane.web.pages.common import PageUser, pager, render

router = APIRouter()
PAGE = 25


@router.get("/jobs", response_class=HTMLResponse)
def job_list(
    request: Request,
    principal: PageUser,
    session: SessionDep,
    kind: str | None = None,
    status: str | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    found = runner.list_jobs(
        session, principal, PageRequest(PAGE, offset), kind=kind or None, status=status or None
    )
    jobs = [JobPublic.model_validate(j) for j in found.items]
    return render(
        request,
        "jobs/list.html",
        {
            "jobs": jobs,
            "pager": pager(found),
            "filters": {"kind": kind or "", "status": status or ""},
        },
    )


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_detail(
    request: Request, job_id: str, principal: PageUser, session: SessionDep
) -> HTMLResponse:
    job = JobPublic.model_validate(runner.get_job(session, principal, job_id))
    return render(request, "jobs/detail.html", {"job": job})


@router.get("/jobs/{job_id}/progress", response_class=HTMLResponse)
def job_progress(
    request: Request, job_id: str, principal: PageUser, session: SessionDep
) -> HTMLResponse:
    """The progress fragment the job page polls (htmx) while the job runs."""
    job = JobPublic.model_validate(runner.get_job(session, principal, job_id))
    return render(request, "jobs/progress.html", {"job": job})
