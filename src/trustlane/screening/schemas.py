"""API shapes of screening (pydantic), separate from the engine's cheap internal types."""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ListPublic(BaseModel):
    name: str
    format: str
    version: int | None
    entries: int
    loaded_at: str | None
    published: str | None


class VersionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: int
    status: str
    source: str
    sha256: str
    published: str | None
    loaded_at: datetime
    loaded_by: str
    entries: int
    added: int
    removed: int
    changed: int
    rejected: int


class LoadReportPublic(BaseModel):
    list: str
    version: int
    entries: int
    rows_read: int
    rejected: int
    added: int
    removed: int
    changed: int
    unchanged: int
    added_keys: builtins.list[str]
    removed_keys: builtins.list[str]
    changed_keys: builtins.list[str]
    problems: builtins.list[dict[str, Any]]
    rescreened: int
    new_alerts: int


class CompareIn(BaseModel):
    name1: str = Field(min_length=1, max_length=500)
    name2: str = Field(min_length=1, max_length=500)
    schema_: str = Field(default="", alias="schema", description="Person, Company, Vessel...")


class CompareOut(BaseModel):
    score: float
    match: bool
    threshold: float
    explanation: str
    contributions: builtins.list[dict[str, Any]]


class PartyIn(BaseModel):
    name: str = Field(min_length=1, max_length=500)
    schema_: str = Field(default="", alias="schema")
    date_of_birth: str | None = None
    countries: builtins.list[str] = Field(default_factory=list)
    identifiers: builtins.list[str] = Field(default_factory=list)


class ScreenIn(BaseModel):
    parties: builtins.list[PartyIn] = Field(min_length=1, max_length=1000)
    lists: builtins.list[str] | None = None


class ReasonOut(BaseModel):
    code: str
    text: str
    weight: float


class HitOut(BaseModel):
    list: str
    entry_id: str
    matched_name: str
    score: float
    threshold: float
    alert: bool
    category: str
    action: str | None
    reasons: builtins.list[ReasonOut]


class ScreenOut(BaseModel):
    name: str
    alert: bool
    hits: builtins.list[HitOut]


class AlertPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    subject_id: int
    tenant_id: int | None
    list_id: int
    list_version_id: int
    entry_id: int
    entry_key: str
    matched_name: str
    score: float
    threshold: float
    reasons: builtins.list[dict[str, Any]]
    explanation: str
    category: str
    consequence: dict[str, Any] | None
    status: str
    assignee: str | None
    decided_by: str | None
    decided_at: datetime | None
    note: str | None
    created_at: datetime


class AssignIn(BaseModel):
    assignee: str = Field(min_length=1, max_length=254)


class DecideIn(BaseModel):
    decision: str = Field(description="true_match, false_positive or escalated")
    note: str | None = None


class ScreenStoredIn(BaseModel):
    shipment_ids: builtins.list[int] | None = None


class ScreenStoredOut(BaseModel):
    screened: int
    alerts: int


class BulkOut(BaseModel):
    job_id: str
