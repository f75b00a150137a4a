"""Schemas of the registry: what a caller gives to create or change an organization, and
what the API returns. Values are checked by the use cases (``registry.checks``), which name
the failing field the way a person reads it (``addresses[1].country``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from trustlane.registry.vocab import OrgKind, TradeRole


class IdentifierIn(BaseModel):
    scheme: str = Field(
        min_length=1,
        max_length=48,
        examples=["importer_of_record", "lei", "scac", "imo", "manufacturer_id"],
        description="A scheme of IdScheme, or any other name (kept as free-form)",
    )
    value: str = Field(min_length=1, max_length=100, examples=["5493001KJTIIGC8Y1R12"])
    country: str | None = Field(
        default=None,
        description="Issuing country (ISO 3166-1); required for national_registry",
    )


class AddressIn(BaseModel):
    kind: str = Field(default="registered", description="registered, operational or mailing")
    street: str | None = Field(default=None, max_length=300)
    city: str | None = Field(default=None, max_length=120)
    subdivision: str | None = Field(default=None, description="ISO 3166-2 code, e.g. CN-GD")
    postal_code: str | None = Field(default=None, max_length=20)
    country: str = Field(description="ISO 3166-1 alpha-2, alpha-3 or English name")


class OrgCreate(BaseModel):
    name: str = Field(min_length=1, max_length=300)
    kind: OrgKind = OrgKind.trade
    entity_type: str = Field(default="company", pattern="^(company|person)$")
    status: str = Field(default="active", description="active, proposed or inactive")
    country: str | None = None
    sector: str | None = Field(default=None, description="Industry sector slug or name")
    website: str | None = Field(default=None, max_length=300)
    parent_id: int | None = None
    roles: list[TradeRole] = Field(default_factory=list)
    identifiers: list[IdentifierIn] = Field(default_factory=list)
    addresses: list[AddressIn] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list, description="Trade or former names")
    attributes: dict[str, Any] = Field(default_factory=dict)


class OrgUpdate(BaseModel):
    """Fields to change; those left out stay as they are. Lists replace the whole list."""

    name: str | None = Field(default=None, min_length=1, max_length=300)
    status: str | None = None
    entity_type: str | None = Field(default=None, pattern="^(company|person)$")
    country: str | None = None
    sector: str | None = None
    website: str | None = Field(default=None, max_length=300)
    parent_id: int | None = None
    roles: list[TradeRole] | None = None
    identifiers: list[IdentifierIn] | None = None
    addresses: list[AddressIn] | None = None
    aliases: list[str] | None = None
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


class OrgSummary(BaseModel):
    """An organization in a line: enough to tell which one it is."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: str
    status: str
    country: str | None
    sector: str | None


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
    aliases: list[str]
    attributes: dict[str, Any]
    created_at: datetime
    updated_at: datetime

    @field_validator("roles", mode="before")
    @classmethod
    def _role_names(cls, value: Any) -> Any:
        return [getattr(r, "role", r) for r in value]

    @field_validator("aliases", mode="before")
    @classmethod
    def _alias_names(cls, value: Any) -> Any:
        return [getattr(a, "name", a) for a in value]


class OwnershipIn(BaseModel):
    share: float = Field(gt=0, le=1, description="Share held, 0 < share ≤ 1 (0.25 = 25 %)")
    source: str | None = Field(default=None, max_length=300, description="Where this is stated")
    as_of: datetime | None = Field(default=None, description="When the statement was true")


class OwnershipPublic(BaseModel):
    owner: OrgSummary
    owned: OrgSummary
    share: float
    source: str | None
    as_of: datetime | None


class OwnersPublic(BaseModel):
    """Who owns an organization, and what it owns."""

    organization_id: int
    owned_share_total: float
    owners: list[OwnershipPublic]
    holdings: list[OwnershipPublic]


class MergeIn(BaseModel):
    into_id: int = Field(description="The organization that absorbs this one")


class MergeResultPublic(BaseModel):
    source: OrgPublic
    target: OrgPublic
    moved: dict[str, int] = Field(description="References re-pointed, per table.column")
    dropped: dict[str, int] = Field(
        description="Rows the target already had an equal of, per table.column"
    )


class PartyIn(BaseModel):
    """A party as named on a filing."""

    role: str | None = Field(default=None, examples=["importer", "seller", "manufacturer"])
    name: str | None = Field(default=None, max_length=300)
    address: str | None = Field(default=None, max_length=500)
    city: str | None = Field(default=None, max_length=120)
    country: str | None = None
    identifiers: dict[str, str] = Field(default_factory=dict, examples=[{"lei": "..."}])


class ReasonPublic(BaseModel):
    code: str
    text: str


class CandidatePublic(BaseModel):
    organization: OrgSummary
    score: float
    resolution: str = Field(description="identifier or name")
    links: bool = Field(description="Whether resolution would link the party to it")
    reasons: list[ReasonPublic]


class ResolutionPublic(BaseModel):
    decision: str | None = Field(description="identifier, name, or null (would be proposed)")
    organization_id: int | None
    candidates: list[CandidatePublic]


class SectorPublic(BaseModel):
    slug: str
    name: str
    description: str
    chapters: list[str] = Field(description="HS chapters assigned to the sector")
    headings: list[str] = Field(description="HS headings assigned here against their chapter")


class SectorForHsPublic(BaseModel):
    hs: str
    sector: SectorPublic | None
