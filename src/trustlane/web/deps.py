"""FastAPI dependencies that read as types: ``SessionDep``, ``CurrentUser``, ``SettingsDep``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from trustlane.access.principal import Principal
from trustlane.access.users import principal_for_token
from trustlane.db import Database
from trustlane.errors import Unauthorized
from trustlane.jobs.runner import JobRunner
from trustlane.paging import PageRequest
from trustlane.settings import Settings

#: Name of the login-session cookie the pages use.
SESSION_COOKIE = "tl_session"

_bearer = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_runner(request: Request) -> JobRunner:
    runner: JobRunner = request.app.state.runner
    return runner


def get_session(database: Annotated[Database, Depends(get_database)]) -> Iterator[Session]:
    """One session per request: committed when the route returns, rolled back on error.

    Used with ``scope="function"`` (:data:`SessionDep`): the commit happens before the
    response is sent. With FastAPI's default (``"request"``) it would come after, and a
    client following a redirect (log in, then the home page) could ask before the write it
    depends on is committed."""
    with database.session() as session:
        yield session


DatabaseDep = Annotated[Database, Depends(get_database)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
RunnerDep = Annotated[JobRunner, Depends(get_runner)]


def current_principal(
    request: Request,
    session: SessionDep,
    token: Annotated[str | None, Depends(_bearer)],
) -> Principal:
    """The caller, from a bearer token, or from the pages' session cookie on reads.

    The cookie is accepted only for safe methods: a cross-site form could otherwise make a
    logged-in browser write through the API (writes from pages carry a CSRF token instead).
    """
    if token is None and request.method in ("GET", "HEAD"):
        token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise Unauthorized("Log in or send an API token (Authorization: Bearer ...)")
    return principal_for_token(session, token)


CurrentUser = Annotated[Principal, Depends(current_principal)]


def page_request(
    limit: Annotated[int, Query(ge=1, le=1000, description="Items per page")] = 50,
    offset: Annotated[int, Query(ge=0, description="Items to skip")] = 0,
    sort: Annotated[
        str | None, Query(description="Field to sort by; prefix - for descending")
    ] = None,
) -> PageRequest:
    return PageRequest(limit=limit, offset=offset, sort=sort)


PageDep = Annotated[PageRequest, Depends(page_request)]
