"""The home page: what the logged-in user can do, and where things stand."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from trustlane.jobs import runner
from trustlane.paging import PageRequest
from trustlane.web.deps import SessionDep
from trustlane.web.pages.common import PageUser, render

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def home(request: Request, principal: PageUser, session: SessionDep) -> HTMLResponse:
    jobs = runner.list_jobs(session, principal, PageRequest(limit=5))
    return render(request, "home.html", {"jobs": jobs.items})
