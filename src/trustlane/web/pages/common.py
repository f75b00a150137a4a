"""What every page shares: templates, the logged-in user, CSRF checks, messages, paging."""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
import secrets
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from itsdangerous import BadSignature, URLSafeSerializer
from jinja2 import Environment, FileSystemLoader, select_autoescape

from trustlane.access.principal import Principal
from trustlane.access.users import principal_for_token
from trustlane.errors import FieldProblem, Forbidden, TrustlaneError, Unauthorized
from trustlane.paging import Page
from trustlane.settings import Settings
from trustlane.web.deps import SESSION_COOKIE, SessionDep, SettingsDep

PACKAGE_ROOT = Path(__file__).resolve().parents[2]
CSRF_COOKIE = "tl_csrf"
FLASH_COOKIE = "tl_flash"


def _template_dirs() -> list[str]:
    dirs = [str(PACKAGE_ROOT / "web" / "templates")]
    dirs += sorted(str(p) for p in PACKAGE_ROOT.glob("*/templates") if p.parent.name != "web")
    return dirs


environment = Environment(
    loader=FileSystemLoader(_template_dirs()),
    autoescape=select_autoescape(["html", "xml", "svg"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
templates = Jinja2Templates(env=environment)


#: The navigation: (label, path, permission needed, page module that must exist).
NAV: list[tuple[str, str, str | None, str | None]] = [
    ("Home", "/", None, None),
    ("Inspection queue", "/targeting", "targeting:read", "trustlane.targeting.pages"),
    ("Screening alerts", "/screening", "screening:read", "trustlane.screening.pages"),
    ("Programs", "/programs", "programs:read", "trustlane.programs.pages"),
    ("Supply chains", "/supplychain", "supplychain:read", "trustlane.supplychain.pages"),
    ("Organizations", "/orgs", "orgs:read", "trustlane.registry.pages"),
    ("Shipments", "/shipments", "shipments:read", "trustlane.cargo.pages"),
    ("Jobs", "/jobs", None, None),
    ("Users", "/admin/users", "users:read", None),
    ("API tokens", "/admin/tokens", "tokens:write", None),
    ("Audit log", "/admin/audit", "audit:read", None),
]


def nav_for(principal: Principal | None) -> list[tuple[str, str]]:
    """The navigation entries this user may use, for the pages that exist."""
    if principal is None:
        return []
    return [
        (label, path)
        for label, path, permission, module in NAV
        if (permission is None or principal.can(permission))
        and (module is None or importlib.util.find_spec(module) is not None)
    ]


class LoginRequired(Exception):
    """Raised by page dependencies when nobody is logged in; answered with a redirect."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def page_principal(request: Request, session: SessionDep) -> Principal:
    """The logged-in user of the pages (session cookie), or a redirect to the login page."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise LoginRequired(str(request.url.path))
    try:
        principal = principal_for_token(session, token)
    except Unauthorized as exc:
        raise LoginRequired(str(request.url.path)) from exc
    request.state.principal = principal
    return principal


PageUser = Annotated[Principal, Depends(page_principal)]


def csrf_token(request: Request, settings: Settings) -> str:
    """The CSRF token of this browser: bound to its session, or to its pre-login cookie."""
    basis: str = (
        request.cookies.get(SESSION_COOKIE)
        or request.cookies.get(CSRF_COOKIE)
        or getattr(request.state, "csrf_basis", None)
        or ""
    )
    return hmac.new(settings.secret_key.encode(), basis.encode(), hashlib.sha256).hexdigest()


def check_csrf(request: Request, settings: Settings, submitted: str | None) -> None:
    """Refuse a form post whose CSRF token does not match this browser's."""
    expected = csrf_token(request, settings)
    if not submitted or not hmac.compare_digest(expected, submitted):
        raise Forbidden("The form has expired or did not come from this site; reload and retry")


async def csrf_checked(request: Request, settings: SettingsDep) -> None:
    """Dependency for every form post: checks the ``csrf_token`` field."""
    form = await request.form()
    value = form.get("csrf_token")
    check_csrf(request, settings, value if isinstance(value, str) else None)


CsrfChecked = Depends(csrf_checked)


def _flash_serializer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.secret_key, salt="flash")


def set_flash(response: Any, settings: Settings, message: str, kind: str = "info") -> None:
    """Show ``message`` once on the next page (after a redirect)."""
    value = _flash_serializer(settings).dumps({"m": message, "k": kind})
    response.set_cookie(FLASH_COOKIE, value, httponly=True, samesite="lax")


def _pop_flash(request: Request, settings: Settings) -> dict[str, str] | None:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    try:
        data: dict[str, str] = _flash_serializer(settings).loads(raw)
    except BadSignature:
        return None
    return data


def field_errors(exc: TrustlaneError) -> dict[str, str]:
    """Problems by field name, to show next to each form field."""
    out: dict[str, str] = {}
    for problem in exc.problems:
        out.setdefault(problem.field.split(".")[0].split("[")[0], problem.reason)
    if not out:
        out["_form"] = exc.message
    return out


def page_url(request: Request, **changes: Any) -> str:
    """The current URL with some query parameters changed (for pagers and sort links)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    return f"{request.url.path}?{urlencode(params)}"


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a page with what every template needs: the user, CSRF token, message, URLs."""
    settings: Settings = request.app.state.settings
    principal: Principal | None = getattr(request.state, "principal", None)
    new_basis = None
    if CSRF_COOKIE not in request.cookies and SESSION_COOKIE not in request.cookies:
        # A first visit: the token must be bound to the cookie this response sets.
        new_basis = request.state.csrf_basis = secrets.token_urlsafe(24)
    flash = _pop_flash(request, settings)
    full = {
        "request": request,
        "principal": principal,
        "csrf_token": csrf_token(request, settings),
        "flash": flash,
        "page_url": lambda **kw: page_url(request, **kw),
        "nav": nav_for(principal),
        "path": request.url.path,
        **(context or {}),
    }
    response = templates.TemplateResponse(request, name, full, status_code=status_code)
    if flash:
        response.delete_cookie(FLASH_COOKIE)
    if new_basis:
        response.set_cookie(CSRF_COOKIE, new_basis, httponly=True, samesite="lax")
    return response


def pager(page: Page[Any]) -> dict[str, Any]:
    """Numbers a pager shows: first/last item on the page, previous/next offsets."""
    last = min(page.offset + page.limit, page.total)
    return {
        "first": page.offset + 1 if page.total else 0,
        "last": last,
        "total": page.total,
        "prev": max(0, page.offset - page.limit) if page.offset > 0 else None,
        "next": page.offset + page.limit if last < page.total else None,
        "limit": page.limit,
    }


def problem_list(problems: list[FieldProblem]) -> list[str]:
    return [str(p) for p in problems]
