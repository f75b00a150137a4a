"""Errors as RFC 9457 ``application/problem+json`` documents, naming the failing field."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from trustlane.errors import TrustlaneError
from trustlane.logs import get_logger

log = get_logger(__name__)

PROBLEM_JSON = "application/problem+json"


def problem(
    status: int,
    title: str,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _is_page(request: Request) -> bool:
    """Pages get HTML error pages; the API, /health and /docs get problem documents."""
    path = request.url.path
    return not path.startswith(("/api", "/health", "/docs", "/openapi", "/static"))


def _page_error(
    request: Request, status: int, title: str, detail: str, problems: list[str] | None = None
) -> Response:
    from trustlane.web.pages.common import render

    context = {"title": title, "detail": detail, "problems": problems or []}
    return render(request, "error.html", context, status_code=status)


def install(app: FastAPI) -> None:
    """Register the handlers: domain errors, request validation, HTTP errors, the unexpected."""
    from trustlane.web.pages.common import LoginRequired

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?{urlencode({'next': exc.next_url})}", status_code=303)

    @app.exception_handler(TrustlaneError)
    async def _domain(request: Request, exc: TrustlaneError) -> Response:
        if _is_page(request):
            listed = [str(p) for p in exc.problems]
            return _page_error(request, exc.status, exc.title, exc.message, listed)
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        errors = [p.as_dict() for p in exc.problems]
        return problem(exc.status, exc.title, exc.message, errors, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = []
        for err in exc.errors():
            loc = [str(part) for part in err.get("loc", ()) if part not in ("body",)]
            errors.append({"field": ".".join(loc) or "body", "reason": err.get("msg", "invalid")})
        detail = "The request has invalid fields: " + ", ".join(e["field"] for e in errors)
        if _is_page(request):
            listed = [f"{e['field']}: {e['reason']}" for e in errors]
            return _page_error(request, 422, "Invalid input", detail, listed)
        return problem(422, "Invalid input", detail, errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_page(request):
            return _page_error(request, exc.status_code, _title(exc.status_code), str(exc.detail))
        headers = getattr(exc, "headers", None)
        return problem(exc.status_code, _title(exc.status_code), str(exc.detail), headers=headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error", path=request.url.path)
        detail = "Something went wrong on our side; the error is in the server log."
        if _is_page(request):
            return _page_error(request, 500, "Internal error", detail)
        return problem(500, "Internal error", detail)


def _title(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
