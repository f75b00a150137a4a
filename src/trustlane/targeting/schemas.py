"""API shapes of targeting (pydantic); domain code works on dataclasses and frames."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Reason(BaseModel):
    code: str
    text: str
    source: str
    weight: float | None = None
    contribution: float | None = None


class ScorePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    shipment_id: int
    declared_on: date | None
    office: str | None
    score: float = Field(description="Combined probability of fraud (model and indicators)")
    model_probability: float | None
    indicator_points: float
    revenue_if_fraud: float
    expected_value: float
    model_version: int | None
    trusted_tier: int | None
    reasons: list[Reason]
    scored_at: datetime


class ScoreRequest(BaseModel):
    declared_from: date | None = None
    declared_to: date | None = None
    office: str | None = None
    shipment_ids: list[int] | None = Field(default=None, max_length=100_000)


class ScoreRunPublic(BaseModel):
    run_id: int
    shipments: int
    model_version: int | None


class SelectionRequest(BaseModel):
    day: date
    office: str | None = None
    capacity: str = Field(default="5%", description='A count ("12") or a share ("5%") per office')
    exploration_share: float = Field(default=0.1, ge=0, le=1)
    exploration: str = Field(default="random", pattern="^(random|uncertainty)$")
    documents_threshold: float = Field(default=0.3, ge=0, le=1)
    explore_skip_tier: int = 2
    seed: int = 7


class SelectionItemPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    shipment_id: int
    office: str | None
    lane: str
    picked_by: str
    rank: int | None
    score: float
    expected_value: float
    propensity: float


class SelectionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    day: date
    office: str | None
    policy: dict[str, Any]
    counts: dict[str, Any]
    created_by: str
    created_at: datetime


class SelectionDetail(SelectionPublic):
    items: list[SelectionItemPublic]


class OutcomeRequest(BaseModel):
    shipment_id: int
    fraud: bool
    critical: int = Field(default=0, ge=0, le=2)
    line_no: int | None = None
    inspected_on: date | None = None
    revenue_recovered: float | None = Field(default=None, ge=0)
    notes: str | None = None


class OutcomePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    shipment_id: int
    fraud: bool
    critical: int
    revenue_recovered: float | None
    inspected_on: date | None
    notes: str | None


class OutcomeImportPublic(BaseModel):
    rows_read: int
    recorded: int
    rejected: list[dict[str, Any]]


class ModelPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    status: str
    profile: str
    source: str
    trained_from: date | None
    trained_to: date | None
    rows: int
    frauds: int
    params: dict[str, Any]
    validation: dict[str, Any]
    comparison: dict[str, Any] | None
    created_by: str
    created_at: datetime
    promoted_at: datetime | None


class RetrainRequest(BaseModel):
    compare_weeks: int = Field(default=4, ge=0, le=52)
    promote: bool = True
    seed: int = 7


class JobRef(BaseModel):
    job_id: str
    status: str


class IndicatorPublic(BaseModel):
    code: str
    description: str
    settings: dict[str, Any]
