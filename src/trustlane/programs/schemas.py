"""API schemas of the programs package: what callers send and what they get back."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from trustlane.programs.catalog import Catalog, Criterion
from trustlane.programs.catalogs import CatalogInForce
from trustlane.programs.vocab import (
    AnswerStatus,
    FindingKind,
    Outcome,
    StatusReason,
    ValidationMode,
)


class ReasonPublic(BaseModel):
    code: str
    text: str
    points: float | None = None


class CriterionPublic(BaseModel):
    id: str
    focus_area: str
    section_id: str
    section: str
    text: str
    guidance: str
    level: str
    entity_types: list[str]
    effective_from: date

    @classmethod
    def of(cls, catalog: Catalog, c: Criterion) -> CriterionPublic:
        section = catalog.section(c.section)
        return cls(
            id=c.id,
            focus_area=catalog.focus_area(section.focus_area).title,
            section_id=section.id,
            section=section.title,
            text=c.text,
            guidance=c.guidance,
            level=c.level.value,
            entity_types=list(c.entity_types),
            effective_from=c.effective_from,
        )


class SectionPublic(BaseModel):
    id: str
    title: str
    focus_area: str


class CatalogSummary(BaseModel):
    program: str
    title: str
    edition: str
    description: str
    revision: int = Field(description="0: the edition shipped with trustlane")
    source: str
    entity_types: dict[str, str]
    criteria_by_entity_type: dict[str, int]
    sections: list[SectionPublic]
    policy: dict[str, int]

    @classmethod
    def of(cls, found: CatalogInForce) -> CatalogSummary:
        c = found.catalog
        return cls(
            program=c.program,
            title=c.title,
            edition=c.edition,
            description=c.description,
            revision=found.revision,
            source=found.source,
            entity_types=dict(c.entity_types),
            criteria_by_entity_type={e: len(c.applicable(e)) for e in c.entity_types},
            sections=[
                SectionPublic(id=s.id, title=s.title, focus_area=c.focus_area(s.focus_area).title)
                for s in c.sections
            ],
            policy=c.document()["policy"],
        )


class CatalogPublic(CatalogSummary):
    criteria: list[CriterionPublic]


class ImportResultPublic(BaseModel):
    program: str
    revision: int
    stored: bool
    added: int
    changed: int
    removed: int
    unchanged: int
    message: str


class MemberApply(BaseModel):
    org_id: int
    program: str = Field(examples=["ctpat"])
    entity_type: str = Field(examples=["importer"])


class MemberPublic(BaseModel):
    id: int
    program: str
    org_id: int
    organization: str
    sector: str | None
    entity_type: str
    account_number: str | None
    status: str
    tier: int | None
    tier_reasons: list[ReasonPublic]
    specialist_user_id: int | None
    applied_on: date
    certified_on: date | None
    last_validated_on: date | None
    validation_due: date | None
    profile_review_due: date | None
    status_reason_code: str | None
    status_reason: str | None

    @classmethod
    def of(cls, member: Any, org: Any) -> MemberPublic:
        return cls(
            id=member.id,
            program=member.program,
            org_id=member.org_id,
            organization=org.name,
            sector=org.sector,
            entity_type=member.entity_type,
            account_number=member.account_number,
            status=member.status,
            tier=member.tier,
            tier_reasons=[ReasonPublic(**r) for r in member.tier_reasons or []],
            specialist_user_id=member.specialist_user_id,
            applied_on=member.applied_on,
            certified_on=member.certified_on,
            last_validated_on=member.last_validated_on,
            validation_due=member.validation_due,
            profile_review_due=member.profile_review_due,
            status_reason_code=member.status_reason_code,
            status_reason=member.status_reason,
        )


class EventPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    on: date
    kind: str
    reason_code: str | None
    text: str
    actor: str


class ValidationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    member_id: int
    program: str
    basis: str
    mode: str | None
    status: str
    scheduled_for: date | None
    completed_on: date | None
    outcome: str | None
    outcome_reasons: list[ReasonPublic]
    n_meets: int
    n_required_actions: int
    n_recommendations: int
    n_best_practices: int
    partner_agency: str | None
    partner_program: str | None
    partner_reference: str | None
    plan_reasons: list[ReasonPublic] | None
    note: str | None
    created_at: datetime
    created_by: str


class MemberDetailPublic(MemberPublic):
    profile_status: str | None
    open_actions: int
    overdue_actions: int
    criteria_in_force: int
    last_validation: ValidationPublic | None
    scheduled_validation: ValidationPublic | None
    events: list[EventPublic]


class StatusChange(BaseModel):
    reason_code: StatusReason
    reason: str = Field(min_length=1, max_length=4000)


class Reinstatement(BaseModel):
    reason: str = Field(min_length=1, max_length=4000)


class TierOverride(BaseModel):
    tier: int = Field(ge=1, le=3)
    reason: str = Field(min_length=1, max_length=4000)


class SpecialistAssignment(BaseModel):
    user_id: int | None


class AnswerItem(BaseModel):
    criterion: str
    status: AnswerStatus
    narrative: str = Field(default="", max_length=20000)


class AnswersIn(BaseModel):
    answers: list[AnswerItem] = Field(min_length=1)


class AnswerPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    status: str
    narrative: str
    updated_at: datetime
    updated_by: str


class ProfileLinePublic(BaseModel):
    criterion: CriterionPublic
    answer: AnswerPublic | None
    evidence: int


class ProfilePublic(BaseModel):
    member_id: int
    status: str
    submitted_on: date | None
    reviewed_on: date | None
    review_note: str | None
    confirmed_on: date | None
    answered: int
    total: int
    lines: list[ProfileLinePublic]


class ProfileReview(BaseModel):
    accept: bool
    note: str = Field(default="", max_length=4000)


class EvidencePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    member_id: int
    criterion: str | None
    action_id: int | None
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    note: str | None
    uploaded_at: datetime
    uploaded_by: str


class ValidationCreate(BaseModel):
    mode: ValidationMode
    scheduled_for: date
    specialist_ids: list[int] = Field(default_factory=list)
    note: str | None = Field(default=None, max_length=4000)


class FindingItem(BaseModel):
    criterion: str
    kind: FindingKind
    note: str = Field(default="", max_length=20000)


class FindingsIn(BaseModel):
    findings: list[FindingItem] = Field(min_length=1)


class FindingPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    criterion: str
    kind: str
    note: str | None


class ValidationComplete(BaseModel):
    completed_on: date | None = None
    outcome: Outcome | None = Field(
        default=None, description="Leave out to take the outcome the findings call for"
    )
    reason: str = Field(default="", max_length=4000)


class ValidationCancel(BaseModel):
    reason: str = Field(min_length=1, max_length=4000)


class MutualRecognitionIn(BaseModel):
    partner_agency: str = Field(min_length=1, max_length=200)
    partner_program: str = Field(min_length=1, max_length=200)
    reference: str = Field(min_length=1, max_length=100)
    validated_on: date
    note: str | None = Field(default=None, max_length=4000)


class ActionPublic(BaseModel):
    id: int
    member_id: int
    organization: str
    validation_id: int
    criterion: str
    description: str
    due_on: date
    status: str
    overdue: bool
    response: str | None
    responded_on: date | None
    closed_on: date | None
    follow_up: list[dict[str, Any]]


class ValidationDetailPublic(ValidationPublic):
    team: list[int]
    findings: list[FindingPublic]
    actions: list[ActionPublic]


class ActionResponse(BaseModel):
    response: str = Field(min_length=1, max_length=20000)


class ActionReview(BaseModel):
    accept: bool
    note: str = Field(default="", max_length=4000)
    new_due_on: date | None = None


class ActionExtension(BaseModel):
    due_on: date
    reason: str = Field(min_length=1, max_length=4000)


class ReminderPublic(BaseModel):
    kind: str
    member_id: int
    organization: str
    due_on: date
    overdue: bool
    text: str
    action_id: int | None


class UserBrief(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    name: str


class AccountSummaryPublic(BaseModel):
    sector: str
    name: str
    managers: list[UserBrief]
    members: int
    by_status: dict[str, int]
    by_tier: dict[str, int]
    open_actions: int
    overdue_actions: int


class AccountMemberPublic(BaseModel):
    member: MemberPublic
    open_actions: int
    overdue_actions: int
    shipments: int


class AccountViewPublic(BaseModel):
    summary: AccountSummaryPublic
    shipments_since: date
    members: list[AccountMemberPublic]


class ManagersIn(BaseModel):
    user_ids: list[int]


class SpecialistIn(BaseModel):
    capacity: float = Field(ge=0, description="Capacity units per planning horizon")
    sectors: list[str] = Field(default_factory=list, description="Empty: any sector")
    active: bool = True


class SpecialistPublic(BaseModel):
    user_id: int
    email: str
    name: str
    capacity: float
    sectors: list[str]
    active: bool


class PlanCreate(BaseModel):
    horizon_days: int = Field(default=90, ge=1, le=730)
    capacity: float | None = Field(
        default=None, gt=0, description="Total units, when no specialist is registered"
    )
    weights: dict[str, float] | None = Field(
        default=None, description="Factor weights to override, by factor name"
    )
    as_of: date | None = None


class PlanRowPublic(BaseModel):
    rank: int
    member_id: int
    org_id: int
    name: str
    entity_type: str
    sector: str | None
    tier: int | None
    validation_due: date | None
    score: float
    reasons: list[ReasonPublic]
    mode: str
    mode_reasons: list[ReasonPublic]
    cost: float
    selected: bool
    specialist_user_id: int | None
    selection: str


class PlanPublic(BaseModel):
    id: int
    program: str
    as_of: date
    horizon_days: int
    parameters: dict[str, Any]
    summary: dict[str, Any]
    created_at: datetime
    created_by: str
    rows: list[PlanRowPublic]


class PlanSchedule(BaseModel):
    start: date | None = None


class AnalyticsPublic(BaseModel):
    summary: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]]
