"""Schemas of the registry: what a caller gives to create or change an organization."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from trustlane.registry.vocab import OrgKind, TradeRole


class IdentifierIn(BaseModel):
    scheme: str = Field(
        min_length=1, max_length=48, examples=["importer_of_record", "lei", "scac", "imo"]
    )
    value: str = Field(min_length=1, max_length=100)
    country: str | None = Field(default=None, description="Issuing country, ISO 3166-1 alpha-2")


class AddressIn(BaseModel):
    kind: str = "registered"
    street: str | None = Field(default=None, max_length=300)
    city: str | None = Field(default=None, max_length=120)
    subdivision: str | None = Field(default=None, description="ISO 3166-2 code, e.g. CN-GD")
    postal_code: str | None = Field(default=None, max_length=20)
    country: str = Field(description="ISO 3166-1 alpha-2, alpha-3 or English name")


class OrgCreate(BaseModel):
    name: str = Field(min_length=1, max_length=300)
    kind: OrgKind = OrgKind.trade
    entity_type: str = Field(default="company", pattern="^(company|person)$")
    status: str = "active"
    country: str | None = None
    sector: str | None = Field(default=None, description="Industry sector slug or name")
    website: str | None = None
    parent_id: int | None = None
    roles: list[TradeRole] = Field(default_factory=list)
    identifiers: list[IdentifierIn] = Field(default_factory=list)
    addresses: list[AddressIn] = Field(default_factory=list)
    attributes: dict[str, Any] = Field(default_factory=dict)


class OrgUpdate(BaseModel):
    """Fields to change; those left out stay as they are. Lists replace the whole list."""

    name: str | None = Field(default=None, min_length=1, max_length=300)
    status: str | None = None
    country: str | None = None
    sector: str | None = None
    website: str | None = None
    parent_id: int | None = None
    roles: list[TradeRole] | None = None
    identifiers: list[IdentifierIn] | None = None
    addresses: list[AddressIn] | None = None
    attributes: dict[str, Any] | None = None


class IdentifierPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    scheme: str
    value: str
    country: str | None


class AddressPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str
    street: str | None
    city: str | None
    subdivision: str | None
    postal_code: str | None
    country: str


class OrgPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: str
    entity_type: str
    status: str
    country: str | None
    sector: str | None
    website: str | None
    parent_id: int | None
    merged_into_id: int | None
    roles: list[str]
    identifiers: list[IdentifierPublic]
    addresses: list[AddressPublic]
    attributes: dict[str, Any]
    created_at: datetime
    updated_at: datetime
