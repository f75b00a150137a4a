"""Programs tables: catalog revisions, members, security profiles, evidence, validations,
findings, required actions, specialists, industry account teams and validation plans.

Criteria are referred to by their stable id (``criterion``, e.g. ``"3.11"``) together with the
member's program, never by a row id of one catalog revision, so that findings recorded under
one edition of a catalog still line up with the next one in the analytics.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column

from trustlane.db import Base, JSONDoc, UTCDateTime, utcnow


class CatalogRevision(Base):
    """One stored revision of a program's catalog (the bundled edition is revision 0)."""

    __tablename__ = "programs_catalog_revisions"
    __table_args__ = (sa.UniqueConstraint("program", "revision"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    program: Mapped[str] = mapped_column(sa.String(48), index=True)
    revision: Mapped[int] = mapped_column(sa.Integer)
    edition: Mapped[str] = mapped_column(sa.String(64))
    # SHA-256 of the canonical document (see catalog.Catalog.content_hash).
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    document: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    # Where it came from: "file:criteria.csv", "bundled:ctpat.yaml" ...
    source: Mapped[str] = mapped_column(sa.String(300))
    summary: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(sa.String(254))


class Member(Base):
    """An organization's membership of a program in one entity type (its account)."""

    __tablename__ = "programs_members"
    __table_args__ = (sa.UniqueConstraint("program", "org_id", "entity_type"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    program: Mapped[str] = mapped_column(sa.String(48), index=True)
    org_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    entity_type: Mapped[str] = mapped_column(sa.String(40))
    account_number: Mapped[str | None] = mapped_column(sa.String(32), unique=True)
    status: Mapped[str] = mapped_column(sa.String(16), index=True)
    tier: Mapped[int | None] = mapped_column(sa.SmallInteger)
    # [{"code": ..., "text": ...}]: why the member holds its tier.
    tier_reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc, default=list)
    # The supply-chain security specialist who follows this member.
    specialist_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    applied_on: Mapped[date] = mapped_column(sa.Date)
    certified_on: Mapped[date | None] = mapped_column(sa.Date)
    last_validated_on: Mapped[date | None] = mapped_column(sa.Date)
    validation_due: Mapped[date | None] = mapped_column(sa.Date, index=True)
    profile_review_due: Mapped[date | None] = mapped_column(sa.Date, index=True)
    # Why the member is suspended, removed or rejected (StatusReason) and in words.
    status_reason_code: Mapped[str | None] = mapped_column(sa.String(32))
    status_reason: Mapped[str | None] = mapped_column(sa.Text)
    # The status to return to on reinstatement.
    status_before_suspension: Mapped[str | None] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class MemberEvent(Base):
    """The member's history as the program sees it: applied, certified, suspended ..."""

    __tablename__ = "programs_member_events"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs_members.id", ondelete="CASCADE"), index=True
    )
    on: Mapped[date] = mapped_column(sa.Date)
    kind: Mapped[str] = mapped_column(sa.String(32))
    reason_code: Mapped[str | None] = mapped_column(sa.String(32))
    text: Mapped[str] = mapped_column(sa.Text)
    actor: Mapped[str] = mapped_column(sa.String(254))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Profile(Base):
    """A member's security profile: its self-assessment against the applicable criteria."""

    __tablename__ = "programs_profiles"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs_members.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[str] = mapped_column(sa.String(16))
    submitted_on: Mapped[date | None] = mapped_column(sa.Date)
    reviewed_on: Mapped[date | None] = mapped_column(sa.Date)
    reviewed_by: Mapped[str | None] = mapped_column(sa.String(254))
    review_note: Mapped[str | None] = mapped_column(sa.Text)
    # The member's last annual confirmation that the profile is current.
    confirmed_on: Mapped[date | None] = mapped_column(sa.Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Answer(Base):
    """The member's answer to one criterion: status and narrative."""

    __tablename__ = "programs_answers"
    __table_args__ = (sa.UniqueConstraint("profile_id", "criterion"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs_profiles.id", ondelete="CASCADE"), index=True
    )
    criterion: Mapped[str] = mapped_column(sa.String(16))
    status: Mapped[str] = mapped_column(sa.String(16))
    narrative: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(sa.String(254))


class Evidence(Base):
    """A file a member gives as evidence, kept in the database with its SHA-256.

    Kept in the database rather than on disk so that an upload and its record commit or roll
    back together on both databases, and tenant checks guard the content like any record.
    """

    __tablename__ = "programs_evidence"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs_members.id", ondelete="CASCADE"), index=True
    )
    criterion: Mapped[str | None] = mapped_column(sa.String(16))
    action_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("programs_actions.id", ondelete="SET NULL"), index=True
    )
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    content: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary, nullable=False))
    note: Mapped[str | None] = mapped_column(sa.Text)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by: Mapped[str] = mapped_column(sa.String(254))


class Validation(Base):
    """A validation of a member: by this agency (virtual, on site or hybrid) or recognized
    from a partner program's agency."""

    __tablename__ = "programs_validations"
    __table_args__ = (sa.Index("ix_programs_validations_program_status", "program", "status"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs_members.id", ondelete="CASCADE"), index=True
    )
    program: Mapped[str] = mapped_column(sa.String(48))
    basis: Mapped[str] = mapped_column(sa.String(24))
    mode: Mapped[str | None] = mapped_column(sa.String(16))
    status: Mapped[str] = mapped_column(sa.String(16))
    scheduled_for: Mapped[date | None] = mapped_column(sa.Date)
    completed_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    outcome: Mapped[str | None] = mapped_column(sa.String(24))
    outcome_reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc, default=list)
    # Counts of findings by kind, kept at completion so that planning reads one row.
    n_meets: Mapped[int] = mapped_column(sa.Integer, default=0)
    n_required_actions: Mapped[int] = mapped_column(sa.Integer, default=0)
    n_recommendations: Mapped[int] = mapped_column(sa.Integer, default=0)
    n_best_practices: Mapped[int] = mapped_column(sa.Integer, default=0)
    # Mutual recognition: the partner agency, its program and its reference.
    partner_agency: Mapped[str | None] = mapped_column(sa.String(200))
    partner_program: Mapped[str | None] = mapped_column(sa.String(200))
    partner_reference: Mapped[str | None] = mapped_column(sa.String(100))
    # Why the plan proposed it (rank reasons), when it came from a plan.
    plan_reasons: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONDoc)
    catalog_revision: Mapped[int] = mapped_column(sa.Integer, default=0)
    note: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(sa.String(254))


class ValidationSpecialist(Base):
    """A specialist on a validation's team."""

    __tablename__ = "programs_validation_specialists"

    validation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs_validations.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Finding(Base):
    """What a validation found for one criterion."""

    __tablename__ = "programs_findings"
    __table_args__ = (sa.UniqueConstraint("validation_id", "criterion"),)

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True
    )
    validation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs_validations.id", ondelete="CASCADE")
    )
    criterion: Mapped[str] = mapped_column(sa.String(16))
    kind: Mapped[str] = mapped_column(sa.String(16))
    note: Mapped[str | None] = mapped_column(sa.Text)


class FindingCount(Base):
    """Findings counted by half-year, entity type, sector, criterion and kind: the rollup the
    analytics read instead of every finding of the program's history.

    Kept up to date by ``complete_validation`` in the same transaction as the findings, and
    rebuilt from the findings by ``report.rebuild_finding_counts`` (after a bulk import of
    history). The sector is the organization's at the time of the validation.
    """

    __tablename__ = "programs_finding_counts"
    __table_args__ = (
        sa.UniqueConstraint(
            "program",
            "year",
            "half",
            "entity_type",
            "sector",
            "criterion",
            "kind",
            # Named here: the naming convention's name would pass PostgreSQL's 63 characters.
            name="uq_programs_finding_counts_key",
        ),
    )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    program: Mapped[str] = mapped_column(sa.String(48))
    year: Mapped[int] = mapped_column(sa.SmallInteger)
    half: Mapped[int] = mapped_column(sa.SmallInteger)  # 1: January-June, 2: July-December
    entity_type: Mapped[str] = mapped_column(sa.String(40))
    sector: Mapped[str] = mapped_column(sa.String(48))  # "unassigned" when the registry has none
    criterion: Mapped[str] = mapped_column(sa.String(16))
    kind: Mapped[str] = mapped_column(sa.String(16))
    n: Mapped[int] = mapped_column(sa.Integer)


class Action(Base):
    """A required action: a gap found by a validation that the member closes by a due date."""

    __tablename__ = "programs_actions"
    __table_args__ = (sa.UniqueConstraint("validation_id", "criterion"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs_members.id", ondelete="CASCADE"), index=True
    )
    validation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs_validations.id", ondelete="CASCADE"), index=True
    )
    criterion: Mapped[str] = mapped_column(sa.String(16))
    description: Mapped[str] = mapped_column(sa.Text)
    due_on: Mapped[date] = mapped_column(sa.Date, index=True)
    status: Mapped[str] = mapped_column(sa.String(16), index=True)
    response: Mapped[str | None] = mapped_column(sa.Text)
    responded_on: Mapped[date | None] = mapped_column(sa.Date)
    closed_on: Mapped[date | None] = mapped_column(sa.Date)
    follow_up: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc, default=list)


class Specialist(Base):
    """A supply-chain security specialist's planning capacity and sectors."""

    __tablename__ = "programs_specialists"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # Capacity units per planning horizon (a virtual validation costs 1, on site 2).
    capacity: Mapped[float] = mapped_column(sa.Float)
    # Sectors the specialist covers; empty means any.
    sectors: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)


class AccountManager(Base):
    """An industry account manager on the team of one industry sector."""

    __tablename__ = "programs_account_managers"

    sector: Mapped[str] = mapped_column(sa.String(48), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Plan(Base):
    """A validation plan: the ranked members, the capacity it was made under, its reasons."""

    __tablename__ = "programs_plans"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    program: Mapped[str] = mapped_column(sa.String(48), index=True)
    as_of: Mapped[date] = mapped_column(sa.Date)
    horizon_days: Mapped[int] = mapped_column(sa.Integer)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    summary: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    rows: Mapped[list[dict[str, Any]]] = deferred(
        mapped_column(JSONDoc, default=list, nullable=False)
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(sa.String(254))
