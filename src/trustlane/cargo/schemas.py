"""API schemas of the cargo package."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, computed_field

from trustlane.cargo.mapping import Profile
from trustlane.cargo.models import Shipment
from trustlane.cargo.shipments import ShipmentDetail


class ColumnPublic(BaseModel):
    name: str
    type: str
    required: bool
    meaning: str
    targets: list[str]
    choices: list[str] = []


class ProfilePublic(BaseModel):
    name: str
    title: str
    kind: str
    description: str
    tenant_role: str
    columns: list[ColumnPublic]
    example: str

    @classmethod
    def of(cls, profile: Profile) -> ProfilePublic:
        return cls(
            name=profile.name,
            title=profile.title,
            kind=profile.kind,
            description=profile.description,
            tenant_role=profile.tenant_role,
            example=f"docs/examples/{profile.example}",
            columns=[
                ColumnPublic(
                    name=c.name,
                    type=c.type.value,
                    required=c.required,
                    meaning=c.meaning,
                    targets=list(c.targets),
                    choices=list(c.choices),
                )
                for c in profile.columns
            ],
        )


class ShipmentSummary(BaseModel):
    """A shipment version as listed."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    external_id: str
    version: int
    is_current: bool
    profile: str
    importer_org_id: int | None
    declared_on: date | None
    filed_at: datetime | None
    lading_at: datetime | None
    arrival_at: datetime | None
    office: str | None
    mode_of_transport: str | None
    country_origin: str | None
    country_departure: str | None
    country_destination: str | None
    bill_of_lading: str | None
    total_value: float | None
    currency: str | None
    created_at: datetime
    superseded_at: datetime | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def filing_lead_hours(self) -> float | None:
        """Hours between filing and lading: under 24 is a late importer security filing,
        negative means filed after lading."""
        if self.filed_at is None or self.lading_at is None:
            return None
        return round((self.lading_at - self.filed_at).total_seconds() / 3600, 1)


class LinePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    line_no: int
    hs_code: str | None
    hs6: str | None
    description: str | None
    quantity: float | None
    quantity_unit: str | None
    net_mass_kg: float | None
    value: float | None
    currency: str | None
    duty_rate: float | None
    tax_type: str | None
    country_origin: str | None
    manufacturer_id: str | None
    attributes: dict[str, Any]


class OrganizationRef(BaseModel):
    id: int
    name: str
    status: str


class PartyPublic(BaseModel):
    seq: int
    role: str
    name: str | None
    address: str | None
    city: str | None
    country: str | None
    identifiers: dict[str, str]
    organization: OrganizationRef | None
    resolution: str | None
    resolution_score: float | None
    resolution_reason: str | None


class InspectionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    shipment_id: int
    line_no: int | None
    inspected_on: date | None
    fraud: bool
    critical: int
    revenue_recovered: float | None
    notes: str | None
    source: str
    created_at: datetime


class ShipmentPublic(ShipmentSummary):
    """One shipment version with its lines, parties (and their organizations), outcomes."""

    content_hash: str
    job_id: str | None
    port_lading: str | None
    port_unlading: str | None
    carrier_code: str | None
    conveyance: str | None
    voyage: str | None
    containers: list[str] | None
    pieces: int | None
    gross_weight_kg: float | None
    description: str | None
    attributes: dict[str, Any]
    version_count: int
    lines: list[LinePublic]
    parties: list[PartyPublic]
    inspections: list[InspectionPublic]

    @classmethod
    def of(cls, detail: ShipmentDetail) -> ShipmentPublic:
        s: Shipment = detail.shipment
        base = ShipmentSummary.model_validate(s).model_dump(exclude={"filing_lead_hours"})
        orgs = detail.organizations
        return cls(
            **base,
            content_hash=s.content_hash,
            job_id=s.job_id,
            port_lading=s.port_lading,
            port_unlading=s.port_unlading,
            carrier_code=s.carrier_code,
            conveyance=s.conveyance,
            voyage=s.voyage,
            containers=s.containers,
            pieces=s.pieces,
            gross_weight_kg=s.gross_weight_kg,
            description=s.description,
            attributes=s.attributes,
            version_count=detail.version_count,
            lines=[LinePublic.model_validate(line) for line in s.lines],
            parties=[
                PartyPublic(
                    seq=p.seq,
                    role=p.role,
                    name=p.name,
                    address=p.address,
                    city=p.city,
                    country=p.country,
                    identifiers=p.identifiers,
                    organization=OrganizationRef(
                        id=p.organization_id,
                        name=orgs[p.organization_id][0],
                        status=orgs[p.organization_id][1],
                    )
                    if p.organization_id in orgs
                    else None,
                    resolution=p.resolution,
                    resolution_score=p.resolution_score,
                    resolution_reason=p.resolution_reason,
                )
                for p in s.parties
            ],
            inspections=[InspectionPublic.model_validate(i) for i in detail.inspections],
        )


class InspectionCreate(BaseModel):
    """An inspection outcome to record."""

    fraud: bool = Field(description="Whether the inspection found fraud")
    critical: int = Field(0, ge=0, le=2, description="0 none, 1 fraud, 2 critical")
    line_no: int | None = Field(None, ge=1, description="The line inspected, if one")
    inspected_on: date | None = None
    revenue_recovered: float | None = Field(None, ge=0)
    notes: str | None = Field(None, max_length=4000)
