"""Pages of the screening reviewer: the alert queue, an alert with the party and the entry
side by side (decide, assign, escalate), the lists with their versions, differences and
entries, screening a name, and the organizations blocked by ownership.

Every route parses, calls one use case and renders; the writes go through the same audited
use cases as the API and CLI (:mod:`.subjects`, :mod:`.ownership`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from trustlane.errors import FieldProblem, InvalidInput, TrustlaneError
from trustlane.jobs import runner as jobs
from trustlane.jobs.schemas import JobPublic
from trustlane.paging import PageRequest
from trustlane.screening import adhoc, browse, review
from trustlane.screening.files import hit_list_name
from trustlane.screening.jobs import bulk_output, get_bulk_job, submit_bulk
from trustlane.screening.lists import list_lists, list_versions
from trustlane.screening.ownership import evaluate_ownership, list_ownership_flags
from trustlane.screening.records import Category
from trustlane.screening.subjects import decide_alert
from trustlane.web.deps import DatabaseDep, RunnerDep, SessionDep, SettingsDep
from trustlane.web.pages.common import (
    CsrfChecked,
    PageUser,
    field_errors,
    pager,
    render,
    set_flash,
)

router = APIRouter(prefix="/screening", include_in_schema=False)
PAGE = 25
#: Sort orders of the queue a reviewer can pick.
QUEUE_SORTS = {"": "newest first", "-score": "highest score first", "score": "lowest score first"}
DECISION_LABELS = {
    "true_match": "True match",
    "false_positive": "False positive",
    "escalated": "Escalate",
}
DECISION_DONE = {
    "true_match": "decided a true match",
    "false_positive": "cleared as a false positive",
    "escalated": "escalated",
}


def _score(value: str | None, name: str, problems: list[FieldProblem]) -> float | None:
    if value is None or not value.strip():
        return None
    try:
        return float(value.replace(",", "."))
    except ValueError:
        problems.append(FieldProblem(name, "a number between 0 and 1", value=value))
        return None


@router.get("", response_class=HTMLResponse)
def queue(
    request: Request,
    principal: PageUser,
    session: SessionDep,
    status: str = "review",
    list_name: Annotated[str | None, Query(alias="list")] = None,
    assignee: str | None = None,
    min_score: str | None = None,
    max_score: str | None = None,
    subject_kind: str | None = None,
    q: str | None = None,
    sort: str | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    filters = {
        "status": status,
        "list": list_name or "",
        "assignee": assignee or "",
        "min_score": min_score or "",
        "max_score": max_score or "",
        "subject_kind": subject_kind or "",
        "q": q or "",
        "sort": sort or "",
    }
    rows: list[review.AlertRow] = []
    paging: dict[str, Any] | None = None
    # Problems of the page's own parsing and of the use case are shown together.
    problems: list[FieldProblem] = []
    low, high = _score(min_score, "min_score", problems), _score(max_score, "max_score", problems)
    if sort and sort not in QUEUE_SORTS:
        problems.append(FieldProblem("sort", f"one of {', '.join(s for s in QUEUE_SORTS if s)}"))
    where = review.AlertFilter(
        status=status,
        list_name=list_name or None,
        assignee=assignee or None,
        min_score=low,
        max_score=high,
        subject_kind=subject_kind or None,
        text=q or None,
    )
    try:
        found = review.find_alerts(
            session, principal, where, PageRequest(PAGE, offset, None if problems else sort or None)
        )
        rows, paging = found.items, pager(found)
    except InvalidInput as exc:
        problems += exc.problems
    errors = field_errors(InvalidInput("Check the filters", problems)) if problems else {}
    if errors:
        rows, paging = [], None
    return render(
        request,
        "screening/queue.html",
        {
            "rows": rows,
            "pager": paging,
            "filters": filters,
            "errors": errors,
            "lists": [s.name for s in list_lists(session, principal)],
            "statuses": review.STATUS_FILTERS,
            "subject_kinds": review.SUBJECT_KINDS,
            "sorts": QUEUE_SORTS,
            "age": review.age_in_days,
            "action_of": review.action_of,
        },
        status_code=422 if errors else 200,
    )


def _alert_page(
    request: Request,
    principal: Any,
    session: Any,
    alert_id: int,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    view = review.show_alert(session, principal, alert_id)
    may_review = principal.can("screening:review")
    return render(
        request,
        "screening/alert.html",
        {
            "v": view,
            "a": view.alert,
            "may_review": may_review,
            "reviewers": review.reviewers(session, principal) if may_review else [],
            "decisions": DECISION_LABELS,
            "errors": errors or {},
            "form": form or {},
        },
        status_code=status_code,
    )


@router.get("/alerts/{alert_id}", response_class=HTMLResponse)
def alert_page(
    request: Request, alert_id: int, principal: PageUser, session: SessionDep
) -> HTMLResponse:
    return _alert_page(request, principal, session, alert_id)


@router.post("/alerts/{alert_id}/decide", response_class=HTMLResponse, dependencies=[CsrfChecked])
def alert_decide(
    request: Request,
    alert_id: int,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    decision: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    try:
        with session.begin_nested():
            alert = decide_alert(session, principal, alert_id, decision, note.strip() or None)
    except TrustlaneError as exc:
        if exc.status in (401, 403, 404):
            raise
        form = {"decision": decision, "note": note}
        return _alert_page(
            request, principal, session, alert_id, errors=field_errors(exc), form=form,
            status_code=exc.status,
        )  # fmt: skip
    response = RedirectResponse(f"/screening/alerts/{alert_id}", status_code=303)
    set_flash(response, settings, f"Alert {alert_id} {DECISION_DONE[alert.status]}.")
    return response


@router.post("/alerts/{alert_id}/assign", response_class=HTMLResponse, dependencies=[CsrfChecked])
def alert_assign(
    request: Request,
    alert_id: int,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    assignee: Annotated[str, Form()] = "",
) -> Response:
    try:
        with session.begin_nested():
            alert = review.assign_to_reviewer(session, principal, alert_id, assignee)
    except TrustlaneError as exc:
        if exc.status in (401, 403, 404):
            raise
        return _alert_page(
            request, principal, session, alert_id, errors=field_errors(exc),
            form={"assignee": assignee}, status_code=exc.status,
        )  # fmt: skip
    response = RedirectResponse(f"/screening/alerts/{alert_id}", status_code=303)
    who = alert.assignee or "no one"
    set_flash(response, settings, f"Alert {alert_id} assigned to {who}.")
    return response


# -- lists ------------------------------------------------------------------------------


@router.get("/lists", response_class=HTMLResponse)
def lists_page(request: Request, principal: PageUser, session: SessionDep) -> HTMLResponse:
    return render(request, "screening/lists.html", {"lists": list_lists(session, principal)})


@router.get("/lists/{name}", response_class=HTMLResponse)
def list_page(
    request: Request,
    name: str,
    principal: PageUser,
    session: SessionDep,
    q: str | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    found = browse.list_versions_page(session, principal, name, PageRequest(PAGE, offset), q)
    return render(
        request,
        "screening/list.html",
        {"name": name, "versions": found.items, "pager": pager(found), "q": q or ""},
    )


@router.get("/lists/{name}/versions/{number}", response_class=HTMLResponse)
def version_page(
    request: Request,
    name: str,
    number: int,
    principal: PageUser,
    session: SessionDep,
    change: str = "added",
    q: str | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    found = browse.version_changes(
        session, principal, name, number, change, PageRequest(PAGE, offset), q
    )
    return render(
        request,
        "screening/changes.html",
        {"c": found, "pager": pager(found.rows), "q": q or "", "kinds": browse.CHANGE_KINDS},
    )


@router.get("/lists/{name}/entries", response_class=HTMLResponse)
def entries_page(
    request: Request,
    name: str,
    principal: PageUser,
    session: SessionDep,
    q: str | None = None,
    version: Annotated[int | None, Query(ge=1)] = None,
    category: str | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    found = browse.list_entries(
        session, principal, name, PageRequest(PAGE, offset),
        version=version, text=q, category=category or None,
    )  # fmt: skip
    return render(
        request,
        "screening/entries.html",
        {
            "e": found,
            "pager": pager(found.entries),
            "q": q or "",
            "category": category or "",
            "categories": [c.value for c in Category],
            "versions": list_versions(session, principal, name),
        },
    )


@router.get("/lists/{name}/entries/{entry_id}", response_class=HTMLResponse)
def entry_page(
    request: Request, name: str, entry_id: int, principal: PageUser, session: SessionDep
) -> HTMLResponse:
    view = browse.show_entry(session, principal, name, entry_id)
    return render(request, "screening/entry.html", {"v": view, "e": view.record})


# -- screening a name -------------------------------------------------------------------


@router.get("/screen", response_class=HTMLResponse)
def screen_page(
    request: Request,
    principal: PageUser,
    database: DatabaseDep,
    session: SessionDep,
    settings: SettingsDep,
    name: str | None = None,
    party_type: str = "",
    country: str = "",
    date_of_birth: str = "",
    identifier: str = "",
    list_name: Annotated[str, Query(alias="list")] = "",
) -> HTMLResponse:
    """A GET form: screening a name stores nothing, and its result page can be bookmarked."""
    form = {
        "name": name or "",
        "party_type": party_type,
        "country": country,
        "date_of_birth": date_of_birth,
        "identifier": identifier,
        "list": list_name,
    }
    principal.require("screening:read")
    hits = None
    errors: dict[str, str] = {}
    if name is not None:
        query = adhoc.NameQuery(name, party_type, country, date_of_birth, identifier)
        try:
            hits = adhoc.screen_name(
                database, settings, principal, query, [list_name] if list_name else None
            )
        except TrustlaneError as exc:
            if exc.status != 422:
                raise
            errors = field_errors(exc)
    return render(
        request,
        "screening/screen.html",
        {
            "form": form,
            "hits": hits,
            "errors": errors,
            "types": [(k, k or "unknown") for k in adhoc.PARTY_TYPES],
            "lists": [("", "all lists")]
            + [(s.name, s.name) for s in list_lists(session, principal)],
            "list_of": hit_list_name,
        },
        status_code=422 if errors else 200,
    )


# -- ownership --------------------------------------------------------------------------


@router.get("/ownership", response_class=HTMLResponse)
def ownership_page(
    request: Request,
    principal: PageUser,
    session: SessionDep,
    q: str | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    found = list_ownership_flags(session, principal, PageRequest(PAGE, offset), q)
    return render(
        request,
        "screening/ownership.html",
        {"flags": found.items, "pager": pager(found), "q": q or ""},
    )


@router.post("/ownership/evaluate", dependencies=[CsrfChecked])
def ownership_evaluate(principal: PageUser, session: SessionDep, settings: SettingsDep) -> Response:
    flags = evaluate_ownership(session, principal)
    response = RedirectResponse("/screening/ownership", status_code=303)
    set_flash(
        response, settings, f"Ownership evaluated: {len(flags)} organizations blocked by ownership."
    )
    return response


# -- bulk screening ---------------------------------------------------------------------


#: Job states the bulk screening page can filter by.
JOB_STATUSES = ("queued", "running", "succeeded", "failed")


def _bulk_page(
    request: Request,
    principal: Any,
    session: Any,
    offset: int,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    status: str = "",
) -> HTMLResponse:
    principal.require("screening:write")
    found = jobs.list_jobs(
        session,
        principal,
        PageRequest(PAGE, offset),
        kind="screening_bulk",
        status=status if status in JOB_STATUSES else None,
    )
    return render(
        request,
        "screening/bulk.html",
        {
            "jobs": [JobPublic.model_validate(j) for j in found.items],
            "pager": pager(found),
            "errors": errors or {},
            "status": status if status in JOB_STATUSES else "",
            "statuses": JOB_STATUSES,
        },
        status_code=status_code,
    )


@router.get("/bulk", response_class=HTMLResponse)
def bulk_page(
    request: Request,
    principal: PageUser,
    session: SessionDep,
    status: str = "",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    return _bulk_page(request, principal, session, offset, status=status)


@router.post("/bulk", response_class=HTMLResponse, dependencies=[CsrfChecked])
def bulk_upload(
    request: Request,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    runner: RunnerDep,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    try:
        if file is None or not file.filename:
            raise InvalidInput("Choose a file", [FieldProblem("file", "choose a CSV file")])
        with session.begin_nested():
            job = submit_bulk(session, settings, principal, file.filename, file.file)
    except TrustlaneError as exc:
        if exc.status in (401, 403):
            raise
        return _bulk_page(request, principal, session, 0, field_errors(exc), exc.status)
    session.commit()  # the job's worker must find it
    runner.start(job.id)
    return RedirectResponse(f"/screening/bulk/{job.id}", status_code=303)


@router.get("/bulk/{job_id}", response_class=HTMLResponse)
def bulk_job_page(
    request: Request, job_id: str, principal: PageUser, session: SessionDep
) -> HTMLResponse:
    job = JobPublic.model_validate(get_bulk_job(session, principal, job_id))
    return render(request, "screening/bulk_job.html", {"job": job})


@router.get("/bulk/{job_id}/progress", response_class=HTMLResponse)
def bulk_job_progress(
    request: Request, job_id: str, principal: PageUser, session: SessionDep
) -> HTMLResponse:
    """The fragment the job page polls (htmx) while the job runs."""
    job = JobPublic.model_validate(get_bulk_job(session, principal, job_id))
    return render(request, "screening/_bulk_progress.html", {"job": job})


@router.get("/bulk/{job_id}/output")
def bulk_job_output(job_id: str, principal: PageUser, session: SessionDep) -> FileResponse:
    path = bulk_output(session, principal, job_id)
    return FileResponse(path, media_type="text/csv", filename=f"screened-{job_id[:8]}.csv")
