"""Administration pages: users, API tokens, the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from trustlane.access import audit, users
from trustlane.access.roles import ROLES, Role
from trustlane.errors import TrustlaneError
from trustlane.paging import PageRequest
from trustlane.registry.models import Organization
from trustlane.web.deps import SessionDep, SettingsDep
from trustlane.web.pages.common import (
    CsrfChecked,
    PageUser,
    field_errors,
    pager,
    render,
    set_flash,
)

router = APIRouter(prefix="/admin")
PAGE = 25


@router.get("/users", response_class=HTMLResponse)
def users_page(
    request: Request,
    principal: PageUser,
    session: SessionDep,
    q: str | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    found = users.list_users(session, principal, PageRequest(PAGE, offset, "email"), q)
    return render(
        request,
        "admin/users.html",
        {
            "users": found.items,
            "pager": pager(found),
            "q": q or "",
            "errors": {},
            "form": {},
            "roles": _roles_for(principal.is_agency),
            "orgs": _orgs_for(session, principal.tenant_id),
        },
    )


def _roles_for(agency: bool) -> list[tuple[str, str]]:
    return [
        (r.value, ROLES[r].description)
        for r in Role
        if (ROLES[r].scope.value == "all") == agency or agency
    ]


def _orgs_for(session: SessionDep, tenant_id: int | None) -> list[tuple[int, str]]:
    """Organizations a new user may join, as select options (agency ones first)."""
    stmt = sa.select(Organization.id, Organization.name, Organization.kind).where(
        Organization.status == "active"
    )
    if tenant_id is not None:
        stmt = stmt.where(Organization.id == tenant_id)
    rows = session.execute(stmt.order_by(Organization.kind, Organization.name).limit(1000))
    return [(row.id, f"{row.name} ({row.kind})") for row in rows]


@router.post("/users", response_class=HTMLResponse, dependencies=[CsrfChecked])
def users_create(
    request: Request,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    email: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    org_id: Annotated[int | None, Form()] = None,
    role: Annotated[str, Form()] = "",
) -> Response:
    form = {"email": email, "name": name, "org_id": org_id, "role": role}
    try:
        with session.begin_nested():
            user = users.create_user(
                session,
                principal,
                email=email,
                name=name,
                password=password,
                org_id=org_id or 0,
                role=role,
            )
    except TrustlaneError as exc:
        found = users.list_users(session, principal, PageRequest(PAGE, 0, "email"))
        return render(
            request,
            "admin/users.html",
            {
                "users": found.items,
                "pager": pager(found),
                "q": "",
                "form": form,
                "errors": field_errors(exc),
                "roles": _roles_for(principal.is_agency),
                "orgs": _orgs_for(session, principal.tenant_id),
            },
            status_code=exc.status,
        )
    response = RedirectResponse("/admin/users", status_code=303)
    set_flash(response, settings, f"Created {user.email}.")
    return response


@router.post("/users/{user_id}/active", dependencies=[CsrfChecked])
def users_set_active(
    user_id: int,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    active: Annotated[bool, Form()] = False,
) -> Response:
    user = users.set_active(session, principal, user_id, active)
    response = RedirectResponse("/admin/users", status_code=303)
    set_flash(response, settings, f"{user.email} {'enabled' if active else 'disabled'}.")
    return response


def _tokens_page(
    request: Request,
    principal: PageUser,
    session: SessionDep,
    *,
    q: str | None = None,
    offset: int = 0,
    issued: str | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    found = users.page_tokens(session, principal, PageRequest(PAGE, offset), q)
    return render(
        request,
        "admin/tokens.html",
        {
            "tokens": found.items,
            "pager": pager(found),
            "q": q or "",
            "issued": issued,
            "errors": errors or {},
        },
        status_code=status_code,
    )


@router.get("/tokens", response_class=HTMLResponse)
def tokens_page(
    request: Request,
    principal: PageUser,
    session: SessionDep,
    q: str | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    return _tokens_page(request, principal, session, q=q, offset=offset)


@router.post("/tokens", response_class=HTMLResponse, dependencies=[CsrfChecked])
def tokens_create(
    request: Request,
    principal: PageUser,
    session: SessionDep,
    name: Annotated[str, Form()] = "",
    expires_days: Annotated[str, Form()] = "",
) -> HTMLResponse:
    try:
        days = int(expires_days) if expires_days.strip() else None
    except ValueError:
        days = -1
    try:
        with session.begin_nested():
            issued = users.create_token(session, principal, name=name, expires_days=days)
    except TrustlaneError as exc:
        return _tokens_page(
            request, principal, session, errors=field_errors(exc), status_code=exc.status
        )
    return _tokens_page(request, principal, session, issued=issued.token)


@router.post("/tokens/{token_id}/revoke", dependencies=[CsrfChecked])
def tokens_revoke(
    token_id: int, principal: PageUser, session: SessionDep, settings: SettingsDep
) -> Response:
    users.revoke_token(session, principal, token_id)
    response = RedirectResponse("/admin/tokens", status_code=303)
    set_flash(response, settings, "Token revoked.")
    return response


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    principal: PageUser,
    session: SessionDep,
    entity_type: str | None = None,
    action: str | None = None,
    actor: str | None = None,
    since: str | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    filters = {
        "entity_type": entity_type or "",
        "action": action or "",
        "actor": actor or "",
        "since": since or "",
    }
    try:
        since_at = datetime.fromisoformat(since) if since else None
    except ValueError:
        principal.require("audit:read")
        return render(
            request,
            "admin/audit.html",
            {
                "entries": [],
                "pager": None,
                "filters": filters,
                "errors": {"since": "not a date (YYYY-MM-DD)"},
            },
            status_code=422,
        )
    found = audit.list_entries(
        session,
        principal,
        PageRequest(PAGE, offset),
        entity_type=entity_type or None,
        action=action or None,
        actor_label=actor or None,
        since=since_at,
    )
    return render(
        request,
        "admin/audit.html",
        {"entries": found.items, "pager": pager(found), "filters": filters, "errors": {}},
    )
