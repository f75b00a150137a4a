"""API routes: login, the caller, users, API tokens and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from fastapi.security import OAuth2PasswordRequestForm

from trustlane.access import audit, users
from trustlane.access.schemas import (
    AuditEntryPublic,
    LoginToken,
    MePublic,
    TokenCreate,
    TokenIssued,
    TokenPublic,
    UserCreate,
    UserPublic,
    UserUpdate,
)
from trustlane.web.deps import CurrentUser, PageDep, SessionDep, SettingsDep
from trustlane.web.schemas import PagePublic

router = APIRouter(prefix="/api", tags=["access"])


@router.post("/auth/token", response_model=LoginToken, summary="Log in; returns a bearer token")
def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    settings: SettingsDep,
) -> LoginToken:
    issued = users.login(session, form.username, form.password, hours=settings.session_hours)
    return LoginToken(access_token=issued.token, expires_at=issued.record.expires_at)


@router.get("/auth/me", response_model=MePublic, summary="Who am I, and what may I do")
def me(principal: CurrentUser, session: SessionDep) -> MePublic:
    user = users.get_user(session, principal, principal.user_id) if principal.user_id else None
    return MePublic(
        user=UserPublic.model_validate(user) if user else None,
        label=principal.label,
        role=principal.role,
        org_id=principal.org_id,
        scope=principal.scope.value,
        permissions=sorted(principal.permissions),
    )


@router.get("/users", response_model=PagePublic[UserPublic])
def list_users(
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    q: Annotated[str | None, Query(description="Search e-mail and name")] = None,
) -> PagePublic[UserPublic]:
    found = users.list_users(session, principal, page, q)
    return PagePublic(
        items=[UserPublic.model_validate(u) for u in found.items],
        total=found.total,
        limit=found.limit,
        offset=found.offset,
    )


@router.post("/users", response_model=UserPublic, status_code=status.HTTP_201_CREATED)
def create_user(body: UserCreate, principal: CurrentUser, session: SessionDep) -> UserPublic:
    user = users.create_user(
        session,
        principal,
        email=body.email,
        name=body.name,
        password=body.password,
        org_id=body.org_id,
        role=body.role,
    )
    return UserPublic.model_validate(user)


@router.get("/users/{user_id}", response_model=UserPublic)
def get_user(user_id: int, principal: CurrentUser, session: SessionDep) -> UserPublic:
    return UserPublic.model_validate(users.get_user(session, principal, user_id))


@router.patch("/users/{user_id}", response_model=UserPublic)
def update_user(
    user_id: int, body: UserUpdate, principal: CurrentUser, session: SessionDep
) -> UserPublic:
    if body.password is not None:
        users.set_password(session, principal, user_id, body.password)
    if body.is_active is not None:
        users.set_active(session, principal, user_id, body.is_active)
    return UserPublic.model_validate(users.get_user(session, principal, user_id))


@router.get("/tokens", response_model=list[TokenPublic], summary="My API tokens")
def list_tokens(
    principal: CurrentUser, session: SessionDep, user_id: int | None = None
) -> list[TokenPublic]:
    return [TokenPublic.model_validate(t) for t in users.list_tokens(session, principal, user_id)]


@router.post("/tokens", response_model=TokenIssued, status_code=status.HTTP_201_CREATED)
def create_token(body: TokenCreate, principal: CurrentUser, session: SessionDep) -> TokenIssued:
    issued = users.create_token(
        session, principal, name=body.name, expires_days=body.expires_days, user_id=body.user_id
    )
    return TokenIssued(token=issued.token, **TokenPublic.model_validate(issued.record).model_dump())


@router.delete("/tokens/{token_id}", response_model=TokenPublic)
def revoke_token(token_id: int, principal: CurrentUser, session: SessionDep) -> TokenPublic:
    return TokenPublic.model_validate(users.revoke_token(session, principal, token_id))


@router.get("/audit", response_model=PagePublic[AuditEntryPublic], tags=["audit"])
def list_audit(
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    entity_type: str | None = None,
    entity_id: str | None = None,
    action: str | None = None,
    actor: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> PagePublic[AuditEntryPublic]:
    found = audit.list_entries(
        session,
        principal,
        page,
        entity_type=entity_type,
        entity_id=entity_id,
        action=action,
        actor_label=actor,
        since=since,
        until=until,
    )
    return PagePublic(
        items=[AuditEntryPublic.model_validate(e) for e in found.items],
        total=found.total,
        limit=found.limit,
        offset=found.offset,
    )
