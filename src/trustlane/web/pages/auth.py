"""Login and logout pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from trustlane.access import users
from trustlane.errors import Unauthorized
from trustlane.web.deps import SESSION_COOKIE, SessionDep, SettingsDep
from trustlane.web.pages.common import CSRF_COOKIE, check_csrf, render

router = APIRouter()


def _safe_next(next_url: str | None) -> str:
    """Only same-site paths: an open redirect would help phishing."""
    if next_url and next_url.startswith("/") and not next_url.startswith("//"):
        return next_url
    return "/"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", {"next": _safe_next(next), "errors": {}})


@router.post("/login", response_class=HTMLResponse)
def login_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    check_csrf(request, settings, csrf_token)
    try:
        issued = users.login(session, email, password, hours=settings.session_hours)
    except Unauthorized as exc:
        context = {"next": _safe_next(next), "email": email, "errors": {"_form": exc.message}}
        return render(request, "login.html", context, status_code=401)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        issued.token,
        max_age=settings.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.environment == "production",
    )
    response.delete_cookie(CSRF_COOKIE)
    return response


@router.post("/logout")
def logout(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, settings, csrf_token)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        users.logout(session, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
