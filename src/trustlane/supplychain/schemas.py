"""API schemas of the supply-chain package."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ProblemPublic(BaseModel):
    field: str
    reason: str
    row: int | None = None
    value: Any = None


class ChainPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    tenant_id: int | None
    description: str | None
    source: str
    facility_count: int
    link_count: int
    import_problems: list[dict[str, Any]]
    import_warnings: list[str]
    attributes: dict[str, Any]
    created_by: str
    created_at: datetime
    updated_at: datetime


class ImportResult(BaseModel):
    chain: ChainPublic
    facilities: int
    links: int
    rejected: list[ProblemPublic]
    warnings: list[str]


class DeriveRequest(BaseModel):
    chain: str = Field(default="shipments", min_length=1, max_length=120)
    since: date | None = None
    hs_prefix: str | None = Field(default=None, pattern=r"^\d{2,6}$")
    tenant_id: int | None = Field(default=None, description="Agency only: the owner")


class DeriveResult(BaseModel):
    chain: ChainPublic
    facilities: int
    links: int
    filings: int
    warnings: list[str]


class FacilityPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    kind: str
    country: str | None
    region: str | None
    lat: float | None
    lon: float | None
    capacity_per_day: float | None
    inventory: float
    ttr_days: float
    demand_per_day: float
    unit_profit: float
    material: str | None
    hs_code: str | None
    port_code: str | None
    organization_id: int | None
    attributes: dict[str, Any]


class LinkPublic(BaseModel):
    id: int
    supplier: str
    buyer: str
    material: str
    hs_code: str | None
    qty_per_unit: float
    share: float
    source: str
    attributes: dict[str, Any]


class ReasonPublic(BaseModel):
    code: str
    text: str


class TraceRowPublic(BaseModel):
    facility_id: str
    name: str
    tier: int
    share: float
    quantity: float = Field(description="Units of its output per unit of the traced output")
    country: str
    region: str
    material: str
    path: list[str]


class OriginPublic(BaseModel):
    material: str
    country: str
    region: str
    quantity: float
    share: float


class TracePublic(BaseModel):
    chain: str
    facility_id: str
    name: str
    upstream: list[TraceRowPublic]
    origins: list[OriginPublic]


class ExposureRowPublic(BaseModel):
    facility_id: str
    name: str
    exposed: bool
    exposure_share: float
    path: list[str]
    reasons: list[ReasonPublic]


class ExposurePublic(BaseModel):
    chain: str
    notes: list[str]
    screening_available: bool
    exposed: int
    facilities: int
    items: list[ExposureRowPublic]


class MaterialConcentrationPublic(BaseModel):
    material: str
    hs_code: str
    suppliers: int
    countries: int
    hhi_supplier: float
    hhi_country: float
    highly_concentrated: bool
    top_supplier: str
    top_supplier_share: float
    top_country: str
    top_country_share: float


class SingleSourcePublic(BaseModel):
    buyer: str
    material: str
    supplier: str


class CriticalPublic(BaseModel):
    facility_id: str
    name: str
    products_cut_off: list[str]


class DependencePublic(BaseModel):
    product: str
    country: str
    share_lost: float


class ConcentrationPublic(BaseModel):
    chain: str
    materials: list[MaterialConcentrationPublic]
    single_sourced: list[SingleSourcePublic]
    critical_facilities: list[CriticalPublic]
    articulation_points: list[str]
    country_dependence: list[DependencePublic]


class EquipmentCreate(BaseModel):
    port_code: str = Field(min_length=2, max_length=16)
    kind: str
    vendor: str = Field(min_length=1, max_length=200)
    vendor_country: str | None = None
    model: str | None = Field(default=None, max_length=200)
    quantity: int = Field(default=1, ge=1)
    remote_access: bool = False
    notes: str | None = None


class EquipmentPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    port_code: str
    kind: str
    vendor: str
    vendor_country: str | None
    model: str | None
    quantity: int
    remote_access: bool
    notes: str | None


class EquipmentFlagPublic(BaseModel):
    equipment: EquipmentPublic
    severity: str
    reasons: list[ReasonPublic]


class PortPublic(BaseModel):
    port_code: str
    name: str
    country: str
    facilities: list[str]
    materials: list[str]
    throughput_share: float
    critical_flags: int
    equipment: list[EquipmentFlagPublic]
    lost_profit: float | None
    tts_days: float | None
    ttr_days: float | None


class PortsPublic(BaseModel):
    chain: str
    notes: list[str]
    ports: list[PortPublic]


class ResilienceRequest(BaseModel):
    horizon: float = Field(default=365.0, gt=0, le=3650)
    scenarios: list[str] = Field(default_factory=lambda: ["facility"])
    group_days: float = Field(default=90.0, gt=0, le=3650)


class RunPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    chain_id: int
    horizon_days: float
    baseline_tts: float
    survives_horizon: bool
    bottlenecks: list[str]
    methods: dict[str, int]
    scenario_kinds: list[str]
    seconds: float
    created_by: str
    created_at: datetime


class OutcomePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    kind: str
    key: str
    label: str | None
    tts_days: float
    ttr_days: float
    at_risk: bool
    lost_units: float
    lost_profit: float
    risk_exposure_index: float
    tts_method: str
    lost_method: str


class RiskAreaCreate(BaseModel):
    code: str = Field(examples=["CN-XJ", "KP"])
    category: str = Field(examples=["forced_labor", "sanctions"])
    reason: str
    source: str | None = None


class RiskAreaPublic(BaseModel):
    code: str
    category: str
    reason: str
    source: str
    default: bool


class VendorConcernCreate(BaseModel):
    vendor: str
    reason: str
    country: str | None = None
    source: str | None = None


class VendorConcernPublic(BaseModel):
    vendor: str
    country: str | None
    reason: str
    source: str
    default: bool


class DocumentPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    link_id: int
    kind: str
    number: str
    issued_on: date | None
    quantity: float | None
    unit: str | None
    amount: float | None
    currency: str | None
    file_name: str | None
    sha256: str | None
