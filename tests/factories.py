"""Tiny factories that read as data: ``org(session, "ACME", roles=["importer"])``.

They go through the same use-case functions as the API and CLI, as the local operator.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from trustlane.access import users
from trustlane.access.models import User
from trustlane.access.principal import Principal
from trustlane.access.roles import Role
from trustlane.registry.models import Organization
from trustlane.registry.orgs import ensure_agency

OPERATOR = Principal.system("test")
PASSWORD = "correct horse battery"


def agency(session: Session, name: str = "Customs Agency") -> Organization:
    return ensure_agency(session, OPERATOR, name)


def trade_org(session: Session, name: str, **fields: Any) -> Organization:
    from trustlane.registry.orgs import OrgCreate, create_organization

    return create_organization(session, OPERATOR, OrgCreate(name=name, **fields))


def user(
    session: Session,
    org: Organization,
    role: Role | str,
    email: str | None = None,
    password: str = PASSWORD,
) -> User:
    role = Role(role)
    email = email or f"{role.value}.{org.id}@example.org"
    return users.create_user(
        session,
        OPERATOR,
        email=email,
        name=email.split("@")[0],
        password=password,
        org_id=org.id,
        role=role,
    )


def login(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    """Bearer headers for a user, through the real login route."""
    resp = client.post("/api/auth/token", data={"username": email, "password": password})
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}
