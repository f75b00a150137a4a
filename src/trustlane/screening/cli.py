"""CLI: ``trustlane lists ...`` (watch lists) and ``trustlane screening ...`` (matching,
screening files and parties, alerts and their review, ownership, training the name model)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from trustlane.cli.common import (
    console,
    err_console,
    new_app,
    open_database,
    operator,
    progress_bar,
    settings,
)
from trustlane.errors import FieldProblem, InvalidInput

lists_app = new_app("Watch lists: load versions, show them and their differences.")
screening_app = new_app(
    "Screening: compare names, screen files and parties, review alerts, ownership."
)


def register(app: typer.Typer) -> None:
    app.add_typer(lists_app, name="lists")
    app.add_typer(screening_app, name="screening")


def _problems(problems: list[FieldProblem], limit: int = 10) -> None:
    for p in problems[:limit]:
        err_console.print(f"  [yellow]problem:[/] {p}", highlight=False)
    if len(problems) > limit:
        err_console.print(f"  ... and {len(problems) - limit} more", highlight=False)


@lists_app.command("load")
def lists_load(
    path: Annotated[Path, typer.Argument(help="The list file (or folder, for OFAC CSV sets)")],
    fmt: Annotated[
        str,
        typer.Option("--format", help="ofac-sdn, ofac-cons, un-xml, csl, dpl, ftm or csv"),
    ],
    name: Annotated[str | None, typer.Option(help="List name (default: the format's)")] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(help="Column mapping for --format csv (YAML or JSON file)"),
    ] = None,
    no_rescreen: Annotated[
        bool, typer.Option("--no-rescreen", help="Do not re-screen affected parties")
    ] = False,
) -> None:
    """Load a new version of a watch list and show how it differs from the previous one."""
    from trustlane.screening.lists import load_list

    mapping_doc = None
    if mapping is not None:
        import yaml

        mapping_doc = yaml.safe_load(mapping.read_text(encoding="utf-8")) or {}
    database = open_database()
    with progress_bar(f"loading {path.name}") as bar:
        report = load_list(
            database,
            operator(),
            path,
            fmt,
            name=name,
            mapping=mapping_doc,
            progress=bar,
            rescreen=not no_rescreen,
        )
    console.print(
        f"{report.list_name} version {report.version}: {report.entries} entries "
        f"({report.rows_read} rows read, {report.rejected} rejected); "
        f"+{len(report.diff.added)} added, -{len(report.diff.removed)} removed, "
        f"~{len(report.diff.changed)} changed, {report.diff.unchanged} unchanged"
    )
    if report.rescreened:
        console.print(
            f"re-screened {report.rescreened} affected parties: {report.new_alerts} new alerts"
        )
    _problems(report.problems)


@lists_app.command("list")
def lists_list() -> None:
    """The loaded lists and their current versions."""
    from trustlane.screening.lists import list_lists

    database = open_database()
    with database.session() as session:
        rows = list_lists(session, operator())
    table = Table("list", "format", "version", "entries", "loaded at", "published")
    for r in rows:
        table.add_row(
            r.name, r.format, str(r.version), str(r.entries), r.loaded_at or "", r.published or ""
        )
    console.print(table)


@lists_app.command("versions")
def lists_versions(name: Annotated[str, typer.Argument(help="List name")]) -> None:
    """The versions of one list, newest first, with their differences."""
    from trustlane.screening.lists import list_versions

    database = open_database()
    with database.session() as session:
        versions = list_versions(session, operator(), name)
        table = Table(
            "version", "status", "entries", "added", "removed", "changed", "loaded at", "source"
        )
        for v in versions:
            table.add_row(
                str(v.number), v.status, str(v.entries), str(v.added), str(v.removed),
                str(v.changed), v.loaded_at.isoformat(timespec="seconds"), v.source,
            )  # fmt: skip
    console.print(table)


@screening_app.command("compare")
def screening_compare(
    pairs: Annotated[Path, typer.Argument(help="CSV with columns schema, name1, name2")],
    output: Annotated[Path, typer.Option("--output", help="Where to write the scored pairs")],
) -> None:
    """Score name pairs: adds score, match (at the schema's threshold) and explanation."""
    from trustlane.screening.config import current_model
    from trustlane.screening.files import compare_file

    model = current_model()
    with progress_bar("comparing") as bar:
        summary = compare_file(pairs, output, model, bar)
    console.print(f"{summary.rows} pairs compared, {summary.matches} matches; written to {output}")
    _problems(summary.problems)


@screening_app.command("screen")
def screening_screen(
    parties: Annotated[Path, typer.Argument(help="CSV with a full_name column")],
    output: Annotated[Path, typer.Option("--output", help="Where to write the results")],
    lists: Annotated[
        list[str] | None, typer.Option("--list", help="Screen against this list only (repeat)")
    ] = None,
    hits_output: Annotated[
        Path | None, typer.Option("--hits-output", help="Write every alerting hit here")
    ] = None,
    workers: Annotated[int, typer.Option(help="Worker processes (0: one per CPU core)")] = 0,
) -> None:
    """Screen a file of parties against the loaded lists (or those named)."""
    from trustlane.screening.files import screen_file
    from trustlane.screening.screeners import get_screener

    database = open_database()
    operator().require("screening:read")
    with console.status("preparing the screening index"):
        screener = get_screener(database, settings(), lists or None)
    with progress_bar("screening") as bar:
        summary = screen_file(
            parties, output, screener, hits_output=hits_output, progress=bar, workers=workers
        )
    console.print(
        f"{summary.rows} parties screened, {summary.matches} with an alert "
        f"({summary.hits} alerting hits); written to {output}"
        + (f", hits to {hits_output}" if hits_output else "")
    )
    _problems(summary.problems)


@screening_app.command("name")
def screening_name(
    name: Annotated[str, typer.Argument(help="The name to screen")],
    schema: Annotated[str, typer.Option(help="Person, Company, Organization, Vessel...")] = "",
    dob: Annotated[str | None, typer.Option(help="Date of birth (YYYY or YYYY-MM-DD)")] = None,
    country: Annotated[list[str] | None, typer.Option(help="Country or nationality")] = None,
    lists: Annotated[list[str] | None, typer.Option("--list", help="Only this list")] = None,
) -> None:
    """Screen one name and show its hits with their reasons."""
    from trustlane.screening.engine import Party
    from trustlane.screening.normalize import kind_of
    from trustlane.screening.records import birth_dates, country_code
    from trustlane.screening.screeners import get_screener

    database = open_database()
    screener = get_screener(database, settings(), lists or None)
    dates = birth_dates(dob) if dob else []
    party = Party(
        name=name,
        kind=kind_of(schema),
        birth_date=dates[0] if dates else None,
        countries=frozenset(c for c in (country_code(x) for x in country or []) if c),
    )
    hits = screener.screen(party)
    if not hits:
        console.print("no hits")
        return
    for h in hits:
        mark = "[bold red]ALERT[/]" if h.alert else "hit"
        console.print(
            f"{mark} {h.score:.2f} (threshold {h.threshold:.2f}) {h.entry.list_name} "
            f"{h.entry.key}: {h.matched_name}"
        )
        for r in h.reasons:
            console.print(f"    {r.code}: {r.text}", highlight=False)


@screening_app.command("train")
def screening_train(
    output: Annotated[Path, typer.Option(help="Where to write the model JSON")],
    sdn: Annotated[Path, typer.Option(help="OFAC SDN folder")],
    cons: Annotated[Path | None, typer.Option(help="OFAC consolidated folder")] = None,
    un: Annotated[Path | None, typer.Option(help="UN consolidated XML")] = None,
    seed: int = 13,
    pairs: Annotated[int, typer.Option(help="Generated pairs per kind group")] = 10_000,
) -> None:
    """Train the name model on pairs generated from list files (never on evaluation data)."""
    from trustlane.screening.loaders import read_list
    from trustlane.screening.model import train

    records = read_list(sdn, "ofac-sdn").records
    if cons:
        records += read_list(cons, "ofac-cons").records
    if un:
        records += read_list(un, "un-xml").records
    with console.status(f"training on pairs generated from {len(records)} entries"):
        model = train(records, seed=seed, per_group=pairs)
    model.save(output)
    console.print(
        json.dumps({g: {"threshold": m.threshold, **m.metrics} for g, m in model.groups.items()})
    )
    console.print(f"written to {output}")


def _require(value: str | None, option: str) -> str:
    if not value:
        raise InvalidInput("Missing option", [FieldProblem(option, "required")])
    return value


@screening_app.command("shipments")
def screening_shipments() -> None:
    """Screen the parties of every current shipment (alerts for new hits)."""
    from trustlane.screening.parties import screen_shipments

    database = open_database()
    with progress_bar("screening shipment parties") as bar:
        count, alerts = screen_shipments(database, settings(), operator(), progress=bar)
    console.print(f"{count} shipment parties screened, {alerts} new alerts")


@screening_app.command("organizations")
def screening_organizations() -> None:
    """Screen every registry organization (alerts for new hits)."""
    from trustlane.screening.parties import screen_organizations

    database = open_database()
    with progress_bar("screening organizations") as bar:
        count, alerts = screen_organizations(database, settings(), operator(), progress=bar)
    console.print(f"{count} organizations screened, {alerts} new alerts")


@screening_app.command("alerts")
def screening_alerts(
    status: Annotated[
        str, typer.Option(help="open, true_match, false_positive, escalated")
    ] = "open",
    limit: int = 50,
) -> None:
    """The review queue."""
    from trustlane.screening.subjects import alert_queue

    database = open_database()
    with database.session() as session:
        alerts = alert_queue(session, operator(), status=status or None, limit=limit)
        table = Table("id", "score", "party", "list entry", "matched name", "status", "assignee")
        for a in alerts:
            table.add_row(
                str(a.id), f"{a.score:.2f}", str(a.subject_id), a.entry_key, a.matched_name,
                a.status, a.assignee or "",
            )  # fmt: skip
    console.print(table)


@screening_app.command("assign")
def screening_assign(alert_id: int, assignee: str) -> None:
    """Assign an alert to a reviewer."""
    from trustlane.screening.subjects import assign_alert

    database = open_database()
    with database.session() as session:
        assign_alert(session, operator(), alert_id, assignee)
    console.print(f"alert {alert_id} assigned to {assignee}")


@screening_app.command("decide")
def screening_decide(
    alert_id: int,
    decision: Annotated[str, typer.Argument(help="true_match, false_positive or escalated")],
    note: Annotated[str | None, typer.Option(help="Why (required to clear or escalate)")] = None,
) -> None:
    """Decide an alert; the decision is remembered for the party–entry pair."""
    from trustlane.screening.subjects import decide_alert

    database = open_database()
    with database.session() as session:
        decide_alert(session, operator(), alert_id, decision, note)
    console.print(f"alert {alert_id}: {decision}")


@screening_app.command("ownership")
def screening_ownership() -> None:
    """Apply the 50 percent rule: flag organizations owned half or more by listed parties."""
    from trustlane.screening.ownership import evaluate_ownership

    database = open_database()
    with database.session() as session:
        flags = evaluate_ownership(session, operator())
        for flag in flags:
            owners = ", ".join(f"{c['owner']} {float(str(c['share'])):.0%}" for c in flag.chain)
            console.print(
                f"organization {flag.org_id}: {flag.share:.0%} held by listed parties ({owners})"
            )
    console.print(f"{len(flags)} organizations blocked by ownership")
