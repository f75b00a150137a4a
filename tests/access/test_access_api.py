"""Login, tokens, users and the audit log through the API."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories as f
from trustlane.access.roles import Role


def test_health_needs_no_login(client: TestClient) -> None:
    resp = client.get("/health")
    assert resp.status_code == 200
    assert resp.json()["status"] == "ok"


def test_api_routes_need_a_token(client: TestClient) -> None:
    resp = client.get("/api/users")
    assert resp.status_code == 401
    assert resp.headers["content-type"].startswith("application/problem+json")


def test_login_me_and_api_token(client: TestClient, session: Session) -> None:
    admin = f.user(session, f.agency(session), Role.agency_admin, "admin@agency.example")
    session.commit()
    headers = f.login(client, "ADMIN@agency.example ")
    me = client.get("/api/auth/me", headers=headers).json()
    assert me["user"]["id"] == admin.id
    assert "users:write" in me["permissions"]

    issued = client.post("/api/tokens", json={"name": "ci"}, headers=headers)
    assert issued.status_code == 201, issued.text
    token = issued.json()["token"]
    api = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/auth/me", headers=api).status_code == 200

    client.delete(f"/api/tokens/{issued.json()['id']}", headers=headers)
    resp = client.get("/api/auth/me", headers=api)
    assert resp.status_code == 401
    assert "revoked" in resp.json()["detail"]


def test_wrong_password_is_refused_without_saying_which_part(
    client: TestClient, session: Session
) -> None:
    f.user(session, f.agency(session), Role.auditor, "audit@agency.example")
    session.commit()
    wrong = client.post(
        "/api/auth/token", data={"username": "audit@agency.example", "password": "not the password"}
    )
    unknown = client.post(
        "/api/auth/token",
        data={"username": "nobody@agency.example", "password": "not the password"},
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]


def test_user_creation_is_validated_field_by_field(client: TestClient, session: Session) -> None:
    f.user(session, f.agency(session), Role.agency_admin, "admin@agency.example")
    session.commit()
    headers = f.login(client, "admin@agency.example")
    resp = client.post(
        "/api/users",
        headers=headers,
        json={
            "email": "x@agency.example",
            "name": "X",
            "password": "short",
            "org_id": 1,
            "role": "agency_admin",
        },
    )
    assert resp.status_code == 422
    assert resp.json()["errors"] == [
        {"field": "password", "reason": "must be at least 10 characters"}
    ]


def test_trade_admin_sees_only_own_users(client: TestClient, session: Session) -> None:
    acme = f.trade_org(session, "ACME Imports")
    other = f.trade_org(session, "Other Imports")
    f.user(session, acme, Role.trade_admin, "boss@acme.example")
    stranger = f.user(session, other, Role.trade_user, "someone@other.example")
    session.commit()
    headers = f.login(client, "boss@acme.example")
    listed = client.get("/api/users", headers=headers).json()
    assert [u["email"] for u in listed["items"]] == ["boss@acme.example"]
    assert client.get(f"/api/users/{stranger.id}", headers=headers).status_code == 404
    resp = client.post(
        "/api/users",
        headers=headers,
        json={
            "email": "new@other.example",
            "name": "New",
            "password": "long enough pw",
            "org_id": other.id,
            "role": "trade_user",
        },
    )
    assert resp.status_code == 404


def test_every_write_is_audited_and_the_log_is_append_only(
    client: TestClient, session: Session
) -> None:
    import pytest
    import sqlalchemy as sa

    admin = f.user(session, f.agency(session), Role.agency_admin, "admin@agency.example")
    session.commit()
    headers = f.login(client, "admin@agency.example")
    resp = client.patch(
        f"/api/users/{admin.id}", headers=headers, json={"password": "a new long pw"}
    )
    assert resp.status_code == 200
    entries = client.get("/api/audit", headers=headers, params={"entity_type": "user"}).json()
    actions = [e["action"] for e in entries["items"]]
    assert actions[:3] == ["set_password", "login", "create"]
    created = entries["items"][-1]
    assert created["after"]["email"] == "admin@agency.example"
    assert "password_hash" not in created["after"]

    with pytest.raises(sa.exc.DBAPIError, match="append-only"), session.bind.begin() as conn:
        conn.execute(sa.text("UPDATE audit_log SET actor = 'someone else'"))
