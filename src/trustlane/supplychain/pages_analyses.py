"""Pages of a chain's analyses: exposure to listed entities and high-risk areas, the
disruption impact (scenarios ranked by lost profit; a run is a job with live progress, as in
the API), and the port view. Paths are below ``/supplychain`` (the prefix of
:mod:`.pages`' router, which includes this one).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from trustlane.access.principal import Principal
from trustlane.errors import FieldProblem, InvalidInput, NotFound, TrustlaneError
from trustlane.jobs import runner as jobs
from trustlane.jobs.schemas import JobPublic
from trustlane.paging import Page, PageRequest
from trustlane.supplychain import chains, expose, ports, simulate, store
from trustlane.supplychain.listed import list_screening
from trustlane.supplychain.models import Chain, ScenarioOutcome
from trustlane.supplychain.pages_support import PAGE_SIZE, number_field, page_of, search, tabs
from trustlane.supplychain.views import exposure_public, ports_public
from trustlane.web.deps import DatabaseDep, RunnerDep, SessionDep, SettingsDep
from trustlane.web.pages.common import CsrfChecked, PageUser, field_errors, pager, render

router = APIRouter()
JOB_KIND = "supplychain.resilience"
#: Recent runs and running jobs listed on the disruption page.
RECENT = 5


@router.get("/{chain_id}/exposure", response_class=HTMLResponse)
def exposure_page(
    request: Request,
    chain_id: int,
    principal: PageUser,
    session: SessionDep,
    database: DatabaseDep,
    settings: SettingsDep,
    q: str | None = None,
    show: str = "exposed",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    chain = chains.get_chain(session, principal, chain_id)
    screen = list_screening(database, settings, principal)
    report = exposure_public(
        expose.compute_exposure(session, principal, chain, screen), show != "all"
    )
    rows = search(
        report.items,
        q,
        lambda r: (
            r.facility_id,
            r.name,
            *(x.text for x in r.reasons),
            *(x.code for x in r.reasons),
        ),
    )
    shown = page_of(sorted(rows, key=lambda r: (-r.exposure_share, r.facility_id)), offset)
    return render(
        request,
        "supplychain/exposure.html",
        {
            "chain": chain,
            "tabs": tabs(chain),
            "report": report,
            "rows": shown.items,
            "pager": pager(shown),
            "filters": {"q": q or "", "show": show},
        },
    )


# -- disruption impact --------------------------------------------------------------------


def _outcomes(
    session: Session, run_id: int, kind: str, at_risk: str, q: str, offset: int
) -> Page[ScenarioOutcome]:
    """A page of a run's scenarios by lost profit; a search reads the run's scenarios whole."""
    risk = {"yes": True, "no": False}.get(at_risk)
    if not q.strip():
        return store.page_outcomes(session, run_id, PageRequest(PAGE_SIZE, offset), kind, risk)
    found = [
        o
        for o in search(
            store.outcomes(session, run_id, kind or None), q, lambda o: (o.key, o.label)
        )
        if risk is None or o.at_risk == risk
    ]
    return page_of(sorted(found, key=lambda o: (-o.lost_profit, o.seq)), offset)


def _resilience_page(
    request: Request,
    session: Session,
    principal: Principal,
    chain: Chain,
    *,
    run_id: int | None = None,
    kind: str = "",
    at_risk: str = "",
    q: str = "",
    offset: int = 0,
    errors: dict[str, str] | None = None,
    form: dict[str, object] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    run = store.latest_run(session, chain.id)
    if run_id is not None:
        run, of = simulate.get_run(session, principal, run_id)
        if of.id != chain.id:
            raise NotFound(f"Resilience run {run_id} not found")
    found = _outcomes(session, run.id, kind, at_risk, q, offset) if run else None
    running = [
        JobPublic.model_validate(j)
        for j in jobs.list_jobs(session, principal, PageRequest(20), kind=JOB_KIND).items
        if j.params.get("chain_id") == chain.id and j.status in ("queued", "running")
    ]
    return render(
        request,
        "supplychain/resilience.html",
        {
            "chain": chain,
            "tabs": tabs(chain),
            "run": run,
            "outcomes": found.items if found else [],
            "pager": pager(found) if found else None,
            "runs": store.page_runs(session, chain.id, PageRequest(RECENT)).items,
            "running": running,
            "filters": {"kind": kind, "at_risk": at_risk, "q": q},
            "kinds": simulate.SCENARIO_KINDS,
            "errors": errors or {},
            "form": form or {"horizon": "365", "group_days": "90", "scenarios": ["facility"]},
            "api": "/api/supplychain",
        },
        status_code=status_code,
    )


@router.get("/{chain_id}/resilience", response_class=HTMLResponse)
def resilience_page(
    request: Request,
    chain_id: int,
    principal: PageUser,
    session: SessionDep,
    run: int | None = None,
    kind: str = "",
    at_risk: str = "",
    q: str = "",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    chain = chains.get_chain(session, principal, chain_id)
    return _resilience_page(
        request, session, principal, chain, run_id=run, kind=kind, at_risk=at_risk, q=q,
        offset=offset,
    )  # fmt: skip


@router.post("/{chain_id}/resilience", response_class=HTMLResponse, dependencies=[CsrfChecked])
def run_resilience(
    request: Request,
    chain_id: int,
    principal: PageUser,
    session: SessionDep,
    runner: RunnerDep,
    horizon: Annotated[str, Form()] = "365",
    group_days: Annotated[str, Form()] = "90",
    scenarios: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Run the disruption scenarios as a job (as ``POST /api/.../resilience`` does) and
    follow its progress."""
    chain = chains.get_chain(session, principal, chain_id)
    kinds = scenarios or []
    form: dict[str, object] = {"horizon": horizon, "group_days": group_days, "scenarios": kinds}
    try:
        problems: list[FieldProblem] = []
        days = number_field(horizon, "horizon", 0, 3650, problems)
        group = number_field(group_days, "group_days", 0, 3650, problems)
        if not kinds:
            problems.append(FieldProblem("scenarios", "choose at least one kind of scenario"))
        if problems:
            raise InvalidInput("Check the form", problems)
        simulate.build_scenarios(store.load_graph(session, chain.id), tuple(kinds), group)
        params = {"chain_id": chain.id, "horizon": days, "scenarios": kinds, "group_days": group}
        job = jobs.create_job(
            session, principal, JOB_KIND, params, tenant_id=chain.tenant_id, unit="scenarios"
        )
    except TrustlaneError as exc:
        if exc.status in (401, 403, 404):
            raise
        return _resilience_page(
            request, session, principal, chain, errors=field_errors(exc), form=form,
            status_code=exc.status,
        )  # fmt: skip
    session.commit()  # the job's worker must find it
    runner.start(job.id)
    return RedirectResponse(f"/supplychain/{chain.id}/resilience/jobs/{job.id}", status_code=303)


@router.get("/{chain_id}/resilience/jobs/{job_id}", response_class=HTMLResponse)
def resilience_job(
    request: Request, chain_id: int, job_id: str, principal: PageUser, session: SessionDep
) -> HTMLResponse:
    """A run's progress: the fragment the page polls (htmx) while it runs, or the page."""
    chain = chains.get_chain(session, principal, chain_id)
    job = jobs.get_job(session, principal, job_id)
    if job.kind != JOB_KIND or job.params.get("chain_id") != chain.id:
        raise NotFound(f"Job {job_id} not found")
    fragment = request.headers.get("HX-Request") == "true"
    template = "supplychain/_job.html" if fragment else "supplychain/job.html"
    return render(
        request,
        template,
        {"chain": chain, "tabs": tabs(chain), "job": JobPublic.model_validate(job)},
    )


# -- ports --------------------------------------------------------------------------------


@router.get("/{chain_id}/ports", response_class=HTMLResponse)
def ports_page(
    request: Request,
    chain_id: int,
    principal: PageUser,
    session: SessionDep,
    database: DatabaseDep,
    settings: SettingsDep,
    q: str | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    chain = chains.get_chain(session, principal, chain_id)
    screen = list_screening(database, settings, principal)
    report = ports_public(ports.port_view(session, principal, chain, screen))
    found = search(
        report.ports,
        q,
        lambda p: (p.port_code, p.name, p.country, *p.facilities, *p.materials,
                   *(e.equipment.vendor for e in p.equipment)),
    )  # fmt: skip
    shown = page_of(found, offset)
    return render(
        request,
        "supplychain/ports.html",
        {
            "chain": chain,
            "tabs": tabs(chain),
            "report": report,
            "rows": shown.items,
            "pager": pager(shown),
            "q": q or "",
            "flagged": sum(1 for p in report.ports for e in p.equipment if e.severity != "ok"),
        },
    )
