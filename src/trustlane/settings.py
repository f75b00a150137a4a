"""One settings object, read from the environment (prefix ``TRUSTLANE_``) and an optional file.

Tests construct ``Settings(...)`` directly; nothing mutates a module-level instance.
The config file is TOML or a dotenv file named by ``TRUSTLANE_CONFIG`` (keys are the
field names without the prefix); environment variables win over the file.
"""

from __future__ import annotations

import os
import tomllib
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

#: The secret shipped for development; refused outside the development environment.
DEVELOPMENT_SECRET = "trustlane-development-secret-change-me"  # noqa: S105


class Environment(StrEnum):
    development = "development"
    test = "test"
    production = "production"


class _TomlFileSource(PydanticBaseSettingsSource):
    """Reads the TOML file named by ``TRUSTLANE_CONFIG`` (a ``[trustlane]`` table or top level)."""

    def __init__(self, settings_cls: type[BaseSettings]) -> None:
        super().__init__(settings_cls)
        self._data: dict[str, Any] = {}
        path = os.environ.get("TRUSTLANE_CONFIG")
        if path and path.endswith(".toml"):
            with open(path, "rb") as fh:
                loaded = tomllib.load(fh)
            self._data = dict(loaded.get("trustlane", loaded))

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self._data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return {k: v for k, v in self._data.items() if k in self.settings_cls.model_fields}


class Settings(BaseSettings):
    """Every setting of trustlane. Each field is documented in ``docs/configuration.md``."""

    model_config = SettingsConfigDict(
        env_prefix="TRUSTLANE_",
        env_file=os.environ.get("TRUSTLANE_CONFIG")
        if os.environ.get("TRUSTLANE_CONFIG", "").endswith(".env")
        else None,
        extra="ignore",
    )

    # Where trustlane keeps its files: the SQLite database, models, uploads, rejects files.
    data_dir: Path = Field(default=Path("var"))
    # SQLAlchemy URL of the database; empty means a SQLite file ``trustlane.db`` in data_dir.
    database_url: str = ""
    # development, test or production; production refuses the development secret.
    environment: Environment = Environment.development
    # Key that signs session cookies and CSRF tokens. Set a long random value in production.
    secret_key: str = DEVELOPMENT_SECRET
    # Python logging level name (DEBUG, INFO, WARNING, ERROR).
    log_level: str = "INFO"
    # Log lines as JSON objects (true) or human-readable key=value text (false).
    log_json: bool = False
    # Largest accepted upload in megabytes (ingest files, evidence files).
    max_upload_mb: int = Field(default=512, ge=1)
    # Rows per transaction when ingesting; memory grows with it, speed too up to a point.
    ingest_chunk_rows: int = Field(default=20_000, ge=100, le=1_000_000)
    # Hours a login session for the pages and the API stays valid.
    session_hours: int = Field(default=12, ge=1)
    # Address and port `trustlane serve` binds to.
    host: str = "127.0.0.1"
    port: int = 8000

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if self.environment == Environment.production and self.secret_key == DEVELOPMENT_SECRET:
            raise ValueError(
                "TRUSTLANE_SECRET_KEY is the development default; set a secret of your own "
                "in production"
            )
        if self.environment == Environment.production and len(self.secret_key) < 32:
            raise ValueError("TRUSTLANE_SECRET_KEY must be at least 32 characters in production")
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            env_settings,
            dotenv_settings,
            _TomlFileSource(settings_cls),
            file_secret_settings,
        )

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to the SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'trustlane.db').resolve()}"

    def path(self, *parts: str) -> Path:
        """A path under the data directory, its parent folders created."""
        p = self.data_dir.joinpath(*parts)
        p.parent.mkdir(parents=True, exist_ok=True)
        return p


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once from the environment (the CLI and server use this)."""
    return Settings()
