"""CLI: ``trustlane demo``: build the demo data set (once) and serve it."""

from __future__ import annotations

from typing import Annotated

import typer

from trustlane.cli.common import console, open_database, progress_bar, settings


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    seed: Annotated[int, typer.Option(help="Seed of the generated data")] = 7,
    reset: Annotated[bool, typer.Option(help="Delete the existing SQLite database first")] = False,
    serve: Annotated[bool, typer.Option(help="Serve the app after building")] = True,
) -> None:
    """Build a realistic demo data set in the configured database (once), then serve it.

    On the SQLite default this is everything a fresh clone needs: migrations, an agency and
    its users, a few hundred trade organizations, a year of shipments ingested through the
    real profiles, and each capability's own demo data.
    """
    from trustlane.demo.build import DEMO_PASSWORD, already_built, build
    from trustlane.migrate import upgrade

    cfg = settings()
    if reset:
        if cfg.database_url and not cfg.database_url.startswith("sqlite"):
            raise typer.BadParameter("--reset only deletes the SQLite default database")
        db_file = cfg.data_dir / "trustlane.db"
        for suffix in ("", "-wal", "-shm"):
            db_file.with_name(db_file.name + suffix).unlink(missing_ok=True)
    database = open_database(require_migrated=False)
    upgrade(database.url)
    if already_built(database):
        console.print("Demo data already present (use --reset to build it again).")
        summary = None
    else:
        with progress_bar("Building the demo") as bar:
            summary = build(database, cfg, seed=seed, progress=bar)
        for name, count in sorted(summary.counts.items()):
            console.print(f"  {name:<40} {count:>10,}")
        console.print(f"Built in {summary.seconds:.0f} s.")
    console.print(
        f"\nLog in with any of these, password [bold]{DEMO_PASSWORD}[/]:", highlight=False
    )
    from trustlane.demo.build import AGENCY_USERS

    for email, _, role in AGENCY_USERS:
        console.print(f"  {email:<32} {role.value}", highlight=False)
    if summary is not None:
        for email, role_text in summary.logins[len(AGENCY_USERS) :]:
            console.print(f"  {email:<32} {role_text}", highlight=False)
    if serve:
        import uvicorn

        from trustlane.web.app import create_app

        console.print(f"\ntrustlane demo on http://{cfg.host}:{cfg.port}  (API docs: /docs)")
        uvicorn.run(create_app(cfg, database), host=cfg.host, port=cfg.port, log_config=None)
