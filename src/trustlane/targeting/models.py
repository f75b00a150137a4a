"""Targeting tables: the model registry, scores with their reasons, scoring runs and
inspection selections.

Inspection outcomes are the cargo package's ``inspections`` table (targeting records them
through cargo's use cases); performance joins selections to them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from trustlane.db import Base, JSONDoc, UTCDateTime, utcnow


class TargetingModel(Base):
    """One trained model version; its files live under the data directory."""

    __tablename__ = "targeting_models"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    version: Mapped[int] = mapped_column(sa.Integer, unique=True)
    # candidate (trained, not used), active (scores new shipments), retired, rejected.
    status: Mapped[str] = mapped_column(sa.String(16), default="candidate", index=True)
    profile: Mapped[str] = mapped_column(sa.String(48))
    # The model directory, relative to the data directory when under it.
    path: Mapped[str] = mapped_column(sa.String(500))
    trained_from: Mapped[date | None] = mapped_column(sa.Date)
    trained_to: Mapped[date | None] = mapped_column(sa.Date)
    rows: Mapped[int] = mapped_column(sa.Integer, default=0)
    frauds: Mapped[int] = mapped_column(sa.Integer, default=0)
    params: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    validation: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    # Candidate against the active model on the same recent labelled shipments.
    comparison: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    source: Mapped[str] = mapped_column(sa.String(16), default="stored")  # stored | files
    job_id: Mapped[str | None] = mapped_column(sa.String(36))
    created_by: Mapped[str] = mapped_column(sa.String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ScoringRun(Base):
    """One pass of scoring stored shipments (which model, which config, how many)."""

    __tablename__ = "targeting_runs"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    model_version: Mapped[int | None] = mapped_column(sa.Integer)
    params: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    shipments: Mapped[int] = mapped_column(sa.Integer, default=0)
    created_by: Mapped[str] = mapped_column(sa.String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ShipmentScore(Base):
    """The combined score of one shipment from one run, with its reasons.

    ``is_current`` marks the latest score of each shipment; older ones stay for drift and
    for what the analyst saw when a selection was made.
    """

    __tablename__ = "targeting_scores"
    __table_args__ = (sa.Index("ix_targeting_scores_current", "shipment_id", "is_current"),)

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("targeting_runs.id", ondelete="CASCADE"))
    shipment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("shipments.id", ondelete="CASCADE"), index=True
    )
    is_current: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    declared_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    office: Mapped[str | None] = mapped_column(sa.String(32))
    importer_org_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    # Combined probability of fraud (model and indicators), the ranking value.
    score: Mapped[float] = mapped_column(sa.Float)
    model_probability: Mapped[float | None] = mapped_column(sa.Float)
    indicator_points: Mapped[float] = mapped_column(sa.Float, default=0.0)
    revenue_if_fraud: Mapped[float] = mapped_column(sa.Float, default=0.0)
    expected_value: Mapped[float] = mapped_column(sa.Float, default=0.0)
    model_version: Mapped[int | None] = mapped_column(sa.Integer)
    trusted_tier: Mapped[int | None] = mapped_column(sa.SmallInteger)
    # [{code, text, source: indicator|model, weight|contribution}], strongest first.
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc, default=list)
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Selection(Base):
    """The inspection list of one day (and office, or all offices) under a capacity."""

    __tablename__ = "targeting_selections"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, index=True)
    office: Mapped[str | None] = mapped_column(sa.String(32))
    # The policy used: capacity, exploration share and method, lanes, seed.
    policy: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    counts: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    created_by: Mapped[str] = mapped_column(sa.String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SelectionItem(Base):
    """One shipment's lane in a selection, why it is there, and its chance of being there."""

    __tablename__ = "targeting_selection_items"

    selection_id: Mapped[int] = mapped_column(
        sa.ForeignKey("targeting_selections.id", ondelete="CASCADE"), primary_key=True
    )
    shipment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("shipments.id", ondelete="CASCADE"), primary_key=True
    )
    score_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    office: Mapped[str | None] = mapped_column(sa.String(32))
    lane: Mapped[str] = mapped_column(sa.String(16), index=True)  # physical|documents|release
    # value (highest expected value), explore_random, explore_uncertainty, or lane rule.
    picked_by: Mapped[str] = mapped_column(sa.String(24))
    rank: Mapped[int | None] = mapped_column(sa.Integer)
    score: Mapped[float] = mapped_column(sa.Float)
    expected_value: Mapped[float] = mapped_column(sa.Float)
    # Probability that the policy picks this shipment for inspection (1 for value picks);
    # lets later learning weight exploration picks by 1 / propensity.
    propensity: Mapped[float] = mapped_column(sa.Float, default=1.0)
