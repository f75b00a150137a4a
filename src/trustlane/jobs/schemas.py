"""API schema of a job."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, computed_field


class JobPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: str
    status: str
    params: dict[str, Any]
    progress_done: int
    progress_total: int | None
    progress_unit: str
    message: str | None
    result: dict[str, Any] | None
    error: str | None
    submitted_by: str
    tenant_id: int | None
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def progress(self) -> float | None:
        """Share done, 0..1, when the total is known."""
        if not self.progress_total:
            return None
        return min(1.0, self.progress_done / self.progress_total)
