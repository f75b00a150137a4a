"""Screening tables: lists and their versions, entries as they were in each version, the
parties screened, alerts and the decisions taken on them, ownership flags, bulk runs.

Entries are immutable rows: a changed entry gets a new row (new ``content_hash``) and the
old row keeps the version range it was valid in. An alert points at the row it matched,
so the entry as it was when the alert was raised can always be shown.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from trustlane.db import Base, JSONDoc, UTCDateTime, utcnow


class WatchList(Base):
    """A watch list known to the platform (OFAC SDN, UN, CSL, an in-house list...)."""

    __tablename__ = "screening_lists"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    format: Mapped[str] = mapped_column(sa.String(16))
    description: Mapped[str | None] = mapped_column(sa.Text)
    current_version_id: Mapped[int | None] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ListVersion(Base):
    """One load of a list: where it came from, and how it differs from the previous one."""

    __tablename__ = "screening_list_versions"
    __table_args__ = (sa.UniqueConstraint("list_id", "number"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    list_id: Mapped[int] = mapped_column(
        sa.ForeignKey("screening_lists.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(sa.Integer)
    status: Mapped[str] = mapped_column(sa.String(16), default="current")  # current|superseded
    source: Mapped[str] = mapped_column(sa.String(500))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    published: Mapped[str | None] = mapped_column(sa.String(32))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    loaded_by: Mapped[str] = mapped_column(sa.String(254))
    entries: Mapped[int] = mapped_column(sa.Integer, default=0)
    added: Mapped[int] = mapped_column(sa.Integer, default=0)
    removed: Mapped[int] = mapped_column(sa.Integer, default=0)
    changed: Mapped[int] = mapped_column(sa.Integer, default=0)
    rejected: Mapped[int] = mapped_column(sa.Integer, default=0)
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc, default=list)


class ListEntry(Base):
    """An entry of a list as it was from ``first_version_id`` to ``last_version_id``."""

    __tablename__ = "screening_entries"
    __table_args__ = (sa.Index("ix_screening_entries_current", "list_id", "is_current"),)

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    list_id: Mapped[int] = mapped_column(
        sa.ForeignKey("screening_lists.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(sa.String(200), index=True)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str] = mapped_column(sa.String(16))
    category: Mapped[str] = mapped_column(sa.String(24), index=True)
    source: Mapped[str | None] = mapped_column(sa.String(200))
    primary_name: Mapped[str] = mapped_column(sa.String(500))
    doc: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    first_version_id: Mapped[int] = mapped_column(sa.Integer)
    last_version_id: Mapped[int | None] = mapped_column(sa.Integer)
    is_current: Mapped[bool] = mapped_column(sa.Boolean, default=True)


class Subject(Base):
    """A party that has been screened: a shipment party, an organization, an ad-hoc name.

    ``fingerprint`` hashes the facts screened (name, type, date of birth, countries,
    identifiers): a decision holds while it is unchanged."""

    __tablename__ = "screening_subjects"
    __table_args__ = (sa.UniqueConstraint("kind", "ref"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(24))  # shipment_party | organization | adhoc
    ref: Mapped[str] = mapped_column(sa.String(100))
    tenant_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    organization_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    name: Mapped[str] = mapped_column(sa.String(500))
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    screened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    best_score: Mapped[float | None] = mapped_column(sa.Float)
    #: Tokens of the screened name, space separated: lets a list update find the
    #: subjects it can affect without screening everyone again.
    name_tokens: Mapped[str] = mapped_column(sa.Text, default="")


class Alert(Base):
    """A hit above the review threshold, waiting for (or carrying) a decision."""

    __tablename__ = "screening_alerts"
    __table_args__ = (sa.Index("ix_screening_alerts_queue", "status", "created_at"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    subject_id: Mapped[int] = mapped_column(
        sa.ForeignKey("screening_subjects.id", ondelete="CASCADE"), index=True
    )
    tenant_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    list_id: Mapped[int] = mapped_column(sa.ForeignKey("screening_lists.id"), index=True)
    list_version_id: Mapped[int] = mapped_column(sa.Integer)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("screening_entries.id"), index=True)
    entry_key: Mapped[str] = mapped_column(sa.String(200))
    entry_hash: Mapped[str] = mapped_column(sa.String(64))
    subject_fingerprint: Mapped[str] = mapped_column(sa.String(64))
    matched_name: Mapped[str] = mapped_column(sa.String(500))
    score: Mapped[float] = mapped_column(sa.Float)
    threshold: Mapped[float] = mapped_column(sa.Float)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc, default=list)
    explanation: Mapped[str] = mapped_column(sa.Text, default="")
    category: Mapped[str] = mapped_column(sa.String(24))
    consequence: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    #: open | true_match | false_positive | escalated | superseded
    status: Mapped[str] = mapped_column(sa.String(16), default="open", index=True)
    assignee: Mapped[str | None] = mapped_column(sa.String(254))
    decided_by: Mapped[str | None] = mapped_column(sa.String(254))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Decision(Base):
    """A reviewer's decision on a party–entry pair, with the evidence it rested on.

    Remembered while the subject's fingerprint and the entry's content hash are unchanged:
    the same pair is then not raised again."""

    __tablename__ = "screening_decisions"
    __table_args__ = (
        sa.Index("ix_screening_decisions_pair", "subject_id", "list_id", "entry_key"),
    )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(sa.ForeignKey("screening_alerts.id"), index=True)
    subject_id: Mapped[int] = mapped_column(
        sa.ForeignKey("screening_subjects.id", ondelete="CASCADE")
    )
    subject_fingerprint: Mapped[str] = mapped_column(sa.String(64))
    list_id: Mapped[int] = mapped_column(sa.Integer)
    entry_key: Mapped[str] = mapped_column(sa.String(200))
    entry_hash: Mapped[str] = mapped_column(sa.String(64))
    decision: Mapped[str] = mapped_column(sa.String(16))  # true_match|false_positive|escalated
    note: Mapped[str | None] = mapped_column(sa.Text)
    reviewer: Mapped[str] = mapped_column(sa.String(254))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: List version, entry as it was, score and explanation: what the decision rested on.
    evidence: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)


class OwnershipFlag(Base):
    """An organization blocked by ownership: owned 50% or more by listed parties."""

    __tablename__ = "screening_ownership_flags"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.Integer, index=True)
    tenant_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    share: Mapped[float] = mapped_column(sa.Float)
    chain: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc, default=list)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True, index=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BulkRun(Base):
    """The progress of a bulk screening job, chunk by chunk, so that a crash resumes."""

    __tablename__ = "screening_bulk_runs"

    job_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    input_path: Mapped[str] = mapped_column(sa.String(500))
    output_path: Mapped[str] = mapped_column(sa.String(500))
    rows_total: Mapped[int] = mapped_column(sa.Integer, default=0)
    chunks_done: Mapped[int] = mapped_column(sa.Integer, default=0)
    rows_done: Mapped[int] = mapped_column(sa.Integer, default=0)
    alerts: Mapped[int] = mapped_column(sa.Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
