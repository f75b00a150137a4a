"""The jobs table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from trustlane.db import Base, JSONDoc, UTCDateTime, utcnow


class Job(Base):
    """One run of long work, its progress and its outcome."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(48), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default="queued", index=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    progress_done: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    progress_total: Mapped[int | None] = mapped_column(sa.BigInteger)
    progress_unit: Mapped[str] = mapped_column(sa.String(16), default="items")
    message: Mapped[str | None] = mapped_column(sa.Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    error: Mapped[str | None] = mapped_column(sa.Text)
    submitted_by: Mapped[str] = mapped_column(sa.String(254))
    submitted_by_user_id: Mapped[int | None] = mapped_column(sa.Integer)
    # The organization whose data the job writes (None: agency-wide work).
    tenant_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
