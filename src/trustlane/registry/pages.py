"""Pages: the organizations of the registry (search, detail, confirm, merge)."""

from __future__ import annotations

import importlib.util
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from trustlane.access.principal import Principal
from trustlane.errors import TrustlaneError
from trustlane.paging import PageRequest
from trustlane.registry import merge, orgs, ownership
from trustlane.registry.sectors import sectors
from trustlane.registry.vocab import OrgStatus, TradeRole
from trustlane.web.deps import SessionDep, SettingsDep
from trustlane.web.pages.common import CsrfChecked, PageUser, field_errors, pager, render, set_flash

router = APIRouter(include_in_schema=False)
PAGE = 25


@router.get("/orgs", response_class=HTMLResponse)
def organizations(
    request: Request,
    principal: PageUser,
    session: SessionDep,
    q: str | None = None,
    country: str | None = None,
    sector: str | None = None,
    role: str | None = None,
    status: str | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    filters = {
        "q": q or "",
        "country": country or "",
        "sector": sector or "",
        "role": role or "",
        "status": status or "",
    }
    errors: dict[str, str] = {}
    try:
        found = orgs.list_organizations(
            session,
            principal,
            PageRequest(PAGE, offset, "name"),
            q=q or None,
            country=country or None,
            sector=sector or None,
            role=role or None,
            status=status or None,
        )
        items, paging = found.items, pager(found)
    except TrustlaneError as exc:
        if exc.status != 422:
            raise
        errors, items, paging = field_errors(exc), [], None
    return render(
        request,
        "registry/list.html",
        {
            "orgs": items,
            "pager": paging,
            "filters": filters,
            "errors": errors,
            "sectors": [(s.slug, s.name) for s in sectors()],
            "roles": [r.value for r in TradeRole],
            "statuses": [s.value for s in OrgStatus],
        },
        status_code=422 if errors else 200,
    )


def _hits(session: SessionDep, principal: Principal, org_id: int) -> list[Any]:
    """Screening hits and ownership flags on the organization, when screening is installed."""
    if importlib.util.find_spec("trustlane.screening.interface") is None:
        return []
    if not principal.can("screening:read"):
        return []
    from trustlane.screening.interface import hits_for_organizations

    return hits_for_organizations(session, principal, [org_id]).get(org_id, [])


@router.get("/orgs/{org_id}", response_class=HTMLResponse)
def organization(
    request: Request, org_id: int, principal: PageUser, session: SessionDep
) -> HTMLResponse:
    org = orgs.get_organization(session, principal, org_id)
    owned = ownership.list_ownership(session, principal, org_id)
    return render(
        request,
        "registry/detail.html",
        {
            "org": org,
            "ownership": owned,
            "hits": _hits(session, principal, org_id),
            "sector_names": {s.slug: s.name for s in sectors()},
            "errors": {},
        },
    )


@router.post("/orgs/{org_id}/confirm", dependencies=[CsrfChecked])
def confirm(
    org_id: int, principal: PageUser, session: SessionDep, settings: SettingsDep
) -> Response:
    org = orgs.confirm_organization(session, principal, org_id)
    response = RedirectResponse(f"/orgs/{org_id}", status_code=303)
    set_flash(response, settings, f"{org.name} is now an active organization.")
    return response


@router.post("/orgs/{org_id}/merge", response_class=HTMLResponse, dependencies=[CsrfChecked])
def merge_into(
    request: Request,
    org_id: int,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    into_id: Annotated[str, Form()] = "",
) -> Response:
    try:
        target = int(into_id)
    except ValueError:
        target = -1
    try:
        with session.begin_nested():
            result = merge.merge_organizations(session, principal, org_id, target)
    except TrustlaneError as exc:
        org = orgs.get_organization(session, principal, org_id)
        owned = ownership.list_ownership(session, principal, org_id)
        return render(
            request,
            "registry/detail.html",
            {
                "org": org,
                "ownership": owned,
                "hits": _hits(session, principal, org_id),
                "sector_names": {s.slug: s.name for s in sectors()},
                "errors": field_errors(exc),
                "into_id": into_id,
            },
            status_code=exc.status,
        )
    response = RedirectResponse(f"/orgs/{target}", status_code=303)
    set_flash(response, settings, result.summary())
    return response
