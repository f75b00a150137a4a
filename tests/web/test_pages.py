"""The pages' login, CSRF protection, navigation and administration, over HTTP."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories as f
from trustlane.access.roles import Role


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([0-9a-f]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def login_browser(client: TestClient, email: str, password: str = f.PASSWORD) -> None:
    page = client.get("/login")
    resp = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": _csrf(page.text), "next": "/"},
        follow_redirects=False,
    )
    assert resp.status_code == 303, resp.text


def test_pages_redirect_to_login_and_back(client: TestClient, session: Session) -> None:
    f.user(session, f.agency(session), Role.agency_admin, "admin@agency.example")
    session.commit()
    resp = client.get("/admin/users", follow_redirects=False)
    assert resp.status_code == 303
    assert resp.headers["location"] == "/login?next=%2Fadmin%2Fusers"
    page = client.get("/login?next=/admin/users")
    resp = client.post(
        "/login",
        data={
            "email": "admin@agency.example",
            "password": f.PASSWORD,
            "csrf_token": _csrf(page.text),
            "next": "/admin/users",
        },
        follow_redirects=False,
    )
    assert resp.headers["location"] == "/admin/users"
    assert "admin@agency.example" in client.get("/admin/users").text


def test_login_refuses_a_post_without_the_csrf_token(client: TestClient, session: Session) -> None:
    f.user(session, f.agency(session), Role.agency_admin, "admin@agency.example")
    session.commit()
    client.get("/login")
    resp = client.post(
        "/login",
        data={"email": "admin@agency.example", "password": f.PASSWORD, "csrf_token": "0" * 64},
    )
    assert resp.status_code == 403
    assert "form has expired" in resp.text


def test_wrong_password_shows_the_form_again(client: TestClient, session: Session) -> None:
    f.user(session, f.agency(session), Role.agency_admin, "admin@agency.example")
    session.commit()
    page = client.get("/login")
    resp = client.post(
        "/login",
        data={"email": "admin@agency.example", "password": "nope", "csrf_token": _csrf(page.text)},
    )
    assert resp.status_code == 401
    assert "Wrong e-mail or password" in resp.text


def test_user_form_shows_errors_next_to_the_field(client: TestClient, session: Session) -> None:
    agency = f.agency(session)
    f.user(session, agency, Role.agency_admin, "admin@agency.example")
    session.commit()
    login_browser(client, "admin@agency.example")
    page = client.get("/admin/users")
    resp = client.post(
        "/admin/users",
        data={
            "email": "new@agency.example",
            "name": "New",
            "password": "short",
            "org_id": agency.id,
            "role": "auditor",
            "csrf_token": _csrf(page.text),
        },
    )
    assert resp.status_code == 422
    assert re.search(r'id="e-password">must be at least 10 characters', resp.text)
    resp = client.post(
        "/admin/users",
        data={
            "email": "new@agency.example",
            "name": "New",
            "password": "long enough now",
            "org_id": agency.id,
            "role": "auditor",
            "csrf_token": _csrf(page.text),
        },
        follow_redirects=True,
    )
    assert "Created new@agency.example." in resp.text


def test_trade_member_navigation_has_no_administration_of_others(
    client: TestClient, session: Session
) -> None:
    acme = f.trade_org(session, "ACME Imports")
    f.user(session, acme, Role.trade_user, "clerk@acme.example")
    session.commit()
    login_browser(client, "clerk@acme.example")
    home = client.get("/").text
    assert "Audit log" not in home
    assert "Users" not in home
    assert client.get("/admin/audit").status_code == 403


def test_logout_ends_the_session(client: TestClient, session: Session) -> None:
    f.user(session, f.agency(session), Role.auditor, "audit@agency.example")
    session.commit()
    login_browser(client, "audit@agency.example")
    home = client.get("/")
    client.post("/logout", data={"csrf_token": _csrf(home.text)})
    assert client.get("/", follow_redirects=False).status_code == 303
