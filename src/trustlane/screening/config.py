"""Screening settings: thresholds per kind of name, the name model file, the index cache.

Read from the environment with the prefix ``TRUSTLANE_SCREENING_`` (and the same config
file as the main settings); every field is documented in ``docs/screening.md``. A
threshold left empty takes the name model's review threshold for its group, chosen when
the model was trained: the lowest score at which held-out pairs generated from the lists
are matches with 95% precision (``compare`` judges pairs at the best-F1 threshold, which
is lower or equal)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from trustlane.screening.model import NameModel, load_model


class ScreeningSettings(BaseSettings):
    """Every screening setting (environment prefix ``TRUSTLANE_SCREENING_``)."""

    model_config = SettingsConfigDict(
        env_prefix="TRUSTLANE_SCREENING_",
        env_file=os.environ.get("TRUSTLANE_CONFIG")
        if os.environ.get("TRUSTLANE_CONFIG", "").endswith(".env")
        else None,
        extra="ignore",
    )

    # Alert threshold for persons (0..1); empty: the name model's review threshold.
    threshold_person: float | None = Field(default=None, ge=0, le=1)
    # Alert threshold for companies, organizations and unknown entity types.
    threshold_organization: float | None = Field(default=None, ge=0, le=1)
    # Alert threshold for vessels and aircraft.
    threshold_object: float | None = Field(default=None, ge=0, le=1)
    # Path of a name model JSON file; empty: the model shipped with trustlane.
    model_path: str | None = None
    # Worker processes for bulk screening of files (0: one per CPU core).
    workers: int = Field(default=0, ge=0, le=64)


@dataclass(frozen=True)
class Thresholds:
    """The alert threshold of each kind group."""

    person: float
    organization: float
    object: float

    def for_group(self, group: str) -> float:
        return float(getattr(self, group, self.organization))

    @classmethod
    def from_settings(cls, settings: ScreeningSettings, model: NameModel) -> Thresholds:
        def pick(value: float | None, group: str) -> float:
            g = model.group(group)
            return value if value is not None else (g.review_threshold or g.threshold)

        return cls(
            person=pick(settings.threshold_person, "person"),
            organization=pick(settings.threshold_organization, "organization"),
            object=pick(settings.threshold_object, "object"),
        )


@lru_cache(maxsize=1)
def screening_settings() -> ScreeningSettings:
    return ScreeningSettings()


def current_model(settings: ScreeningSettings | None = None) -> NameModel:
    settings = settings or screening_settings()
    return load_model(settings.model_path)


def current_thresholds(settings: ScreeningSettings | None = None) -> Thresholds:
    settings = settings or screening_settings()
    return Thresholds.from_settings(settings, current_model(settings))
