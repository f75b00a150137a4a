"""The agency's program pages: an industry account, the member list, the validation plan with
its reasons, and the failure analytics as charts with CSV/XLSX downloads."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from trustlane.access.principal import Principal
from trustlane.access.roles import Role
from trustlane.errors import FieldProblem, InvalidInput, NotFound, TrustlaneError
from trustlane.paging import Page, PageRequest
from trustlane.programs import accounts, catalogs, membership, planning, report, store
from trustlane.programs.pages_support import (
    PAGE_SIZE,
    chosen_program,
    form_errors,
    parse_date,
    program_choices,
    redirect,
    tabs,
)
from trustlane.programs.plots import CHARTS
from trustlane.programs.vocab import MemberStatus
from trustlane.web.deps import SessionDep, SettingsDep
from trustlane.web.pages.common import CsrfChecked, PageUser, pager, render

router = APIRouter(prefix="/programs")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _slice(rows: list[Any], offset: int) -> Page[Any]:
    """One page of a list a use case returned whole (an account's members, a plan's rows)."""
    return Page(rows[offset : offset + PAGE_SIZE], len(rows), PAGE_SIZE, offset)


def _matches(name: str, q: str) -> bool:
    return not q or q.casefold() in name.casefold()


@router.get("/accounts/{sector}", response_class=HTMLResponse)
def account_page(
    request: Request,
    sector: str,
    principal: PageUser,
    session: SessionDep,
    program: str | None = None,
    q: str = "",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    """One industry account: its managers and every member with status, tier and findings."""
    program = chosen_program(session, principal, program)
    view = accounts.account_view(session, principal, sector, program)
    rows = [m for m in view.members if _matches(m.organization.name, q)]
    found = _slice(rows, offset)
    return render(
        request,
        "programs/account.html",
        {
            "tabs": tabs(principal),
            "program": program,
            "view": view,
            "members": found.items,
            "pager": pager(found),
            "q": q,
        },
    )


@router.get("/members", response_class=HTMLResponse)
def members_page(
    request: Request,
    principal: PageUser,
    session: SessionDep,
    program: str | None = None,
    status: str = "",
    sector: str = "",
    entity_type: str = "",
    tier: str = "",
    q: str = "",
    sort: str = "name",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    """Members the user may see (a specialist: those assigned to it), searched and filtered."""
    program = chosen_program(session, principal, program)
    where = store.MemberFilter(
        program,
        status or None,
        entity_type or None,
        sector or None,
        int(tier) if tier.isdigit() else None,
        None,
        q or None,
    )
    found = membership.list_members(session, principal, where, PageRequest(PAGE_SIZE, offset, sort))
    catalog = catalogs.get_catalog(session, principal, program).catalog
    return render(
        request,
        "programs/members.html",
        {
            "tabs": tabs(principal),
            "program": program,
            "programs": program_choices(session, principal),
            "members": found.items,
            "pager": pager(found),
            "filters": {
                "status": status,
                "sector": sector,
                "entity_type": entity_type,
                "tier": tier,
                "q": q,
                "sort": sort,
            },
            "statuses": [s.value for s in MemberStatus],
            "sectors": accounts.industry_sectors(),
            "entity_types": list(catalog.entity_types.items()),
        },
    )


# ----------------------------------------------------------------------------- the plan


def _may_plan(principal: Principal) -> bool:
    """The program administrator plans; specialists read their own rows."""
    return principal.can("programs:validate") and principal.role != Role.security_specialist


def _plan_page(
    request: Request,
    principal: Principal,
    session: SessionDep,
    program: str,
    *,
    show: str = "planned",
    q: str = "",
    offset: int = 0,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    try:
        outcome: planning.PlanOutcome | None = planning.get_plan(session, principal, program, None)
    except NotFound:
        outcome = None
    rows = list(outcome.rows) if outcome else []
    if show == "planned":
        rows = [r for r in rows if r["selected"]]
    rows = [r for r in rows if _matches(str(r["name"]), q)]
    found = _slice(rows, offset)
    staff = planning.list_specialists(session, principal)
    planned_units: dict[int | None, float] = {}
    for r in outcome.rows if outcome else []:
        if r["selected"]:
            key = r["specialist_user_id"]
            planned_units[key] = planned_units.get(key, 0.0) + float(r["cost"])
    return render(
        request,
        "programs/plan.html",
        {
            "tabs": tabs(principal),
            "program": program,
            "programs": program_choices(session, principal),
            "plan": outcome.plan if outcome else None,
            "rows": found.items,
            "pager": pager(found),
            "show": show,
            "q": q,
            "specialists": staff,
            "names": {u.id: u.name for _, u in staff},
            "planned_units": planned_units,
            "may_plan": _may_plan(principal),
            "errors": errors or {},
            "form": form or {},
        },
        status_code=status_code,
    )


@router.get("/plan", response_class=HTMLResponse)
def plan_page(
    request: Request,
    principal: PageUser,
    session: SessionDep,
    program: str | None = None,
    show: str = "planned",
    q: str = "",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    """The latest validation plan: who to validate next, how, by whom, and why."""
    program = chosen_program(session, principal, program)
    return _plan_page(request, principal, session, program, show=show, q=q, offset=offset)


@router.post("/plan", response_class=HTMLResponse, dependencies=[CsrfChecked])
def plan_make(
    request: Request,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    program: Annotated[str, Form()] = "",
    horizon_days: Annotated[str, Form()] = "90",
    capacity: Annotated[str, Form()] = "",
) -> Response:
    program = chosen_program(session, principal, program)
    form = {"horizon_days": horizon_days, "capacity": capacity}
    try:
        with session.begin_nested():
            params = planning.PlanParameters(
                horizon_days=_number(horizon_days, "horizon_days", int),
                capacity=_number(capacity, "capacity", float) if capacity.strip() else None,
            )
            made = planning.make_plan(session, principal, program, params)
    except TrustlaneError as exc:
        return _plan_page(
            request,
            principal,
            session,
            program,
            errors=form_errors(exc, "plan-"),
            form=form,
            status_code=exc.status,
        )
    summary = made.plan.summary
    return redirect(
        f"/programs/plan?program={program}",
        settings,
        f"Plan {made.plan.id}: {summary['planned']} of {summary['candidates']} members planned "
        "for validation.",
    )


def _number(value: str, field: str, kind: type[int] | type[float]) -> Any:
    """A form's number, or :class:`InvalidInput` naming the field."""
    try:
        return kind(value.strip())
    except ValueError:
        raise InvalidInput(
            "Not a number", [FieldProblem(field, "must be a number", value=value)]
        ) from None


@router.post("/plan/{plan_id}/schedule", response_class=HTMLResponse, dependencies=[CsrfChecked])
def plan_schedule(
    request: Request,
    plan_id: int,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    program: Annotated[str, Form()] = "",
    start: Annotated[str, Form()] = "",
) -> Response:
    program = chosen_program(session, principal, program)
    try:
        with session.begin_nested():
            made = planning.schedule_plan(
                session, principal, program, plan_id, parse_date(start, "start", required=False)
            )
    except TrustlaneError as exc:
        return _plan_page(
            request,
            principal,
            session,
            program,
            errors=form_errors(exc, "schedule-"),
            form={"start": start},
            status_code=exc.status,
        )
    return redirect(
        f"/programs/plan?program={program}",
        settings,
        f"Scheduled {len(made)} validations from plan {plan_id}.",
    )


# ----------------------------------------------------------------------------- analytics

#: The charts the page shows, in order, each with the table behind it and what it says.
ANALYTICS_CHARTS = [
    ("sections", "sections", "Failure rate by section of the criteria"),
    ("entity_types", "entity_types", "Failure rate and failed validations by entity type"),
    ("sectors", "sectors", "Failure rate by industry sector and section"),
    ("years", "years", "Failure rate per year"),
    ("predictors", "predictors", "Criteria whose required actions go with failed validations"),
    ("trend", "trend_cohorts", "Failure rate after new criteria take effect"),
    ("criteria", "criteria", "The criteria members fail most often"),
]
#: Rows of each table shown under its chart (the downloads hold every row).
TABLE_ROWS = 15


@router.get("/analytics", response_class=HTMLResponse)
def analytics_page(
    request: Request, principal: PageUser, session: SessionDep, program: str | None = None
) -> HTMLResponse:
    """Where members fail, as charts with the tables behind them and downloads."""
    program = chosen_program(session, principal, program)
    computed = report.compute_analytics(session, principal, program)
    charts = [
        {
            "name": name,
            "title": title,
            "table": table,
            "rows": report.table_records(computed, table)[:TABLE_ROWS],
            "total_rows": len(computed.tables[table]),
        }
        for name, table, title in ANALYTICS_CHARTS
        if name in CHARTS
    ]
    return render(
        request,
        "programs/analytics.html",
        {
            "tabs": tabs(principal),
            "program": program,
            "programs": program_choices(session, principal),
            "summary": computed.summary,
            "charts": charts,
            "tables": list(computed.tables),
        },
    )


@router.get("/analytics/charts/{chart}.svg")
def analytics_chart(
    chart: str, principal: PageUser, session: SessionDep, program: str | None = None
) -> Response:
    program = chosen_program(session, principal, program)
    computed = report.compute_analytics(session, principal, program)
    return Response(report.chart(computed, chart, "svg"), media_type="image/svg+xml")


@router.get("/analytics/export")
def analytics_export(
    principal: PageUser,
    session: SessionDep,
    program: str | None = None,
    format: Annotated[str, Query(pattern="^(csv|xlsx)$")] = "xlsx",
    table: str | None = None,
) -> Response:
    program = chosen_program(session, principal, program)
    computed = report.compute_analytics(session, principal, program)
    data = report.export_analytics(computed, format, table or None)
    name = f"{program}-analytics{'-' + table if table else ''}.{format}"
    media = "text/csv; charset=utf-8" if format == "csv" else XLSX
    return Response(
        data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
