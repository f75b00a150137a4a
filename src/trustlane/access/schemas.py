"""API schemas of the access package."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from trustlane.access.roles import Role


class UserCreate(BaseModel):
    email: str = Field(max_length=254, examples=["analyst@agency.example"])
    name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1000)
    org_id: int
    role: Role


class UserUpdate(BaseModel):
    is_active: bool | None = None
    password: str | None = Field(default=None, max_length=1000)


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    name: str
    org_id: int
    role: Role
    is_active: bool
    created_at: datetime
    last_login_at: datetime | None


class MePublic(BaseModel):
    user: UserPublic | None
    label: str
    role: Role
    org_id: int | None
    scope: str
    permissions: list[str]


class LoginToken(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 (OAuth2 token type)
    expires_at: datetime | None


class TokenCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    expires_days: int | None = Field(default=None, ge=1, le=3650)
    user_id: int | None = None


class TokenPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    user_id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenIssued(TokenPublic):
    token: str = Field(description="The token itself; shown once, store it now")


class AuditEntryPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor: str
    actor_user_id: int | None
    actor_org_id: int | None
    action: str
    entity_type: str
    entity_id: str | None
    tenant_id: int | None
    summary: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
