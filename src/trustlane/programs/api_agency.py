"""API routes of the agency's program views: industry accounts, specialists, validation plans
and failure analytics (data, CSV/XLSX exports and charts). Included by
:mod:`trustlane.programs.api` under ``/api/programs``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from trustlane.programs import accounts, planning, report
from trustlane.programs.accounts import AccountSummary
from trustlane.programs.plots import CHARTS
from trustlane.programs.schemas import (
    AccountMemberPublic,
    AccountSummaryPublic,
    AccountViewPublic,
    AnalyticsPublic,
    ManagersIn,
    MemberPublic,
    PlanCreate,
    PlanPublic,
    PlanRowPublic,
    PlanSchedule,
    SpecialistIn,
    SpecialistPublic,
    UserBrief,
    ValidationPublic,
)
from trustlane.web.deps import CurrentUser, SessionDep

router = APIRouter()

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX, "png": "image/png", "svg": "image/svg+xml"}


def _summary(a: AccountSummary) -> AccountSummaryPublic:
    return AccountSummaryPublic(
        sector=a.sector,
        name=a.name,
        managers=[UserBrief.model_validate(u) for u in a.managers],
        members=a.members,
        by_status=a.by_status,
        by_tier=a.by_tier,
        open_actions=a.open_actions,
        overdue_actions=a.overdue_actions,
    )


@router.get(
    "/accounts", response_model=list[AccountSummaryPublic], summary="Industry accounts by sector"
)
def list_accounts(
    principal: CurrentUser, session: SessionDep, program: str | None = None
) -> list[AccountSummaryPublic]:
    return [_summary(a) for a in accounts.list_accounts(session, principal, program)]


@router.get("/accounts/{sector}", response_model=AccountViewPublic, summary="One account")
def account_view(
    sector: str, principal: CurrentUser, session: SessionDep, program: str | None = None
) -> AccountViewPublic:
    view = accounts.account_view(session, principal, sector, program)
    return AccountViewPublic(
        summary=_summary(view.summary),
        shipments_since=view.shipments_since,
        members=[
            AccountMemberPublic(
                member=MemberPublic.of(m.member, m.organization),
                open_actions=m.open_actions,
                overdue_actions=m.overdue_actions,
                shipments=m.shipments,
            )
            for m in view.members
        ],
    )


@router.put("/accounts/{sector}/managers", response_model=list[UserBrief])
def set_managers(
    sector: str, body: ManagersIn, principal: CurrentUser, session: SessionDep
) -> list[UserBrief]:
    users = accounts.set_account_managers(session, principal, sector, body.user_ids)
    return [UserBrief.model_validate(u) for u in users]


@router.get("/specialists", response_model=list[SpecialistPublic])
def list_specialists(principal: CurrentUser, session: SessionDep) -> list[SpecialistPublic]:
    return [
        SpecialistPublic(
            user_id=s.user_id,
            email=u.email,
            name=u.name,
            capacity=s.capacity,
            sectors=list(s.sectors or []),
            active=s.active,
        )
        for s, u in planning.list_specialists(session, principal)
    ]


@router.put("/specialists/{user_id}", response_model=SpecialistPublic)
def set_specialist(
    user_id: int, body: SpecialistIn, principal: CurrentUser, session: SessionDep
) -> SpecialistPublic:
    spec = planning.set_specialist(
        session,
        principal,
        user_id,
        capacity=body.capacity,
        sectors=body.sectors,
        active=body.active,
    )
    user = next(u for s, u in planning.list_specialists(session, principal) if s.user_id == user_id)
    return SpecialistPublic(
        user_id=spec.user_id,
        email=user.email,
        name=user.name,
        capacity=spec.capacity,
        sectors=list(spec.sectors),
        active=spec.active,
    )


def _plan_public(outcome: planning.PlanOutcome) -> PlanPublic:
    p = outcome.plan
    return PlanPublic(
        id=p.id,
        program=p.program,
        as_of=p.as_of,
        horizon_days=p.horizon_days,
        parameters=p.parameters,
        summary=p.summary,
        created_at=p.created_at,
        created_by=p.created_by,
        rows=[PlanRowPublic(**r) for r in outcome.rows],
    )


@router.post(
    "/{program}/plans",
    response_model=PlanPublic,
    status_code=201,
    summary="Rank members for the next validations under capacity, with reasons",
)
def make_plan(
    program: str, body: PlanCreate, principal: CurrentUser, session: SessionDep
) -> PlanPublic:
    params = planning.PlanParameters(body.horizon_days, body.capacity, body.weights)
    return _plan_public(planning.make_plan(session, principal, program, params, as_of=body.as_of))


@router.get("/{program}/plans/latest", response_model=PlanPublic)
def latest_plan(program: str, principal: CurrentUser, session: SessionDep) -> PlanPublic:
    return _plan_public(planning.get_plan(session, principal, program, None))


@router.get("/{program}/plans/{plan_id}", response_model=PlanPublic)
def get_plan(program: str, plan_id: int, principal: CurrentUser, session: SessionDep) -> PlanPublic:
    return _plan_public(planning.get_plan(session, principal, program, plan_id))


@router.post(
    "/{program}/plans/{plan_id}/schedule",
    response_model=list[ValidationPublic],
    summary="Schedule the plan's validations",
)
def schedule_plan(
    program: str, plan_id: int, body: PlanSchedule, principal: CurrentUser, session: SessionDep
) -> list[ValidationPublic]:
    made = planning.schedule_plan(session, principal, program, plan_id, body.start)
    return [ValidationPublic.model_validate(v) for v in made]


@router.get(
    "/{program}/analytics",
    response_model=AnalyticsPublic,
    summary="Where members fail: summary and tables",
)
def analytics(
    program: str,
    principal: CurrentUser,
    session: SessionDep,
    tables: Annotated[
        list[str] | None, Query(description="Only these tables (default: all)")
    ] = None,
) -> AnalyticsPublic:
    computed = report.compute_analytics(session, principal, program)
    names = tables or list(computed.tables)
    return AnalyticsPublic(
        summary=computed.summary,
        tables={n: report.table_records(computed, n) for n in names},
    )


@router.get("/{program}/analytics/export", summary="Analytics as CSV (one table) or XLSX")
def export_analytics(
    program: str,
    principal: CurrentUser,
    session: SessionDep,
    format: Annotated[str, Query(pattern="^(csv|xlsx)$")] = "xlsx",
    table: str | None = None,
) -> Response:
    computed = report.compute_analytics(session, principal, program)
    data = report.export_analytics(computed, format, table)
    name = f"{program}-analytics{'-' + table if table else ''}.{format}"
    return Response(
        data,
        media_type=MEDIA[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/{program}/analytics/charts/{chart}.{fmt}",
    summary=f"A chart as PNG or SVG ({', '.join(CHARTS)})",
)
def chart(
    program: str, chart: str, fmt: str, principal: CurrentUser, session: SessionDep
) -> Response:
    computed = report.compute_analytics(session, principal, program)
    return Response(report.chart(computed, chart, fmt), media_type=MEDIA.get(fmt, "text/plain"))
