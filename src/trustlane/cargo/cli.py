"""CLI: ``trustlane ingest``, ``trustlane profiles``, ``trustlane shipments list|show`` and
``trustlane inspections import``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from trustlane.cargo import ingest, inspections, shipments
from trustlane.cargo.profiles import PROFILES
from trustlane.cargo.schemas import ProfilePublic, ShipmentPublic, ShipmentSummary
from trustlane.cargo.store import ShipmentFilter
from trustlane.cli.common import (
    console,
    err_console,
    new_app,
    open_database,
    operator,
    progress_bar,
    settings,
)
from trustlane.errors import TrustlaneError
from trustlane.jobs import runner
from trustlane.paging import PageRequest

shipments_app = new_app("Shipments: declarations, filings, entries, air cargo, export manifests.")
inspections_app = new_app("Inspection outcomes: what inspections found.")


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest_command)
    app.command("profiles")(profiles_command)
    app.add_typer(shipments_app, name="shipments")
    app.add_typer(inspections_app, name="inspections")


class JobFailed(TrustlaneError):
    """The ingest job stopped with an error (its message says why)."""

    exit_code = 1
    title = "Ingest failed"


def ingest_command(
    file: Annotated[Path, typer.Argument(help="CSV, JSON Lines or Parquet file")],
    profile: Annotated[str, typer.Option("--profile", help="Ingest profile (see `profiles`)")],
    format: Annotated[
        str | None, typer.Option("--format", help="csv, jsonl or parquet (default: extension)")
    ] = None,
    rejects: Annotated[
        Path | None,
        typer.Option("--rejects", help="Where to write rejected rows (default: data dir)"),
    ] = None,
) -> None:
    """Ingest FILE through a profile, with a progress bar; prints a summary.

    Exits 0 when the file loaded, even if some rows were rejected (the summary says how many
    and where the rejects file is); non-zero for an unknown profile, an unreadable file or
    missing required columns.
    """
    database = open_database()
    cfg = settings()
    with database.session() as session:
        job = ingest.submit_ingest(
            session,
            operator(),
            file.resolve(),
            profile,
            fmt=format,
            rejects_path=rejects.resolve() if rejects else None,
        )
        job_id = job.id
    with progress_bar(f"ingest {file.name}", unit="bytes") as bar:
        finished = runner.execute(database, cfg, job_id, progress=bar)
    if finished.status != "succeeded" or finished.result is None:
        raise JobFailed(f"{file.name}: {finished.error or 'the job did not finish'}")
    _print_summary(finished.result, job_id)


def _print_summary(result: dict[str, Any], job_id: str) -> None:
    table = Table(
        title=f"{result['file']} ({result['profile']}, {result['format']})", show_header=False
    )
    rows = [
        ("rows read", result["rows_read"]),
        ("rows rejected", result["rows_rejected"]),
        ("rows loaded", result["rows_loaded"]),
    ]
    if result["events_new"] or result["events_unchanged"]:
        rows += [
            ("events new", result["events_new"]),
            ("events unchanged", result["events_unchanged"]),
        ]
    else:
        rows += [
            ("filings new", result["filings_new"]),
            ("filings changed (new version)", result["filings_changed"]),
            ("filings unchanged", result["filings_unchanged"]),
            ("parties", result["parties_written"]),
        ]
    rows += [("seconds", result["seconds"]), ("rows/s", f"{result['rows_per_second']:,.0f}")]
    for label, value in rows:
        table.add_row(label, f"{value:,}" if isinstance(value, int) else str(value))
    console.print(table)
    if result.get("parties_resolved"):
        shown = ", ".join(f"{k} {v:,}" for k, v in sorted(result["parties_resolved"].items()))
        console.print(f"parties resolved: {shown}")
    if result.get("ignored_columns"):
        console.print(
            f"ignored columns (not in the profile): {', '.join(result['ignored_columns'])}"
        )
    if result["rows_rejected"]:
        err_console.print(
            f"[yellow]{result['rows_rejected']:,} rows rejected[/]; every other row was loaded. "
            f"Rejects (row, field, value, reason): {result['rejects_path']}",
            highlight=False,
            soft_wrap=True,
        )
    console.print(f"job {job_id}")


def profiles_command(
    name: Annotated[str | None, typer.Argument(help="Show one profile's columns")] = None,
) -> None:
    """List the ingest profiles, or the columns of one."""
    if name is None:
        table = Table("profile", "kind", "title", "columns (required)")
        for p in PROFILES.values():
            table.add_row(p.name, p.kind, p.title, f"{len(p.columns)} ({len(p.required)})")
        console.print(table)
        return
    from trustlane.cargo.profiles import get_profile

    shown = ProfilePublic.of(get_profile(name))
    console.print(f"[bold]{shown.name}[/]: {shown.title}\n{shown.description}\n")
    table = Table("column", "type", "required", "meaning")
    for c in shown.columns:
        table.add_row(c.name, c.type, "yes" if c.required else "", c.meaning)
    console.print(table)


@shipments_app.command("list")
def shipments_list(
    kind: Annotated[str | None, typer.Option(help="declaration, isf, air, entry, export")] = None,
    external_id: Annotated[str | None, typer.Option(help="The filing's key")] = None,
    office: str | None = None,
    hs6: str | None = None,
    origin: str | None = None,
    declared_from: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
    declared_to: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
    all_versions: Annotated[bool, typer.Option(help="Superseded versions too")] = False,
    limit: int = 20,
    offset: int = 0,
    sort: Annotated[str | None, typer.Option(help="Field; prefix - for descending")] = None,
) -> None:
    """List shipments, newest first."""
    database = open_database()
    where = ShipmentFilter(
        kind=kind,
        external_id=external_id,
        office=office.upper() if office else None,
        hs6=hs6,
        origin=origin.upper() if origin else None,
        declared_from=date.fromisoformat(declared_from) if declared_from else None,
        declared_to=date.fromisoformat(declared_to) if declared_to else None,
        current_only=not all_versions,
    )
    with database.session() as session:
        page = shipments.list_shipments(
            session, operator(), where, PageRequest(limit, offset, sort)
        )
        table = Table(
            "id",
            "kind",
            "key",
            "v",
            "declared",
            "filed",
            "lead h",
            "origin",
            "value",
            title=f"{page.total:,} shipments",
        )
        for s in page.items:
            shown = ShipmentSummary.model_validate(s)
            table.add_row(
                str(s.id),
                s.kind,
                s.external_id,
                str(s.version) + ("" if s.is_current else " (old)"),
                str(s.declared_on or ""),
                s.filed_at.isoformat(timespec="minutes") if s.filed_at else "",
                "" if shown.filing_lead_hours is None else f"{shown.filing_lead_hours:g}",
                s.country_origin or "",
                f"{s.total_value:,.0f} {s.currency or ''}" if s.total_value is not None else "",
            )
        console.print(table)


@shipments_app.command("show")
def shipments_show(shipment_id: int) -> None:
    """Show one shipment as JSON: lines, parties (with their organizations), inspections."""
    database = open_database()
    with database.session() as session:
        detail = shipments.get_shipment(session, operator(), shipment_id)
        console.print_json(json.dumps(ShipmentPublic.of(detail).model_dump(mode="json")))


@inspections_app.command("import")
def inspections_import(
    file: Annotated[Path, typer.Argument(help="CSV: kind, external_id, fraud[, critical, ...]")],
) -> None:
    """Record inspection outcomes from a CSV file (by shipment kind and key)."""
    database = open_database()
    result = inspections.import_outcomes(
        database, operator(), file, chunk_rows=settings().ingest_chunk_rows
    )
    console.print(f"{result.rows_read:,} rows read, {result.recorded:,} outcomes recorded")
    for problem in result.rejected[:20]:
        err_console.print(f"rejected: {problem}", highlight=False, soft_wrap=True)
    if len(result.rejected) > 20:
        err_console.print(f"... and {len(result.rejected) - 20} more rejected rows")
