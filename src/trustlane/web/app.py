"""The FastAPI application: API routers of every package, problem+json errors, job runner."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

import trustlane
from trustlane.db import Database
from trustlane.jobs.runner import JobRunner
from trustlane.logs import configure_logging
from trustlane.settings import Settings, get_settings
from trustlane.web import problems

#: Modules that define ``router`` (an APIRouter), in the order their tags appear in /docs.
#: A package that is not built yet is skipped; one that fails to import fails the start.
ROUTERS = [
    "trustlane.access.api",
    "trustlane.registry.api",
    "trustlane.cargo.api",
    "trustlane.jobs.api",
    "trustlane.screening.api",
    "trustlane.targeting.api",
    "trustlane.programs.api",
    "trustlane.supplychain.api",
    "trustlane.web.pages",
]

DESCRIPTION = """
trustlane: targeting, screening, trusted-trader programs and supply-chain risk on one system.

Authenticate with `POST /api/auth/token` (form fields `username` = e-mail, `password`) and send
the token as `Authorization: Bearer <token>`. Errors are `application/problem+json` documents;
`errors[]` names each failing field (and row, for files).
"""


def create_app(
    settings: Settings | None = None, database: Database | None = None, *, check_schema: bool = True
) -> FastAPI:
    """Build the app. Refuses (``NotMigrated``) when the database schema is not current."""
    settings = settings or get_settings()
    database = database or Database.from_settings(settings)
    if check_schema:
        database.check_migrated()
    runner = JobRunner(database, settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runner.recover()
        yield
        runner.shutdown()

    app = FastAPI(
        title="trustlane", version=trustlane.__version__, description=DESCRIPTION, lifespan=lifespan
    )
    app.state.settings = settings
    app.state.database = database
    app.state.runner = runner
    problems.install(app)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")

    @app.get("/health", tags=["health"], summary="Liveness and database check")
    def health() -> dict[str, str]:
        database.check_migrated()
        return {"status": "ok", "version": trustlane.__version__, "database": database.dialect}

    for module_name in ROUTERS:
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        app.include_router(module.router)
    return app


def create_default_app() -> FastAPI:
    """Factory for ``uvicorn --factory trustlane.web.app:create_default_app``."""
    settings = get_settings()
    configure_logging(settings)
    return create_app(settings)
