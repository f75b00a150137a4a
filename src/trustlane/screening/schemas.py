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


class WordPairOut(BaseModel):
    party: str
    listed: str
    how: str
    similarity: float


class ContributionOut(BaseModel):
    feature: str
    sentence: str
    value: float
    weight: float = Field(description="Contribution to the log-odds: coefficient × value")


class NameExplanationOut(BaseModel):
    party_name: str
    listed_name: str
    score: float
    group: str
    model_version: str
    intercept: float
    log_odds: float
    words: builtins.list[WordPairOut]
    only_party: builtins.list[str]
    only_listed: builtins.list[str]
    contributions: builtins.list[ContributionOut]


class ConsequenceOut(BaseModel):
    headline: str
    action: str
    details: builtins.list[tuple[str, str]]


class DecisionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    decision: str
    note: str | None
    reviewer: str
    decided_at: datetime


class SubjectOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    ref: str
    name: str
    organization_id: int | None
    data: dict[str, Any]
    screened_at: datetime | None


class AlertDetail(BaseModel):
    """One alert with what a reviewer weighs: the party, the entry as it was (and whether
    the list has changed or removed it since), the names word by word, each feature's
    contribution (recomputed with the current model), the consequence and the decisions."""

    alert: AlertPublic
    subject: SubjectOut
    list: str
    list_version: int | None
    current_version: int | None
    entry: dict[str, Any]
    entry_now: str = Field(description="unchanged, changed or removed in the current version")
    current_entry_id: int | None
    name: NameExplanationOut | None
    stored_name_score: float | None
    model_agrees: bool
    consequence: ConsequenceOut | None
    decisions: builtins.list[DecisionOut]
    context: dict[str, Any]


class EntryPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    key: str
    primary_name: str
    kind: str
    category: str
    source: str | None
    doc: dict[str, Any] = Field(description="The entry as loaded (names, dates, identifiers...)")


class FieldChangeOut(BaseModel):
    field: str
    label: str
    removed: builtins.list[str]
    added: builtins.list[str]


class EntryVersionOut(BaseModel):
    entry_id: int
    first: int
    last: int | None
    changes: builtins.list[FieldChangeOut]


class EntryDetail(BaseModel):
    entry: EntryPublic
    first_version: int
    last_version: int | None = Field(description="None: still current")
    history: builtins.list[EntryVersionOut]


class ChangeOut(BaseModel):
    key: str
    name: str
    entry_id: int
    previous_id: int | None
    fields: builtins.list[FieldChangeOut]


class ChangesPage(BaseModel):
    list: str
    version: int
    previous: int | None
    change: str
    items: builtins.list[ChangeOut]
    total: int
    limit: int
    offset: int


class EntriesPage(BaseModel):
    list: str
    version: int
    items: builtins.list[EntryPublic]
    total: int
    limit: int
    offset: int
