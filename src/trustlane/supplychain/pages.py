"""Pages of supply chains, for people: the chains one may see and the import form, a chain as
a picture (stages, countries, exposure) with its facilities, and a facility with its trace and
evidence dossier. The analyses (exposure, disruption impact, ports) live in
:mod:`.pages_analyses`; the picture's layout in :mod:`.pages_picture`.

Thin: parse, call the use case (the same as the API's and the CLI's, with their permission
and tenant checks: another member's chain is "not found"), render. Downloads (dossier, CSVs,
charts) are the API's own routes, which accept the pages' login cookie on reads.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from trustlane.access.principal import Principal
from trustlane.errors import FieldProblem, InvalidInput, TrustlaneError
from trustlane.paging import Page, PageRequest
from trustlane.registry.store import org_labels
from trustlane.settings import Settings
from trustlane.supplychain import chains, concentrate, expose, ingest, pages_analyses, store, trace
from trustlane.supplychain.listed import list_screening
from trustlane.supplychain.pages_picture import chain_picture, stages
from trustlane.supplychain.pages_support import (
    PAGE_SIZE,
    file_names,
    import_errors,
    page_of,
    search,
    tabs,
    upload_text,
)
from trustlane.supplychain.tracing import by_country
from trustlane.supplychain.views import concentration_public, trace_public
from trustlane.web.deps import DatabaseDep, SessionDep, SettingsDep
from trustlane.web.pages.common import CsrfChecked, PageUser, pager, render, set_flash

router = APIRouter(prefix="/supplychain", include_in_schema=False)
#: Facility kinds a chain page can filter by are those of the chain; this caps the list.
MAX_KINDS = 40


# -- the chains --------------------------------------------------------------------------


def _visible(session: Session, principal: Principal, q: str | None, offset: int) -> Page[Any]:
    """The chains one may see, a page of them; searched (in SQL) by name and description."""
    return chains.list_chains(session, principal, PageRequest(PAGE_SIZE, offset, "name"), q)


def _list_page(
    request: Request,
    session: Session,
    settings: Settings,
    principal: Principal,
    *,
    q: str | None = None,
    offset: int = 0,
    errors: dict[str, list[str]] | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    found = _visible(session, principal, q, offset)
    owners = org_labels(session, {c.tenant_id for c in found.items if c.tenant_id is not None})
    return render(
        request,
        "supplychain/list.html",
        {
            "chains": found.items,
            "pager": pager(found),
            "q": q or "",
            "owners": {k: name for k, (name, _) in owners.items()},
            "may_import": principal.can("supplychain:write"),
            "errors": errors or {},
            "form": form or {},
            "limit_mb": settings.max_upload_mb,
        },
        status_code=status_code,
    )


@router.get("", response_class=HTMLResponse)
def chain_list(
    request: Request,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    q: str | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    principal.require("supplychain:read")
    return _list_page(request, session, settings, principal, q=q, offset=offset)


@router.post("/import", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def import_chain(
    request: Request,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    chain: Annotated[str, Form()] = "",
    tenant_id: Annotated[str, Form()] = "",
    facilities: Annotated[UploadFile | None, File()] = None,
    links: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Import ``facilities.csv`` and ``links.csv`` into a chain (new, or replaced)."""
    principal.require("supplychain:write")
    form = {"chain": chain, "tenant_id": tenant_id}
    names = file_names(facilities, links)
    try:
        problems: list[FieldProblem] = []
        if not chain.strip():
            problems.append(FieldProblem("chain", "name the chain"))
        owner = None
        if tenant_id.strip():
            if not tenant_id.strip().isdigit():
                problems.append(FieldProblem("tenant_id", "an organization's number"))
            else:
                owner = int(tenant_id)
        texts = []
        for field, upload in (("facilities", facilities), ("links", links)):
            try:
                texts.append(await upload_text(upload, field, settings.max_upload_mb))
            except TrustlaneError as exc:
                problems += exc.problems
        if problems:
            raise InvalidInput("Check the form", problems)
        with session.begin_nested():
            report = ingest.import_chain(
                session, principal, texts[0], texts[1], chain_name=chain.strip(),
                tenant_id=owner, facilities_name=names[0], links_name=names[1],
            )  # fmt: skip
    except TrustlaneError as exc:
        if exc.status == 401:
            raise
        return _list_page(
            request, session, settings, principal, errors=import_errors(exc, *names), form=form,
            status_code=exc.status,
        )  # fmt: skip
    response = RedirectResponse(f"/supplychain/{report.chain.id}", status_code=303)
    rejected = f"; {len(report.rejected)} rows rejected (listed below)" if report.rejected else ""
    set_flash(
        response,
        settings,
        f"Imported {report.facilities} facilities and {report.links} links into chain "
        f"{report.chain.name!r}{rejected}.",
        "error" if report.rejected else "info",
    )
    return response


# -- one chain: the picture and the facilities --------------------------------------------


@router.get("/{chain_id}", response_class=HTMLResponse)
def chain_page(
    request: Request,
    chain_id: int,
    principal: PageUser,
    session: SessionDep,
    database: DatabaseDep,
    settings: SettingsDep,
    q: str | None = None,
    kind: str | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    chain = chains.get_chain(session, principal, chain_id)
    screen = list_screening(database, settings, principal)
    exposure = expose.compute_exposure(session, principal, chain, screen)
    graph = exposure.graph
    picture = chain_picture(graph, exposure.rows)
    concentration = concentration_public(
        concentrate.compute_concentration(session, principal, chain)
    )
    facilities = store.page_facilities(
        session, chain.id, PageRequest(PAGE_SIZE, offset, "code"), q or None, kind or None
    )
    stage = stages(graph)
    by_position = {r.position: r for r in exposure.rows}
    rows = [
        {
            "f": f,
            "stage": stage[graph.position_of[f.code]] + 1 if f.code in graph.position_of else None,
            "exposure": by_position.get(graph.position_of.get(f.code, -1)),
        }
        for f in facilities.items
    ]
    return render(
        request,
        "supplychain/chain.html",
        {
            "chain": chain,
            "tabs": tabs(chain),
            "picture": picture,
            "notes": exposure.notes(),
            "exposed": len(exposure.exposed),
            "concentration": concentration,
            "rows": rows,
            "pager": pager(facilities),
            "filters": {"q": q or "", "kind": kind or ""},
            "kinds": sorted(set(graph.kinds))[:MAX_KINDS],
            "problems": chain.import_problems,
        },
    )


@router.get("/{chain_id}/facilities/{facility_code}", response_class=HTMLResponse)
def facility_page(
    request: Request,
    chain_id: int,
    facility_code: str,
    principal: PageUser,
    session: SessionDep,
    q: str | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    """A facility, everything upstream of it, and its evidence dossier."""
    chain = chains.get_chain(session, principal, chain_id)
    report = trace.trace_facility(session, principal, chain, facility_code)
    traced = trace_public(report)
    upstream = search(
        traced.upstream, q, lambda r: (r.facility_id, r.name, r.country, r.region, r.material)
    )
    shown = page_of(upstream, offset)
    return render(
        request,
        "supplychain/facility.html",
        {
            "chain": chain,
            "tabs": tabs(chain),
            "facility": store.facility_by_code(session, chain.id, facility_code),
            "traced": traced,
            "rows": shown.items,
            "pager": pager(shown),
            "q": q or "",
            "countries": by_country(report.trace.origins),
            "api": f"/api/supplychain/chains/{chain.id}",
        },
    )


router.include_router(pages_analyses.router)
