"""``trustlane``: the command line. Each package adds its commands through ``register``."""

from __future__ import annotations

import importlib
import importlib.util
from typing import Annotated

import typer

import trustlane
from trustlane.cli.common import console, new_app, open_database, settings
from trustlane.logs import configure_logging

app = new_app(
    "trustlane: supply-chain security and resilience (targeting, screening, "
    "trusted-trader programs, supply-chain risk)."
)

#: Modules with ``register(app)`` adding their commands, in the order of ``--help``.
COMMANDS = [
    "trustlane.access.cli",
    "trustlane.registry.cli",
    "trustlane.cargo.cli",
    "trustlane.jobs.cli",
    "trustlane.screening.cli",
    "trustlane.targeting.cli",
    "trustlane.programs.cli",
    "trustlane.supplychain.cli",
    "trustlane.demo.cli",
]


def _version(value: bool) -> None:
    if value:
        console.print(f"trustlane {trustlane.__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit"
        ),
    ] = False,
) -> None:
    configure_logging(settings())


db_app = new_app("Database schema: apply and inspect migrations.")
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or upgrade the database schema to this version of trustlane."""
    from trustlane.migrate import upgrade

    database = open_database(require_migrated=False)
    upgrade(database.url)
    database.check_migrated()
    where = database.url.split("@")[-1]
    console.print(f"Database {where} is up to date.")


@db_app.command("status")
def db_status() -> None:
    """Show whether the database schema is current."""
    from trustlane.migrate import current_heads, expected_heads

    database = open_database(require_migrated=False)
    with database.engine.connect() as conn:
        current = current_heads(conn)
    expected = expected_heads()
    console.print(f"database: {database.url.split('@')[-1]}")
    console.print(f"at:       {', '.join(sorted(current)) or '(empty)'}")
    console.print(f"expected: {', '.join(sorted(expected))}")
    if current != expected:
        console.print("[yellow]not current: run `trustlane db upgrade`[/]")
        raise typer.Exit(6)
    console.print("[green]current[/]")


@app.command("serve")
def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to bind (default from settings)")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default from settings)")] = None,
) -> None:
    """Serve the API and the pages."""
    import uvicorn

    from trustlane.web.app import create_app

    cfg = settings()
    web_app = create_app(cfg)  # refuses an un-migrated database before binding
    host, port = host or cfg.host, port or cfg.port
    console.print(f"trustlane serving on http://{host}:{port}  (API docs: /docs)")
    uvicorn.run(web_app, host=host, port=port, log_config=None)


for _module in COMMANDS:
    if importlib.util.find_spec(_module) is not None:
        importlib.import_module(_module).register(app)


def main() -> None:
    app()
