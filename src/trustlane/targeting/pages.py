"""The targeting analyst's pages: the day's inspection queue, a shipment with its reasons and
its outcome form, the performance of the picks, and the model registry.

Thin: parse the form or the query, call the use case (the same as the API's and the CLI's),
render. Agency only, like the API's scores: a trade member gets 403 on every page here.
Analysts and agency administrators act (score, select, record outcomes, retrain, promote);
auditors read.
"""

from __future__ import annotations

import base64
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from trustlane.access.principal import Principal
from trustlane.cargo.inspections import OutcomeIn
from trustlane.errors import Conflict, FieldProblem, InvalidInput, TrustlaneError
from trustlane.jobs import runner as jobs
from trustlane.paging import Page, PageRequest
from trustlane.settings import Settings
from trustlane.targeting import assess, charts, outcomes, registry, review
from trustlane.targeting.scores import require_agency_read
from trustlane.targeting.select import SelectionPolicy, select_for_inspection
from trustlane.web.deps import RunnerDep, SessionDep, SettingsDep
from trustlane.web.pages.common import (
    CsrfChecked,
    PageUser,
    field_errors,
    pager,
    render,
    set_flash,
)

router = APIRouter(prefix="/targeting")
PAGE = 25
MODELS_PAGE = 10
#: States of a model version the models page can filter by.
MODEL_STATUSES = ("candidate", "active", "retired", "rejected")
WEEKS = (4, 8, 12, 26, 52)
DRIFT_DAYS = (7, 14, 28, 56, 91)


def _svg_uri(svg: bytes) -> str:
    """A chart as a data URI: drawn once per page view, and isolated from the page's ids."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _day(text: str | None, field: str = "day") -> date | None:
    if not text or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            "Invalid date", [FieldProblem(field, "a date as YYYY-MM-DD", value=text)]
        ) from None


def _share(text: str, field: str, problems: list[FieldProblem]) -> float:
    try:
        value = float(text)
    except ValueError:
        problems.append(FieldProblem(field, "a number between 0 and 1", value=text))
        return 0.0
    return value


# -- the queue --------------------------------------------------------------------------


def _queue_page(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    day: str | None,
    office: str | None,
    lane: str | None,
    q: str | None,
    offset: int,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    errors = dict(errors or {})
    try:
        chosen = _day(day)
    except InvalidInput as exc:
        errors.update({f"filter_{k}": v for k, v in field_errors(exc).items()})
        chosen, status_code = None, exc.status
    queue = review.inspection_queue(
        session,
        principal,
        PageRequest(PAGE, offset),
        day=chosen,
        office=office or None,
        lane=lane or None,
        search=q or None,
    )
    return render(
        request,
        "targeting/queue.html",
        {
            "queue": queue,
            "rows": queue.items.items,
            "pager": pager(queue.items),
            "lanes": review.LANES,
            "filters": {"day": day or "", "office": office or "", "lane": lane or "", "q": q or ""},
            "errors": errors,
            "form": form or {},
            "may_act": principal.can("targeting:write"),
            "today": date.today(),
        },
        status_code=status_code,
    )


@router.get("", response_class=HTMLResponse)
def queue_page(
    request: Request,
    principal: PageUser,
    session: SessionDep,
    day: str | None = None,
    office: str | None = None,
    lane: str | None = None,
    q: str | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    return _queue_page(
        request, session, principal, day=day, office=office, lane=lane, q=q, offset=offset
    )


def _back_to_queue(day: date | None, office: str) -> str:
    params = [f"day={day.isoformat()}"] if day else []
    params += [f"office={office}"] if office else []
    return "/targeting" + ("?" + "&".join(params) if params else "")


@router.post("/scores", response_class=HTMLResponse, dependencies=[CsrfChecked])
def score_day(
    request: Request,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    day: Annotated[str, Form()] = "",
    office: Annotated[str, Form()] = "",
) -> Response:
    """Score (again) the shipments declared on a day, with the active model and indicators."""
    form = {"day": day, "office": office}
    try:
        chosen = _day(day)
        if chosen is None:
            raise InvalidInput("Invalid date", [FieldProblem("day", "choose a day to score")])
        with session.begin_nested():
            result = assess.score_shipments(
                session,
                principal,
                settings,
                declared_from=chosen,
                declared_to=chosen,
                office=office or None,
            )
    except TrustlaneError as exc:
        errors = {f"score_{k}": v for k, v in field_errors(exc).items()}
        return _queue_page(
            request, session, principal, day=day, office=office, lane=None, q=None, offset=0,
            errors=errors, form=form, status_code=exc.status,
        )  # fmt: skip
    response = RedirectResponse(_back_to_queue(chosen, office), status_code=303)
    model = f"model v{result.model_version}" if result.model_version else "indicators only"
    set_flash(response, settings, f"Scored {result.shipments} shipments ({model}).")
    return response


@router.post("/selections", response_class=HTMLResponse, dependencies=[CsrfChecked])
def select_day(
    request: Request,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    day: Annotated[str, Form()] = "",
    office: Annotated[str, Form()] = "",
    capacity: Annotated[str, Form()] = "5%",
    exploration_share: Annotated[str, Form()] = "0.1",
    exploration: Annotated[str, Form()] = "random",
    documents_threshold: Annotated[str, Form()] = "0.3",
) -> Response:
    """Select the day's inspections under a capacity (per office, or one office)."""
    form = {
        "day": day,
        "office": office,
        "capacity": capacity,
        "exploration_share": exploration_share,
        "exploration": exploration,
        "documents_threshold": documents_threshold,
    }
    try:
        chosen = _day(day)
        problems: list[FieldProblem] = []
        if chosen is None:
            problems.append(FieldProblem("day", "choose a day to select for"))
        policy = SelectionPolicy(
            capacity=capacity,
            exploration_share=_share(exploration_share, "exploration_share", problems),
            exploration=exploration,
            documents_threshold=_share(documents_threshold, "documents_threshold", problems),
        )
        problems += [p for p in policy.problems() if p.field not in {q.field for q in problems}]
        if problems or chosen is None:
            raise InvalidInput("Invalid selection policy", problems)
        with session.begin_nested():
            selection = select_for_inspection(
                session, principal, chosen, policy, office=office or None
            )
    except TrustlaneError as exc:
        errors = {f"select_{k}": v for k, v in field_errors(exc).items()}
        return _queue_page(
            request, session, principal, day=day, office=office, lane=None, q=None, offset=0,
            errors=errors, form=form, status_code=exc.status,
        )  # fmt: skip
    response = RedirectResponse(_back_to_queue(chosen, office), status_code=303)
    counts = selection.counts
    set_flash(
        response,
        settings,
        f"Selection {selection.id}: {counts.get('physical', 0)} physical inspections, "
        f"{counts.get('documents', 0)} document checks, {counts.get('release', 0)} released.",
    )
    return response


# -- one shipment -----------------------------------------------------------------------


def _shipment_page(
    request: Request,
    session: Session,
    settings: Settings,
    principal: Principal,
    shipment_id: int,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    found = review.review_shipment(session, principal, settings, shipment_id)
    chart = charts.contributions_chart(found.contributions) if found.contributions else None
    return render(
        request,
        "targeting/shipment.html",
        {
            "r": found,
            "s": found.shipment,
            "contributions_chart": _svg_uri(chart) if chart else None,
            "errors": errors or {},
            "form": form or {},
            "may_act": principal.can("targeting:write"),
        },
        status_code=status_code,
    )


@router.get("/shipments/{shipment_id}", response_class=HTMLResponse)
def shipment_page(
    request: Request,
    shipment_id: int,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
) -> HTMLResponse:
    return _shipment_page(request, session, settings, principal, shipment_id)


def outcome_from_form(
    fraud: str,
    critical: str,
    line_no: str,
    inspected_on: str,
    revenue_recovered: str,
    notes: str,
) -> OutcomeIn:
    """The outcome form's fields as an :class:`OutcomeIn`, or every problem with them."""
    problems: list[FieldProblem] = []
    if fraud not in ("yes", "no"):
        problems.append(FieldProblem("fraud", "say whether the inspection found fraud"))
    level = 0
    if critical.strip() not in ("", "0", "1", "2"):
        problems.append(FieldProblem("critical", "0 (none), 1 (fraud) or 2 (critical)"))
    elif critical.strip():
        level = int(critical)
    line = None
    if line_no.strip():
        try:
            line = int(line_no)
        except ValueError:
            problems.append(FieldProblem("line_no", "a line number", value=line_no))
    when = None
    try:
        when = _day(inspected_on, "inspected_on")
    except InvalidInput as exc:
        problems += exc.problems
    revenue = None
    if revenue_recovered.strip():
        try:
            revenue = float(revenue_recovered.replace(",", ""))
        except ValueError:
            problems.append(
                FieldProblem(
                    "revenue_recovered", "an amount, e.g. 1500.00", value=revenue_recovered
                )
            )
    outcome = OutcomeIn(
        fraud=fraud == "yes",
        critical=level,
        line_no=line,
        inspected_on=when,
        revenue_recovered=revenue,
        notes=notes.strip() or None,
    )
    if problems:
        named = {p.field for p in problems}
        problems += [p for p in outcome.problems() if p.field not in named]
        raise InvalidInput("Invalid inspection outcome", problems)
    return outcome


@router.post(
    "/shipments/{shipment_id}/outcome", response_class=HTMLResponse, dependencies=[CsrfChecked]
)
def record_outcome(
    request: Request,
    shipment_id: int,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    fraud: Annotated[str, Form()] = "",
    critical: Annotated[str, Form()] = "0",
    line_no: Annotated[str, Form()] = "",
    inspected_on: Annotated[str, Form()] = "",
    revenue_recovered: Annotated[str, Form()] = "",
    notes: Annotated[str, Form()] = "",
) -> Response:
    """Record what an inspection found (through cargo's audited use case)."""
    form = {
        "fraud": fraud,
        "critical": critical,
        "line_no": line_no,
        "inspected_on": inspected_on,
        "revenue_recovered": revenue_recovered,
        "notes": notes,
    }
    try:
        outcome = outcome_from_form(
            fraud, critical, line_no, inspected_on, revenue_recovered, notes
        )
        with session.begin_nested():
            outcomes.record_outcome(session, principal, shipment_id, outcome)
    except InvalidInput as exc:
        return _shipment_page(
            request, session, settings, principal, shipment_id,
            errors={f"outcome_{k}": v for k, v in field_errors(exc).items()}, form=form,
            status_code=exc.status,
        )  # fmt: skip
    response = RedirectResponse(f"/targeting/shipments/{shipment_id}#outcomes", status_code=303)
    found = "fraud found" if outcome.fraud else "no fraud found"
    set_flash(response, settings, f"Outcome recorded: {found}.")
    return response


# -- performance ------------------------------------------------------------------------


@router.get("/performance", response_class=HTMLResponse)
def performance_page(
    request: Request,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    weeks: Annotated[int, Query(ge=1, le=520)] = 12,
    days: Annotated[int, Query(ge=1, le=366)] = 28,
) -> HTMLResponse:
    report = review.performance_report(session, principal, settings, weeks=weeks, days=days)
    return render(
        request,
        "targeting/performance.html",
        {
            "report": report,
            "weeks": weeks,
            "days": days,
            "week_choices": sorted({*WEEKS, weeks}),
            "day_choices": sorted({*DRIFT_DAYS, days}),
            "precision_chart": _svg_uri(charts.precision_chart(report.weeks)),
            "revenue_chart": _svg_uri(charts.revenue_chart(report.weeks)),
            "trend_chart": _svg_uri(charts.score_trend_chart(report.score_trend)),
            "drift_chart": _svg_uri(charts.drift_chart(report.drift)) if report.drift else None,
        },
    )


# -- models -----------------------------------------------------------------------------


def _models_page(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    offset: int = 0,
    status: str = "",
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    require_agency_read(principal)
    models = registry.list_models(session, principal)  # whole: versions are few
    listed = [m for m in models if not status or m.status == status]
    shown = listed[offset : offset + MODELS_PAGE]
    retrains = jobs.list_jobs(session, principal, PageRequest(5), kind="targeting.retrain")
    return render(
        request,
        "targeting/models.html",
        {
            "models": shown,
            "active": next((m for m in models if m.status == "active"), None),
            "pager": pager(Page(shown, len(listed), MODELS_PAGE, offset)),
            "status": status,
            "statuses": MODEL_STATUSES,
            "jobs": retrains.items,
            "errors": errors or {},
            "may_act": principal.can("targeting:write"),
        },
        status_code=status_code,
    )


@router.get("/models", response_class=HTMLResponse)
def models_page(
    request: Request,
    principal: PageUser,
    session: SessionDep,
    status: str = "",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    shown = status if status in MODEL_STATUSES else ""
    return _models_page(request, session, principal, offset=offset, status=shown)


@router.post("/models/{version}/promote", response_class=HTMLResponse, dependencies=[CsrfChecked])
def promote_model(
    request: Request,
    version: int,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    force: Annotated[bool, Form()] = False,
) -> Response:
    try:
        with session.begin_nested():
            model = registry.promote(session, principal, version, force=force)
    except TrustlaneError as exc:
        if exc.status == 403:
            raise
        # A refused promotion is shown beside its model; anything else above the list.
        key = f"v{version}" if isinstance(exc, Conflict) else "_form"
        return _models_page(
            request, session, principal, errors={key: exc.message}, status_code=exc.status
        )
    response = RedirectResponse("/targeting/models", status_code=303)
    set_flash(response, settings, f"Model v{model.version} is the active model.")
    return response


@router.post("/models/retrain", response_class=HTMLResponse, dependencies=[CsrfChecked])
def retrain_model(
    request: Request,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    runner: RunnerDep,
    compare_weeks: Annotated[str, Form()] = "4",
    promote: Annotated[bool, Form()] = False,
) -> Response:
    """Start retraining as a job (like ``POST /api/targeting/models/retrain``)."""
    principal.require("targeting:write")
    try:
        weeks = int(compare_weeks)
        if not 0 <= weeks <= 52:
            raise ValueError
    except ValueError:
        return _models_page(
            request, session, principal,
            errors={"compare_weeks": "a whole number of weeks, 0 to 52"}, status_code=422,
        )  # fmt: skip
    params = {"compare_weeks": weeks, "promote": promote, "seed": 7}
    job = jobs.create_job(session, principal, "targeting.retrain", params, unit="steps")
    session.commit()
    runner.start(job.id)
    response = RedirectResponse("/targeting/models#retrain", status_code=303)
    set_flash(response, settings, "Retraining started.")
    return response


@router.get("/models/jobs/{job_id}", response_class=HTMLResponse)
def retrain_progress(
    request: Request, job_id: str, principal: PageUser, session: SessionDep
) -> HTMLResponse:
    """A retraining job's progress: the fragment the models page polls (htmx), or a page."""
    require_agency_read(principal)
    job = jobs.get_job(session, principal, job_id)
    fragment = request.headers.get("HX-Request") == "true"
    template = "targeting/_job.html" if fragment else "targeting/job.html"
    return render(request, template, {"job": job})
